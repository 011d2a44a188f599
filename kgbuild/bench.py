"""``kgbuild bench``: how fast extraction and the whole build are, measured on the same documents.

Three figures, all from one run over the same papers:

* the floor: ``spacy.blank("en")``'s tokenizer alone, one process - nothing we add can beat it;
  timed before and after the pipeline runs, and averaged (the machine's speed drifts);
* the product pipeline (``build_pipeline()``), in one process and in a pool of worker processes;
* the end-to-end ``kgbuild.build.build`` into a temporary directory, its wall time and peak RSS.

Words are the blank tokenizer's tokens over title + abstract, counted once in the floor pass and
used for every rate, so the ratio pipeline / floor compares like with like.

The pool is the build's own (``kgbuild.engine.local``): workers build the pipeline once and
return plain records, in order, so the bench measures what ``kgbuild build`` runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from kgbuild.records import Paper

# (paper_id, entities, relations, results) per paper, to compare one process with the pool.
Counts = tuple[str, int, int, int]


class BenchError(RuntimeError):
    """The bench could not run (no corpus, a worker or the build child failed)."""


@dataclass
class Timing:
    label: str
    processes: int
    seconds: float


@dataclass
class BenchReport:
    corpus: str
    docs: int
    words: int
    floor: Timing  # the passes below, averaged: the figure every ratio uses
    pipeline: list[Timing]  # one per process count tried, 1 first
    failures: int = 0  # papers the pipeline could not extract (skipped, as the build does)
    counts_match: bool = True  # the pool extracted exactly what one process did
    build_s: float | None = None
    peak_rss_mb: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    floor_passes: list[Timing] = field(default_factory=list)  # before and after the pipeline runs

    def rate(self, timing: Timing, per: int) -> float:
        return per / timing.seconds if timing.seconds > 0 else float("inf")

    @property
    def best(self) -> Timing:
        return min(self.pipeline, key=lambda t: t.seconds)

    def to_json(self) -> dict[str, Any]:
        floor = self.rate(self.floor, self.words)
        pipeline = self.rate(self.best, self.words)
        return {
            "floor_words_per_s": round(floor, 1),
            "pipeline_words_per_s": round(pipeline, 1),
            "ratio": round(pipeline / floor, 4) if floor else 0.0,
            "abstracts_per_s": round(self.rate(self.best, self.docs), 2),
            "build_s": None if self.build_s is None else round(self.build_s, 2),
            "peak_rss_mb": None if self.peak_rss_mb is None else round(self.peak_rss_mb, 1),
            "docs": self.docs,
        }


def default_corpus() -> Path | None:
    """The arXiv listings under ``KGBUILD_SHARED`` when it is set, else None (the bundled corpus)."""
    from kgbuild.shared import ARXIV_LISTINGS, SharedDataError, shared_file

    try:
        return shared_file(ARXIV_LISTINGS, required=False)
    except SharedDataError as e:
        raise BenchError(str(e)) from e


def load_corpus(corpus: str | Path | None, limit: int | None) -> list[Paper]:
    """The first ``limit`` papers. A single file streams, so 2k papers of 75k do not read all 75k."""
    from kgbuild.ingest import iter_papers, load_papers

    if corpus is not None and Path(corpus).is_file():
        papers: Iterable[Paper] = iter_papers(corpus, lambda problem: None)
    elif corpus is not None and not Path(corpus).exists():
        raise BenchError(f"corpus {corpus} does not exist")
    else:
        papers = load_papers(None if corpus is None else [corpus]).papers
    chosen = list(islice(papers, limit))
    if not chosen:
        raise BenchError(f"no papers in {corpus or 'the bundled corpus'}")
    return chosen


def _text(paper: Paper) -> str:
    from kgbuild.nlp.extract import paper_text

    return paper_text(paper)


def time_floor(papers: Sequence[Paper]) -> tuple[Timing, int]:
    """The blank tokenizer over every text: its time and the word count all rates use."""
    import spacy
    from spacy.tokenizer import Tokenizer

    tokenizer = spacy.blank("en").tokenizer
    assert isinstance(tokenizer, Tokenizer)  # a blank pipeline's tokenizer is spaCy's own
    texts = [_text(p) for p in papers]
    start = time.perf_counter()
    words = sum(len(doc) for doc in tokenizer.pipe(texts, batch_size=256))
    return Timing("tokenizer floor", 1, time.perf_counter() - start), words


# --- the worker pool (kgbuild.engine.local, the one the build uses) ----------------------


def extract_counts(papers: Sequence[Paper], processes: int = 1) -> tuple[list[Counts], int, float]:
    """Per-paper extraction counts, failures, and seconds spent extracting (pipeline builds excluded)."""
    from kgbuild.engine import EngineError
    from kgbuild.engine.local import LocalEngine

    try:
        with LocalEngine(processes, wait_ready=True) as engine:
            start = time.perf_counter()
            outcomes = list(engine.extract(papers))
            seconds = time.perf_counter() - start
    except EngineError as e:
        raise BenchError(str(e)) from e
    counts = [
        (o.paper.paper_id, len(o.extraction.entities), len(o.extraction.relations), len(o.extraction.results))
        for o in outcomes
        if o.extraction is not None
    ]
    return counts, sum(o.error is not None for o in outcomes), seconds


# --- the end-to-end build, in a fresh process so its peak RSS is the build's own -------------

_CHILD = """
import json, resource, sys, time
from kgbuild.build import build
start = time.perf_counter()
build([sys.argv[1]], sys.argv[2], processes=int(sys.argv[3]), use_cache=False)
seconds = time.perf_counter() - start
kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"build_s": seconds, "peak_rss_mb": kb / 1024}))
"""


def _paper_record(paper: Paper) -> dict[str, Any]:
    record = {
        "id": paper.arxiv_id or paper.paper_id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": paper.authors,
        "categories": paper.categories,
        "published": paper.published,
    }
    return {k: v for k, v in record.items() if v}


def time_build(papers: Sequence[Paper], processes: int = 1) -> tuple[float, float]:
    """Build these papers (no cache) into a temp dir; (wall seconds of ``build()``, peak RSS in MB).

    The papers are written to a JSONL file first so the build reads the same documents as the
    rest of the bench. A child process measures itself, so the bench's own memory (pipelines,
    papers) does not count towards the build's peak.
    """
    with tempfile.TemporaryDirectory(prefix="kgbuild-bench-") as tmp:
        source = Path(tmp) / "papers.jsonl"
        source.write_text(
            "".join(json.dumps(_paper_record(p), ensure_ascii=False) + "\n" for p in papers), encoding="utf-8"
        )
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(source), str(Path(tmp) / "out"), str(processes)],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise BenchError(f"the build failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    try:
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        return float(measured["build_s"]), float(measured["peak_rss_mb"])
    except (IndexError, KeyError, ValueError) as e:
        raise BenchError(f"the build child printed no measurement: {done.stdout[-500:]!r}") from e


def run_bench(
    corpus: str | Path | None = None, limit: int | None = None, processes: int | None = None, *, with_build: bool = True
) -> BenchReport:
    """Measure floor, pipeline (1 and ``processes`` workers; default: the CPU count) and build."""
    papers = load_corpus(corpus, limit)
    processes = processes or os.cpu_count() or 1
    before, words = time_floor(papers)
    single, failures, seconds = extract_counts(papers, 1)
    timings = [Timing("pipeline", 1, seconds)]
    counts_match = True
    if processes > 1:
        pooled, _, seconds = extract_counts(papers, processes)
        timings.append(Timing("pipeline", processes, seconds))
        counts_match = pooled == single
    # The floor once more after the pipeline runs: on a shared machine the CPU's speed drifts by
    # 10-20% over minutes, so a single pass can land on a fast or a slow spell; the average of
    # passes that bracket the pipeline runs is the fairer baseline. Both passes are printed.
    after, _ = time_floor(papers)
    passes = [Timing("tokenizer floor, before", 1, before.seconds), Timing("tokenizer floor, after", 1, after.seconds)]
    floor = Timing("tokenizer floor, average", 1, (before.seconds + after.seconds) / 2)
    report = BenchReport(
        str(corpus or "bundled corpus"), len(papers), words, floor, timings, failures, counts_match, floor_passes=passes
    )
    if with_build:
        report.build_s, report.peak_rss_mb = time_build(papers, processes)
        report.extra["build_processes"] = processes
    return report


def format_report(report: BenchReport) -> str:
    """A table for people, then the JSON object as the last line for scripts."""
    rows = [
        f"corpus: {report.corpus}",
        f"docs: {report.docs}, words (blank tokenizer): {report.words:,}",
        "",
        f"{'stage':<28}{'procs':>6}{'seconds':>10}{'words/s':>12}{'abstracts/s':>13}",
    ]
    for t in [*report.floor_passes, report.floor, *report.pipeline]:
        rows.append(
            f"{t.label:<28}{t.processes:>6}{t.seconds:>10.2f}{report.rate(t, report.words):>12,.0f}"
            f"{report.rate(t, report.docs):>13,.1f}"
        )
    if report.build_s is not None:
        rows.append(
            f"{'build (end to end)':<28}{report.extra.get('build_processes', 1):>6}{report.build_s:>10.2f}{'':>12}"
            f"{report.docs / report.build_s if report.build_s else 0:>13,.1f}"
            f"   peak RSS {report.peak_rss_mb:,.0f} MB"
        )
    data = report.to_json()
    rows.append("")
    rows.append(
        f"ratio pipeline/floor: {data['ratio']:.4f} (best: {report.best.processes} process"
        f"{'es' if report.best.processes > 1 else ''})"
    )
    if report.failures:
        rows.append(f"papers the pipeline failed on: {report.failures}")
    if not report.counts_match:
        rows.append("WARNING: the worker pool's extraction counts differ from one process's")
    rows.append(json.dumps(data, sort_keys=True))
    return "\n".join(rows)
