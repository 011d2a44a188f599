"""The main job: inputs -> papers -> extractions -> graph -> out/ (Turtle, store, HTML, JSONL, summary).

Extraction runs on an engine (``kgbuild.engine``: in this process, a local worker pool, or Dask)
that returns records in input order, so the output is byte-identical whatever ran it. Records
stream: each is written to ``extractions.jsonl`` and folded into the graph builder as it arrives,
and none is kept. A content-hash cache (``kgbuild.cache``) lets a rebuild extract only the papers
it has not seen. A paper that fails anywhere is reported as a ``Problem`` with its source location
and the build goes on.

Crash safety: options are checked before any work; a lock file stops two builds sharing one
output directory; every output is written into a staging directory inside it and moved into
place only once all are complete, so a build that fails or is killed leaves the previous
outputs as they were (and the cache, committed every second, keeps what was extracted).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import gc
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kgbuild.atomic import atomic_write, write_text_atomic
from kgbuild.cache import ExtractionCache
from kgbuild.engine import Engine, make_engine
from kgbuild.engine.ordered import CHUNK, chunks
from kgbuild.graph import GraphBuilder, GraphSummary, summarise
from kgbuild.ingest import load_papers
from kgbuild.records import EXTRACT_ABSTRACT_CHARS, EXTRACT_TITLE_CHARS, Paper, PaperExtraction, Problem

DEFAULT_BASE_IRI = "https://w3id.org/kgbuild/"
CACHE_DIRNAME = "cache"
LOCK_NAME = ".kgbuild.lock"
STAGING_NAME = ".staging"
# Present only while a finished build's outputs are being moved into place: seen afterwards, it
# means that move was interrupted and the directory mixes two builds.
INCOMPLETE_NAME = "BUILD-INCOMPLETE"
OUTPUT_FILES = ("extractions.jsonl", "graph.ttl", "graph.html", "problems.jsonl", "names.sqlite")
# Seconds between cache commits: a build killed mid-way loses at most this much extraction.
CACHE_COMMIT_SECONDS = 1.0
# Papers looked up in the cache at a time; the misses among them go to the engine together. Big
# enough that workers rarely wait at a block's end (16 chunks: one worker idles for at most the
# last chunk), small enough that hits never pile up in memory.
BLOCK = 16 * CHUNK
Progress = Callable[[int, int], None]


class BuildError(RuntimeError):
    """The build cannot start or produced nothing: a bad option, no usable input, a busy out/."""


class BuildBusy(BuildError):
    """Another build holds the output directory's lock."""


class NothingToBuild(BuildError):
    """No paper could be read from the inputs; the output directory was left as it was."""


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
    base_iri: str = DEFAULT_BASE_IRI  # what graph.ttl, the store and names.sqlite are minted under

    def to_dict(self) -> dict[str, Any]:
        return {
            "base_iri": self.base_iri,
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
    committed = time.monotonic()
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
                        if time.monotonic() - committed > CACHE_COMMIT_SECONDS:
                            cache.commit()  # a build killed later keeps what it has extracted
                            committed = time.monotonic()
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


def _long_text_warnings(papers: Sequence[Paper]) -> Iterator[Problem]:
    for paper in papers:
        if len(paper.title) > EXTRACT_TITLE_CHARS or len(paper.abstract) > EXTRACT_ABSTRACT_CHARS:
            path, line = _paper_location(paper)
            message = (
                f"title of {len(paper.title):,} / abstract of {len(paper.abstract):,} characters: kept whole in the "
                f"graph, extracted from the first {EXTRACT_TITLE_CHARS:,} / {EXTRACT_ABSTRACT_CHARS:,}"
            )
            yield Problem(path, line, message, "warning")


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


def check_options(out_dir: str | Path, base_iri: str, max_html_nodes: int, processes: int | None) -> None:
    """Raise ``BuildError`` for an option value that would fail the build later, before any work."""
    from kgbuild.export.iris import IRIError, check_base

    try:
        check_base(base_iri)
    except IRIError as e:
        raise BuildError(f"--base-iri: {e}") from e
    if max_html_nodes < 1:
        raise BuildError(f"--max-html-nodes must be at least 1, not {max_html_nodes}")
    if processes is not None and processes < 1:
        raise BuildError(f"--processes must be at least 1, not {processes}")
    out = Path(out_dir)
    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise BuildError(f"output directory {out} cannot be made: {existing} is a file")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise BuildError(f"output directory {out} cannot be written: permission denied on {existing}")


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold ``out``'s build lock (an advisory ``flock``, released by the kernel even on SIGKILL)."""
    handle = open(out / LOCK_NAME, "a+")  # noqa: SIM115 - held for the whole build
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildBusy(f"another build ({holder}) is writing to {out}; wait for it or use another -o") from e
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


def _publish(staging: Path, out: Path, names: Sequence[str]) -> None:
    """Move the staged outputs into ``out``: files replace theirs atomically, the store directory
    is swapped with two renames, summary.json goes last. A marker names the short window in
    which ``out`` mixes two builds, should the process die inside it."""
    marker = out / INCOMPLETE_NAME
    marker.write_text("a build was interrupted while moving its outputs into place; build again\n")
    for name in names:
        os.replace(staging / name, out / name)
    old = staging / "store.old"
    if (out / "store").exists():
        os.replace(out / "store", old)
    os.replace(staging / "store", out / "store")
    os.replace(staging / "summary.json", out / "summary.json")
    marker.unlink()
    shutil.rmtree(staging, ignore_errors=True)


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
    """Build the knowledge graph of ``inputs`` (the bundled corpus when None; ``-`` is standard
    input) into ``out_dir``.

    ``processes``: extraction workers (default one per CPU; 1 runs in this process; for Dask, the
    size of the local cluster started when no ``scheduler`` address is given). ``cache_dir``:
    where extraction records are cached (default ``out_dir/cache``); ``use_cache=False`` neither
    reads nor writes it.

    Raises ``BuildError`` for bad options (before any work), a busy ``out_dir`` and inputs with
    no readable paper; in each case ``out_dir``'s earlier outputs are left as they were.
    """
    check_options(out_dir, base_iri, max_html_nodes, processes)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with build_lock(out):
        staging = out / STAGING_NAME
        shutil.rmtree(staging, ignore_errors=True)  # what a killed build left behind
        (out / INCOMPLETE_NAME).unlink(missing_ok=True)
        staging.mkdir()
        try:
            report = _build_into(
                inputs,
                staging,
                out,
                base_iri=base_iri,
                max_html_nodes=max_html_nodes,
                progress=progress,
                processes=processes,
                engine=engine,
                scheduler=scheduler,
                cache_path=Path(cache_dir) if cache_dir is not None else out / CACHE_DIRNAME,
                use_cache=use_cache,
            )
            _publish(staging, out, OUTPUT_FILES)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return report


def _build_into(
    inputs: Sequence[str | Path] | None,
    staging: Path,
    out: Path,
    *,
    base_iri: str,
    max_html_nodes: int,
    progress: Progress | None,
    processes: int | None,
    engine: str,
    scheduler: str | None,
    cache_path: Path,
    use_cache: bool,
) -> BuildReport:
    """The build proper: every output written into ``staging``; the report names where each will be in ``out``."""
    from kgbuild.export.stream import write_turtle_and_nquads
    from kgbuild.store import load_store_file
    from kgbuild.store.names import names_path, write_graph_names
    from kgbuild.viz import write_html

    seconds: dict[str, float] = {}
    with _timed(seconds, "load"):
        loaded = load_papers(inputs)
    problems = list(loaded.problems)
    problems.extend(_long_text_warnings(loaded.papers))
    if not loaded.papers:
        reasons = "; ".join(str(p) for p in problems[:3]) or "the inputs hold no records"
        raise NothingToBuild(f"no paper could be read ({reasons}); nothing was written to {out}")
    counts = _Counts()
    builder = GraphBuilder()
    cache = (
        ExtractionCache(cache_path, warn=lambda m: problems.append(Problem(str(cache_path), None, m, "warning")))
        if use_cache
        else None
    )
    try:
        with (
            _timed(seconds, "extract"),
            make_engine(engine, processes, scheduler) as runner,
            atomic_write(staging / "extractions.jsonl") as handle,
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
        "extractions": str(out / "extractions.jsonl"),
        "turtle": str(out / "graph.ttl"),
        "store": str(out / "store"),
        "names": str(names_path(out)),
        "html": str(out / "graph.html"),
        "problems": str(out / "problems.jsonl"),
        "summary": str(out / "summary.json"),
    }
    # The store's quads wait in a file until the graph is freed: Oxigraph's bulk loader takes about
    # 1.5 GB of its own, and the graph and the loader together would not fit in 3 GB at 75k papers.
    nquads_path = staging / "store.nq"
    with (
        _timed(seconds, "rdf"),
        open(nquads_path, "w", encoding="utf-8") as nquads,
        open(staging / "graph.ttl", "w", encoding="utf-8") as turtle,
    ):
        write_turtle_and_nquads(graph, turtle, nquads, base_iri)  # one walk writes both
    with _timed(seconds, "html"):
        write_html(graph, str(staging / "graph.html"), max_nodes=max_html_nodes)
    with _timed(seconds, "names"):
        write_graph_names(graph, staging, base_iri)  # what ask and query resolve names through
    del graph
    _release_memory()
    with _timed(seconds, "store"):
        load_store_file(nquads_path, staging / "store", base_iri)
    nquads_path.unlink()
    report = BuildReport(
        papers,
        loaded.duplicates,
        loaded.files,
        problems,
        summary,
        outputs,
        counts.extracted,
        counts.cached,
        seconds,
        base_iri,
    )
    write_text_atomic(staging / "problems.jsonl", "".join(json.dumps(p.to_dict()) + "\n" for p in problems))
    write_text_atomic(staging / "summary.json", json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n")
    return report
