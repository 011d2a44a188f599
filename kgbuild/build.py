"""The main job: inputs -> papers -> extractions -> graph -> out/ (Turtle, store, HTML, JSONL, summary).

Extraction runs on an engine (``kgbuild.engine``: in this process, a local worker pool, or Dask)
that returns records in input order, so the output is byte-identical whatever ran it. Records
stream: each is written to ``extractions.jsonl`` and folded into the graph builder as it arrives,
and none is kept. A content-hash cache (``kgbuild.cache``) lets a rebuild extract only the papers
it has not seen. Each output is written atomically; a paper that fails anywhere is reported as a
``Problem`` with its source location and the build goes on.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kgbuild.atomic import atomic_write, write_text_atomic
from kgbuild.cache import ExtractionCache
from kgbuild.engine import Engine, make_engine
from kgbuild.engine.ordered import chunks
from kgbuild.graph import GraphBuilder, GraphSummary, summarise
from kgbuild.ingest import load_papers
from kgbuild.records import Paper, PaperExtraction, Problem

DEFAULT_BASE_IRI = "https://w3id.org/kgbuild/"
CACHE_DIRNAME = "cache"
# Papers looked up in the cache at a time; the misses among them go to the engine together. Big
# enough that workers rarely wait at a block's end, small enough that hits never pile up in memory.
BLOCK = 2048
Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    papers: int
    duplicates: int
    files: list[str]
    problems: list[Problem]
    summary: GraphSummary
    outputs: dict[str, str] = field(default_factory=dict)
    # How the build ran; not written to summary.json, which depends only on the input.
    extracted: int = 0  # papers the engine ran on (the rest came from the cache)
    cached: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per stage

    def to_dict(self) -> dict[str, Any]:
        return {
            "papers": self.papers,
            "duplicates_merged": self.duplicates,
            "files": self.files,
            "problems": [p.to_dict() for p in self.problems],
            "graph": self.summary.to_dict(),
            "outputs": self.outputs,
        }


def _paper_location(paper: Paper) -> tuple[str, int | None]:
    if paper.sources:
        return paper.sources[0].path, paper.sources[0].line
    return paper.paper_id, None


def _failed(paper: Paper, error: str) -> Problem:
    path, line = _paper_location(paper)
    # the title may be what broke the paper; repr of a slice of str() describes anything
    return Problem(path, line, f"extraction failed for {str(paper.title)[:80]!r}: {error}")


@dataclass
class _Counts:
    extracted: int = 0
    cached: int = 0


class Record(NamedTuple):
    extraction: PaperExtraction
    line: str  # its JSON line in extractions.jsonl (to_dict() is costly: made once per paper)


def _line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


def _looked_up(papers: Sequence[Paper], cache: ExtractionCache | None) -> Iterator[tuple[Sequence[Paper], list[Any]]]:
    """Blocks of papers with their cache hits (None: not cached), looked up a block at a time so
    that hits never pile up in memory. The workers wait briefly at each block's end for the last
    chunks; without a cache there is nothing to look up, so all papers are one block and one stream."""
    if cache is None:
        yield papers, [None] * len(papers)
        return
    for block in chunks(papers, BLOCK):
        yield block, [cache.get(p) for p in block]


def extract_stream(
    papers: Sequence[Paper],
    engine: Engine,
    problems: list[Problem],
    cache: ExtractionCache | None = None,
    progress: Progress | None = None,
    counts: _Counts | None = None,
) -> Iterator[Record]:
    """Records in input order: cache hits as they are, misses from ``engine`` (then cached)."""
    counts = counts or _Counts()
    done = 0
    for block, found in _looked_up(papers, cache):
        fresh = engine.extract([p for p, hit in zip(block, found) if hit is None])
        for paper, hit in zip(block, found):
            done += 1
            record: Record | None = None
            if hit is not None:
                counts.cached += 1
                record = Record(hit[0], _line(hit[1]))
            else:
                outcome = next(fresh)
                counts.extracted += 1
                if outcome.error is not None or outcome.extraction is None:
                    problems.append(_failed(paper, outcome.error or "no record"))
                else:
                    record = Record(outcome.extraction, _line(outcome.extraction.to_dict()))
                    if cache is not None:
                        cache.put(paper, record.line)
            if progress:
                progress(done, len(papers))
            if record is not None:
                yield record
        if cache is not None:
            cache.commit()


def extract_papers(
    papers: Sequence[Paper], problems: list[Problem], progress: Progress | None = None, processes: int = 1
) -> Iterator[PaperExtraction]:
    """Stream extractions (no cache), turning a failing paper into a ``Problem`` instead of an exception."""
    with make_engine("local", processes) as engine:
        for record in extract_stream(papers, engine, problems, progress=progress):
            yield record.extraction


def _release_memory() -> None:
    """Hand the freed graph's memory back to the OS before the store's bulk loader takes its own."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc keeps freed heap pages otherwise
    except (OSError, AttributeError):  # not glibc: the pages are merely reused
        pass


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] = round(time.perf_counter() - start, 3)


def build(
    inputs: Sequence[str | Path] | None,
    out_dir: str | Path,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    max_html_nodes: int = 100,
    progress: Progress | None = None,
    processes: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
) -> BuildReport:
    """Build the knowledge graph of ``inputs`` (the bundled corpus when None) into ``out_dir``.

    ``processes``: extraction workers (default one per CPU; 1 runs in this process; for Dask, the
    size of the local cluster started when no ``scheduler`` address is given). ``cache_dir``:
    where extraction records are cached (default ``out_dir/cache``); ``use_cache=False`` neither
    reads nor writes it.
    """
    from kgbuild.export.stream import write_turtle_and_nquads
    from kgbuild.store import load_store_file
    from kgbuild.viz import write_html

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    with _timed(seconds, "load"):
        loaded = load_papers(inputs)
    problems = list(loaded.problems)
    extractions_path = out / "extractions.jsonl"
    counts = _Counts()
    builder = GraphBuilder()
    cache_path = Path(cache_dir) if cache_dir is not None else out / CACHE_DIRNAME
    cache = (
        ExtractionCache(cache_path, warn=lambda m: problems.append(Problem(str(cache_path), None, m, "warning")))
        if use_cache
        else None
    )
    try:
        with (
            _timed(seconds, "extract"),
            make_engine(engine, processes, scheduler) as runner,
            atomic_write(extractions_path) as handle,
        ):
            for record in extract_stream(loaded.papers, runner, problems, cache, progress, counts):
                handle.write(record.line)
                builder.add(record.extraction)
    finally:
        if cache is not None:
            cache.close()
    if cache is not None and cache.unreadable:
        problems.append(
            Problem(
                str(cache.path),
                None,
                f"{cache.unreadable} cache entries were unreadable and were extracted again",
                "warning",
            )
        )
    papers = len(loaded.papers)
    loaded.papers.clear()  # extracted: from here on the graph is all the build needs
    with _timed(seconds, "assemble"):
        graph = builder.build()
        del builder
        summary = summarise(graph)
    outputs = {
        "extractions": str(extractions_path),
        "turtle": str(out / "graph.ttl"),
        "store": str(out / "store"),
        "html": str(out / "graph.html"),
    }
    # The store's quads wait in a file until the graph is freed: Oxigraph's bulk loader takes about
    # 1.5 GB of its own, and the graph and the loader together would not fit in 3 GB at 75k papers.
    fd, name = tempfile.mkstemp(prefix=".store.", suffix=".nq", dir=out)
    nquads_path = Path(name)
    try:
        with (
            _timed(seconds, "rdf"),
            os.fdopen(fd, "w", encoding="utf-8") as nquads,
            atomic_write(outputs["turtle"], "w") as turtle,
        ):
            write_turtle_and_nquads(graph, turtle, nquads, base_iri)  # one walk writes both
        with _timed(seconds, "html"):
            write_html(graph, outputs["html"], max_nodes=max_html_nodes)
        del graph
        _release_memory()
        with _timed(seconds, "store"):
            # built beside the old store and swapped in, so queries never see a half-loaded one
            load_store_file(nquads_path, outputs["store"])
    finally:
        nquads_path.unlink(missing_ok=True)
    report = BuildReport(
        papers, loaded.duplicates, loaded.files, problems, summary, outputs, counts.extracted, counts.cached, seconds
    )
    outputs["problems"] = str(out / "problems.jsonl")
    write_text_atomic(outputs["problems"], "".join(json.dumps(p.to_dict()) + "\n" for p in problems))
    outputs["summary"] = str(out / "summary.json")
    write_text_atomic(outputs["summary"], json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n")
    return report
