"""Extraction engines: run the NLP over papers in one process, a local worker pool, or on Dask.

Every engine has the same contract (``Engine``): papers in, one ``Outcome`` per paper out, in input
order, so a build's output does not depend on where or in how many processes it ran. Engines are
context managers; leaving the ``with`` block stops their workers. Dask is imported only when the
Dask engine is asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from kgbuild.engine.work import Outcome
from kgbuild.records import Paper

ENGINES = ("local", "dask")


class EngineError(RuntimeError):
    """The engine could not run: a worker died, the cluster is unreachable, the pipeline failed to load."""


class Engine(Protocol):
    def extract(self, papers: Sequence[Paper]) -> Iterator[Outcome]: ...

    def __enter__(self) -> Engine: ...

    def __exit__(self, *exc: object) -> None: ...


def make_engine(name: str = "local", processes: int | None = None, scheduler: str | None = None) -> Engine:
    """An engine by name: ``local`` (``processes`` workers; 1 = in this process) or ``dask``."""
    if name == "local":
        if scheduler is not None:
            raise EngineError("--scheduler only applies to the dask engine")
        from kgbuild.engine.local import LocalEngine

        return LocalEngine(processes)
    if name == "dask":
        from kgbuild.engine.dask import DaskEngine

        return DaskEngine(scheduler, processes)
    raise EngineError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")


__all__ = ["ENGINES", "Engine", "EngineError", "Outcome", "make_engine"]
