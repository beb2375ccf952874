"""Executors, separate from the stage they run: each maps `process_chunk` over the items in
chunks, keeps a bounded number of chunks in flight (memory does not grow with the archive) and
yields the results in input order. Choosing an engine never imports another one."""

from __future__ import annotations

from itertools import islice
from typing import Callable, Iterator, Protocol, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Task = TypeVar("Task")

#: Documents per chunk: enough to hide the cost of shipping a chunk to a worker (a repair takes
#: milliseconds), few enough that the pool stays busy on a small archive.
CHUNK_DOCUMENTS = 8


class Engine(Protocol):
    def map_ordered(self, function: Callable[[list[Item], Task], list[Result]], items: Iterator[Item], task: Task) -> Iterator[Result]:
        """function(chunk, task) over chunks of items; results one by one, in input order."""

    def close(self) -> None:
        ...


def iter_chunks(items: Iterator[Item], size: int = CHUNK_DOCUMENTS) -> Iterator[list[Item]]:
    while chunk := list(islice(items, size)):
        yield chunk


def create_engine(name: str, jobs: int, address: str | None = None) -> Engine:
    if name == "ray":
        from .ray import RayEngine  # only when asked for: importing docrepair never imports Ray

        return RayEngine(jobs, address)
    from .local import LocalEngine

    return LocalEngine(jobs)
