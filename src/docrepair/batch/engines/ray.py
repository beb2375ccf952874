"""The Ray engine: the same stage as the local engine, run as Ray tasks on a local Ray or an
existing cluster (--address). Chunks go out as tasks, at most a few per CPU in flight, and come
back in input order, so the output bytes are the local engine's.

Every node of a cluster needs docrepair installed (pip install 'docrepair[ray]'): the tasks
import it there.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Callable, Iterator

from ...errors import ConfigError, DocrepairError
from . import iter_chunks

INSTALL_HINT = "the Ray engine needs the ray extra: pip install 'docrepair[ray]'"


def import_ray():
    try:
        import ray
    except ImportError:
        raise ConfigError(INSTALL_HINT) from None
    return ray


class RayEngine:
    def __init__(self, jobs: int, address: str | None = None) -> None:
        self.ray = import_ray()
        self.jobs = max(1, jobs)
        self.address = address
        self._started_here = False
        self._remote = None

    def _start(self) -> None:
        ray = self.ray
        if not ray.is_initialized():
            try:
                if self.address:
                    ray.init(address=self.address, logging_level=logging.ERROR, log_to_driver=False)
                else:
                    ray.init(num_cpus=self.jobs, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as error:
                where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
                raise DocrepairError(f"cannot start {where}: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
            self._started_here = True
        cpus = int(ray.cluster_resources().get("CPU", self.jobs)) if self.address else self.jobs
        #: Chunks in flight: two per CPU keeps the cluster busy and bounds the driver's memory.
        self.window = 2 * max(1, cpus)

    def map_ordered(self, function: Callable, items: Iterator, task) -> Iterator:
        self._start()
        remote = self.ray.remote(num_cpus=1, max_retries=1)(function)
        task_ref = self.ray.put(task)  # shipped once, not with every chunk
        in_flight: deque = deque()
        for chunk in iter_chunks(items):
            in_flight.append(remote.remote(chunk, task_ref))
            if len(in_flight) >= self.window:
                yield from self.ray.get(in_flight.popleft())
        while in_flight:
            yield from self.ray.get(in_flight.popleft())

    def close(self) -> None:
        if self._started_here and self.ray.is_initialized():
            self.ray.shutdown()
            self._started_here = False
