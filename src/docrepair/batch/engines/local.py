"""The local engine: a pool of worker processes on this machine (or no pool at all for one job)."""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable, Iterator

from . import iter_chunks


class LocalEngine:
    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        #: Chunks in flight: two per worker keeps every worker busy while results are written,
        #: and bounds memory to a few dozen documents whatever the archive's size.
        self.window = 2 * self.jobs
        self._pool: ProcessPoolExecutor | None = None

    def map_ordered(self, function: Callable, items: Iterator, task) -> Iterator:
        if self.jobs == 1:
            for chunk in iter_chunks(items):  # in this process: no start-up, easy to debug
                yield from function(chunk, task)
            return
        pool = self._start()
        in_flight: deque[Future] = deque()
        chunks = iter_chunks(items)
        for chunk in chunks:
            in_flight.append(pool.submit(function, chunk, task))
            if len(in_flight) >= self.window:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork: workers start at once with the library already imported; macOS's fork is
            # unsafe with its system frameworks, so spawn there.
            context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
            if context.get_start_method() == "fork":
                from ...pipeline import load_models

                load_models()  # once, here: the forked workers share the models instead of each loading them
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_leave_interrupts_to_the_parent)
        return self._pool

    def close(self) -> None:
        """Wait for the chunks in flight and stop the workers (chunks not started are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C reaches every process of the terminal's group; a worker ignores it, so that only the
    parent stops the run (one line, no worker tracebacks) and the chunks in flight finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
