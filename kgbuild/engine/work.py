"""What runs inside a worker (a pool process or a Dask worker): papers in, plain outcomes out.

Each worker process builds the spaCy pipeline once, on its first chunk, and keeps it for every
later chunk; only ``Paper`` and ``PaperExtraction`` records cross the process boundary, never a
spaCy Doc (pickling Docs back costs more than extracting them).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kgbuild.records import Paper, PaperExtraction

_EXTRACTOR: Any = None  # kgbuild.nlp.extract.Extractor, one per process
# A Dask worker may run tasks on several threads; one pipeline must not run two batches at once.
_LOCK = threading.Lock()


@dataclass
class Outcome:
    """One paper's fate: its extraction, or the error that stopped it (never both)."""

    paper: Paper
    extraction: PaperExtraction | None = None
    error: str | None = None


def load_extractor() -> Any:
    """The process's pipeline, built on first use (spaCy is imported only here, lazily)."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from kgbuild.nlp.extract import Extractor

        _EXTRACTOR = Extractor()
    return _EXTRACTOR


def extract_chunk(papers: Sequence[Paper]) -> list[Outcome]:
    """Extract a chunk; one outcome per paper, in order. A failing paper is an outcome, not a raise."""
    with _LOCK:
        extractor = load_extractor()
        errors: dict[int, str] = {}
        extracted = list(extractor.extract_reporting(papers, lambda paper, e: errors.__setitem__(id(paper), repr(e))))
    # extract_reporting skips the papers it reports, so the rest line up with the input in order
    done = iter(extracted)
    return [Outcome(p, error=errors[id(p)]) if id(p) in errors else Outcome(p, next(done)) for p in papers]
