"""The Dask engine: extraction as futures over chunks of papers on a ``distributed`` cluster.

Without a scheduler address it starts a ``LocalCluster`` (one single-threaded worker process per
CPU, or ``processes``) and stops it afterwards. Each worker process builds the pipeline once, on
its first chunk (``kgbuild.engine.work`` keeps it in a process global), so workers need kgbuild
installed, at the same version as the client. Results come back in input order, as with the
local engine, so both give byte-identical output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kgbuild.engine.ordered import CHUNK, chunks, ordered_results
from kgbuild.engine.work import Outcome, Shipped, extract_chunk, outcomes, to_worker
from kgbuild.records import Paper

WINDOW_PER_WORKER = 4
CONNECT_TIMEOUT = "30s"


class DaskEngine:
    def __init__(
        self,
        scheduler: str | None = None,
        processes: int | None = None,
        *,
        chunk_size: int = CHUNK,
        work: Callable[[Sequence[Paper]], list[Shipped]] = extract_chunk,
    ) -> None:
        self.scheduler = scheduler
        self.processes = processes
        self.chunk_size = chunk_size
        self.work = work  # what each chunk runs; a parameter so a test can make a worker die
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskEngine:
        from kgbuild.engine import EngineError

        try:
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise EngineError("the dask engine needs dask[distributed]: pip install 'dask[distributed]'") from e
        try:
            if self.scheduler is None:
                from kgbuild.engine.local import default_processes

                self._cluster = LocalCluster(
                    n_workers=self.processes or default_processes(),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as e:
            self.__exit__()
            where = self.scheduler or "a local cluster"
            raise EngineError(f"cannot start or reach the Dask scheduler at {where}: {e}") from e
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def _workers(self) -> int:
        return max(1, len(self._client.scheduler_info().get("workers", {})))

    def extract(self, papers: Sequence[Paper]) -> Iterator[Outcome]:
        from distributed import KilledWorker

        from kgbuild.engine import EngineError

        if self._client is None:
            raise EngineError("the dask engine is not connected; use it in a 'with' block")
        client = self._client

        def submit(part: Sequence[Paper]) -> Any:
            # pure=False: two identical chunks are still two tasks (and nothing is memoised)
            return client.submit(self.work, [to_worker(p) for p in part], pure=False)

        try:
            for part, shipped in ordered_results(
                submit, chunks(papers, self.chunk_size), self._workers() * WINDOW_PER_WORKER
            ):
                yield from outcomes(part, shipped)
        except KilledWorker as e:
            raise EngineError(
                f"Dask workers kept dying while extracting a chunk ({e}); is kgbuild installed "
                f"on every worker, and do they have enough memory?"
            ) from e
