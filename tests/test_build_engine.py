"""The build on its engines: the same bytes whatever the process count or engine, bad papers and
dead workers reported instead of lost or hung on, and rebuilds that only extract what is new."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.bench import load_corpus
from kgbuild.build import build, extract_stream
from kgbuild.cache import CACHE_FILE
from kgbuild.cli import main
from kgbuild.engine import EngineError
from kgbuild.engine.local import LocalEngine
from kgbuild.engine.work import Shipped
from kgbuild.records import Paper, SourceRef

OUTPUTS = ("graph.ttl", "extractions.jsonl", "summary.json", "problems.jsonl")


def _write_papers(path: Path, papers: Sequence[Paper]) -> Path:
    records = [{"id": p.arxiv_id or p.paper_id, "title": p.title, "abstract": p.abstract} for p in papers]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two listing files: 40 papers, then 6 more (the 'new listing' of an incremental rebuild)."""
    papers = load_corpus(None, 46)
    root = tmp_path_factory.mktemp("corpus")
    return _write_papers(root / "a.jsonl", papers[:40]), _write_papers(root / "b.jsonl", papers[40:])


def _outputs(out: Path) -> dict[str, object]:
    found: dict[str, object] = {name: (out / name).read_bytes() for name in OUTPUTS}
    summary = json.loads(found["summary.json"])  # type: ignore[arg-type]
    del summary["outputs"]  # paths into the build directory, which differs by design
    found["summary.json"] = summary
    return found


def test_two_processes_write_the_same_bytes_as_one(tmp_path: Path, corpus_files: tuple[Path, Path]) -> None:
    one = build([corpus_files[0]], tmp_path / "one", processes=1, use_cache=False)
    two = build([corpus_files[0]], tmp_path / "two", processes=2, use_cache=False)
    assert one.extracted == two.extracted == 40 and one.summary.entities > 0
    assert _outputs(tmp_path / "one") == _outputs(tmp_path / "two")


def test_rebuild_after_a_new_listing_extracts_only_the_new_papers(
    tmp_path: Path, corpus_files: tuple[Path, Path]
) -> None:
    first, second = corpus_files
    out = tmp_path / "incremental"
    assert build([first], out, processes=2).extracted == 40
    rebuilt = build([first, second], out, processes=2)
    assert (rebuilt.extracted, rebuilt.cached) == (6, 40)
    clean = build([first, second], tmp_path / "clean", processes=1, use_cache=False)
    assert clean.extracted == 46
    assert _outputs(out) == _outputs(tmp_path / "clean")
    assert not list(out.glob(".*.tmp")) and not list((out / "cache").glob(".*.tmp"))


def test_a_torn_cache_is_a_warning_and_the_build_is_unchanged(tmp_path: Path, corpus_files: tuple[Path, Path]) -> None:
    first = corpus_files[0]
    out = tmp_path / "out"
    build([first], out, processes=1)
    expected = _outputs(out)
    db = sqlite3.connect(out / "cache" / CACHE_FILE)
    db.execute("UPDATE entries SET record = x'00ff' WHERE rowid IN (SELECT rowid FROM entries LIMIT 2)")
    db.commit()
    db.close()
    damaged = build([first], out, processes=1)
    assert (damaged.extracted, damaged.cached) == (2, 38)
    assert any("2 cache entries were unreadable" in p.message for p in damaged.problems)
    assert (out / "graph.ttl").read_bytes() == expected["graph.ttl"]
    assert (out / "extractions.jsonl").read_bytes() == expected["extractions.jsonl"]

    (out / "cache" / CACHE_FILE).write_bytes(b"not a database, cut off mid-wr")
    for suffix in ("-wal", "-shm"):
        (out / "cache" / (CACHE_FILE + suffix)).unlink(missing_ok=True)
    torn = build([first], out, processes=1)
    assert torn.extracted == 40
    assert any("is unreadable" in p.message and p.severity == "warning" for p in torn.problems)
    assert (out / "graph.ttl").read_bytes() == expected["graph.ttl"]
    assert build([first], out, processes=1).cached == 40  # the cache was rebuilt


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, corpus_files: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(
        main, ["build", str(corpus_files[1]), "-o", str(tmp_path), "--no-cache", "--processes", "1", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    assert "6 extracted, 0 from the cache" in result.output
    assert not (tmp_path / "cache").exists()
    cached_dir = tmp_path / "elsewhere"
    for expected in ("6 extracted, 0 from the cache", "0 extracted, 6 from the cache"):
        result = CliRunner().invoke(
            main,
            [
                "build",
                str(corpus_files[1]),
                "-o",
                str(tmp_path),
                "--cache-dir",
                str(cached_dir),
                "--processes",
                "1",
                "--quiet",
            ],
        )
        assert result.exit_code == 0 and expected in result.output, result.output
    assert (cached_dir / CACHE_FILE).is_file()


def test_a_paper_failing_in_a_worker_is_a_problem_with_its_location() -> None:
    good = load_corpus(None, 3)
    bad = Paper("broken", None, "text", sources=[SourceRef("listing.jsonl", 7)])  # type: ignore[arg-type]
    problems: list = []
    with LocalEngine(2, chunk_size=2) as engine:
        kept = list(extract_stream([good[0], bad, *good[1:]], engine, problems))
    assert [r.extraction.paper.paper_id for r in kept] == [p.paper_id for p in good]
    assert len(problems) == 1
    assert (problems[0].path, problems[0].line) == ("listing.jsonl", 7)
    assert "extraction failed" in problems[0].message and "TypeError" in problems[0].message


def _die(papers: Sequence[Paper]) -> list[Shipped]:
    os._exit(3)  # what the OOM killer or a segfault in native code looks like to the pool


def test_a_dead_worker_is_a_clear_error_not_a_hang() -> None:
    with pytest.raises(EngineError, match="worker process died"):
        with LocalEngine(2, work=_die) as engine:
            list(engine.extract(load_corpus(None, 4)))


def test_cli_rejects_a_scheduler_without_the_dask_engine(tmp_path: Path, corpus_files: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(
        main, ["build", str(corpus_files[1]), "-o", str(tmp_path), "--scheduler", "tcp://127.0.0.1:8786"]
    )
    assert result.exit_code == 2 and "--engine dask" in result.output
    assert not (tmp_path / "graph.ttl").exists()
