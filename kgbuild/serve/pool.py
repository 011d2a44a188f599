"""A fixed set of worker processes that answer queries, each under a hard time limit."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

import kgbuild
from kgbuild.serve.worker import Reply

_START_SECONDS = 60.0


class PoolError(RuntimeError):
    """A worker could not start (e.g. the store cannot be opened)."""


# Not TimeoutError: that is an OSError, which ``run`` treats as a broken worker.
class QueryTimeout(RuntimeError):
    """The query ran past the time limit; its worker was killed."""


class PoolBusy(RuntimeError):
    """Every worker stayed busy for the whole time limit."""


class _Worker:
    """A ``python -m kgbuild.serve.worker`` child talking over a socket pair.

    A plain subprocess rather than multiprocessing: the server has threads (so no fork), and
    multiprocessing's spawn re-runs the parent's ``__main__``, which need not be importable.
    """

    def __init__(self, store_dir: str, max_results: int) -> None:
        """Start the process; ``wait_ready`` then waits until it has opened the store."""
        parent, child = socket.socketpair()
        env = dict(os.environ)
        # the child imports the same kgbuild as this process, installed or not
        source_root = str(Path(kgbuild.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [source_root, env.get("PYTHONPATH")]))
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kgbuild.serve.child", str(child.fileno()), store_dir, str(max_results)],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                env=env,
            )
        finally:
            child.close()
        self.conn = Connection(parent.detach())

    def wait_ready(self) -> None:
        try:
            ready = self.conn.poll(_START_SECONDS)
            status, message = self.conn.recv() if ready else ("error", "a query worker did not start in time")
        except (EOFError, OSError) as e:
            status, message = "error", f"a query worker exited at start ({e!r})"
        if status != "ready":
            self.kill()
            raise PoolError(message)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.process.wait(2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


class QueryPool:
    """``run`` sends a query to an idle worker and waits at most ``timeout`` seconds for the reply."""

    def __init__(self, store_dir: str, *, workers: int = 2, timeout: float = 10.0, max_results: int = 10_000) -> None:
        if workers < 1 or timeout <= 0 or max_results < 1:
            raise ValueError("workers, timeout and max_results must be positive")
        self.store_dir, self.timeout, self.max_results = store_dir, timeout, max_results
        self.workers = workers
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        # all start at once (each takes a moment to import); fail now, not at the first request
        starting = [_Worker(store_dir, max_results) for _ in range(workers)]
        self._all.update(starting)
        try:
            for worker in starting:
                worker.wait_ready()
        except PoolError:
            self.close()
            raise
        for worker in starting:
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.store_dir, self.max_results)
        with self._lock:
            self._all.add(worker)
        try:
            worker.wait_ready()
        except PoolError:
            with self._lock:
                self._all.discard(worker)
            raise
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)

    def run(self, sparql: str, prefs: list[str]) -> Reply:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty as e:
            raise PoolBusy(f"all query workers stayed busy for {self.timeout:g} s") from e
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    self._retire(worker)
                worker = None
                worker = self._spawn()  # replaces one killed after a timeout
            worker.conn.send((sparql, prefs))
            if not worker.conn.poll(self.timeout):
                self._retire(worker)
                worker = None  # a fresh worker is started by the next request that needs it
                raise QueryTimeout(f"query stopped after {self.timeout:g} s (the limit of this endpoint)")
            return worker.conn.recv()
        except (EOFError, OSError) as e:
            if worker is not None:
                self._retire(worker)
                worker = None
            raise PoolError(f"the query worker failed: {e!r}") from e
        finally:
            if not self._closed:
                self._idle.put(worker)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
