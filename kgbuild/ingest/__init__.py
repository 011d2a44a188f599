"""Ingest layer: read papers from listing pages, JSON(L) and CSV into ``Paper`` records.

Public API (others depend on exactly these names)::

    iter_papers(path, report) -> Iterator[Paper]     # one file, streaming, no dedup
    load_papers(paths=None) -> IngestResult          # many files/dirs, deduplicated
    IngestResult(papers, problems, files, duplicates)
    bundled_corpus_paths() -> list[Path]             # the founding corpus in the package

Bad input never raises: it becomes a ``Problem`` (severity "error" when something was skipped,
"warning" when it was kept but repaired or guessed).
"""

from kgbuild.ingest.loader import IngestResult, bundled_corpus_paths, iter_papers, load_papers
from kgbuild.ingest.split import Split, split_title_abstract

__all__ = [
    "IngestResult",
    "Split",
    "bundled_corpus_paths",
    "iter_papers",
    "load_papers",
    "split_title_abstract",
]
