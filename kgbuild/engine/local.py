"""The local engine: extraction in this process, or in a pool of forked worker processes.

The pool is ours rather than spaCy's ``n_process``: spaCy ships every Doc back to the parent by
pickling, which costs more than the extraction saves; our workers build the pipeline once and
return plain records. ``concurrent.futures`` rather than ``multiprocessing.Pool`` because a worker
that dies (killed, out of memory, a crash in native code) breaks the executor with an error,
where ``Pool`` would silently replace the worker and wait for the lost task forever.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from kgbuild.engine.ordered import CHUNK, chunks, ordered_results
from kgbuild.engine.work import Outcome, Shipped, extract_chunk, load_extractor, outcomes, to_worker
from kgbuild.records import Paper

Work = Callable[[Sequence[Paper]], list[Shipped]]
WINDOW_PER_WORKER = 4  # chunks queued per worker: keeps workers busy without buffering the corpus


def default_processes() -> int:
    """One worker per CPU this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def mp_context() -> multiprocessing.context.BaseContext:
    # fork starts workers in milliseconds and needs no importable __main__; spawn elsewhere
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


WORKER_READY_TIMEOUT = 600.0


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the build that forked it dies (even by SIGKILL), so
    no worker is left extracting for nobody. Linux only; elsewhere the pool's own checks remain."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _init_worker(ready: Any | None, parent: int | None = None) -> None:
    if parent is not None:
        _die_with_parent(parent)
    load_extractor()
    if ready is not None:  # the parent waits until every worker has its pipeline
        ready.wait(WORKER_READY_TIMEOUT)


class LocalEngine:
    """``processes`` workers (default: one per CPU); 1 extracts in this process, with no pool."""

    def __init__(
        self,
        processes: int | None = None,
        *,
        chunk_size: int = CHUNK,
        work: Work = extract_chunk,
        wait_ready: bool = False,
    ) -> None:
        self.processes = max(1, processes or default_processes())
        self.chunk_size = chunk_size
        self.work = work  # what each chunk runs; a parameter so a test can make a worker die
        # wait_ready: enter only once every worker has built its pipeline (the bench times
        # extraction alone); a build need not wait, its first chunks simply start later
        self.wait_ready = wait_ready
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalEngine:
        from kgbuild.engine import EngineError

        if self.processes == 1:
            if self.wait_ready:
                load_extractor()
            return self
        ctx = mp_context()
        ready = ctx.Barrier(self.processes + 1) if self.wait_ready else None
        self._pool = ProcessPoolExecutor(
            self.processes, mp_context=ctx, initializer=_init_worker, initargs=(ready, os.getpid())
        )
        if ready is not None:
            for _ in range(self.processes):  # workers start on submit
                self._pool.submit(int)
            try:
                ready.wait(WORKER_READY_TIMEOUT)
            except Exception as e:  # BrokenBarrierError: a worker could not build its pipeline
                self.__exit__()
                raise EngineError(f"the {self.processes} workers did not get ready") from e
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            # a broken pool has no live workers left; cancel_futures drops queued chunks after an error
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def extract(self, papers: Sequence[Paper]) -> Iterator[Outcome]:
        from kgbuild.engine import EngineError

        parts = chunks(papers, self.chunk_size)
        if self._pool is None:
            if self.processes > 1:
                raise EngineError("the local engine's pool is not running; use the engine in a 'with' block")
            for part in parts:
                yield from outcomes(part, self.work(part))
            return
        pool = self._pool

        def submit(part: Sequence[Paper]) -> Future[list[Shipped]]:
            return pool.submit(self.work, [to_worker(p) for p in part])

        try:
            for chunk, shipped in ordered_results(submit, parts, self.processes * WINDOW_PER_WORKER):
                yield from outcomes(chunk, shipped)
        except BrokenProcessPool as e:
            raise EngineError(
                f"a worker process died while extracting (killed, out of memory, or crashed in native code); "
                f"{self.processes} workers, chunks of {self.chunk_size} papers. Try --processes 1 to see the error "
                f"in this process"
            ) from e
