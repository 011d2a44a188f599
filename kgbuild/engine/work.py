"""What runs inside a worker (a pool process or a Dask worker): papers in, plain outcomes out.

Each worker process builds the spaCy pipeline once, on its first chunk, and keeps it for every
later chunk; only plain records cross the process boundary, never a spaCy Doc (pickling Docs back
costs more than extracting them). Workers get just the text of each paper and send back just
what they found: the caller already holds the papers and re-attaches them (``outcomes``), so no
abstract is pickled twice and the build's main process keeps one copy of each.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kgbuild.records import Entity, Paper, PaperExtraction, Relation, Result

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
    """The process's pipeline, built on first use (spaCy is imported only here, lazily).

    The process's BLAS gets one thread: the engines already run one extracting process per core,
    and a second BLAS thread per process would only fight the other worker for its core.
    """
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from threadpoolctl import threadpool_limits

        from kgbuild.nlp.extract import Extractor

        threadpool_limits(1, user_api="blas")
        _EXTRACTOR = Extractor()
    return _EXTRACTOR


# What a worker sends back for one paper: its entities, relations and results, or the error.
Found = tuple[list[Entity], list[Relation], list[Result]]
Shipped = Found | str


def to_worker(paper: Paper) -> Paper:
    """The part of a paper extraction reads (authors, sources and categories stay behind)."""
    return Paper(paper.paper_id, paper.title, paper.abstract)


def extract_chunk(papers: Sequence[Paper]) -> list[Shipped]:
    """Extract a chunk; one entry per paper, in order. A failing paper is an entry, not a raise."""
    with _LOCK:
        extractor = load_extractor()
        errors: dict[int, str] = {}
        extracted = list(extractor.extract_reporting(papers, lambda paper, e: errors.__setitem__(id(paper), repr(e))))
    # extract_reporting skips the papers it reports, so the rest line up with the input in order
    done = iter(extracted)
    shipped: list[Shipped] = []
    for paper in papers:
        if id(paper) in errors:
            shipped.append(errors[id(paper)])
        else:
            found = next(done)
            shipped.append((found.entities, found.relations, found.results))
    return shipped


def outcomes(papers: Sequence[Paper], shipped: Sequence[Shipped]) -> list[Outcome]:
    """Each paper with what its worker sent back for it."""
    return [
        Outcome(p, error=s) if isinstance(s, str) else Outcome(p, PaperExtraction(p, *s))
        for p, s in zip(papers, shipped, strict=True)
    ]
