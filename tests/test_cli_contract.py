"""The exit-code contract through the CLI runner: 0 built, 1 built with record or file errors,
2 nothing built (bad usage, bad option values, no readable input, a busy output directory)."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.build import INCOMPLETE_NAME, STAGING_NAME, build_lock
from kgbuild.cli import main


def _record(title: str, abstract: str = "We propose FooNet and compare it with GPT-3 on SQuAD.") -> str:
    return json.dumps({"title": title, "abstract": abstract}) + "\n"


def _build(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, ["build", "--quiet", "--processes", "1", *args], input=stdin)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.jsonl"
    path.write_text(_record("FooNet: A Model") + _record("BarNet: Another Model"), encoding="utf-8")
    return path


def test_clean_build_exits_0(tmp_path: Path, good: Path):
    result = _build(str(good), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "papers: 2" in result.output


def test_missing_input_exits_2_and_writes_nothing(tmp_path: Path):
    out = tmp_path / "out"
    result = _build(str(tmp_path / "nonexistent.jsonl"), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "no paper could be read" in result.output and "file not found" in result.output
    assert not (out / "graph.ttl").exists() and not (out / "summary.json").exists()


def test_extract_of_missing_input_exits_2(tmp_path: Path):
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "nonexistent.jsonl")])
    assert result.exit_code == 2, result.output


def test_failed_build_leaves_previous_outputs_as_they_were(tmp_path: Path, good: Path):
    out = tmp_path / "out"
    assert _build(str(good), "-o", str(out)).exit_code == 0
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "summary.json", "graph.html")}
    result = _build(str(tmp_path / "nonexistent.jsonl"), "-o", str(out))
    assert result.exit_code == 2
    assert {name: (out / name).read_bytes() for name in before} == before
    assert not (out / STAGING_NAME).exists() and not (out / INCOMPLETE_NAME).exists()


def test_some_bad_files_exit_1_with_each_problem_listed(tmp_path: Path, good: Path):
    out = tmp_path / "out"
    broken = tmp_path / "broken.jsonl"
    broken.write_text(_record("Fine Paper") + "{not json\n" + json.dumps({"abstract": "no title"}) + "\n")
    result = _build(str(good), str(broken), str(tmp_path / "missing.csv"), "-o", str(out))
    assert result.exit_code == 1, result.output
    problems = [json.loads(line) for line in (out / "problems.jsonl").read_text().splitlines()]
    errors = {(Path(p["path"]).name, p["line"]) for p in problems if p["severity"] == "error"}
    assert errors == {("missing.csv", None), ("broken.jsonl", 2), ("broken.jsonl", 3)}
    assert json.loads((out / "summary.json").read_text())["papers"] == 3


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--max-html-nodes", "0", "--max-html-nodes"),
        ("--base-iri", "not an iri", "base IRI"),
        ("--base-iri", "https://example.org/kg", "must end with"),
        ("--processes", "0", "--processes"),
    ],
)
def test_bad_option_values_exit_2_before_any_work(tmp_path: Path, good: Path, option: str, value: str, message: str):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(good), "-o", str(out), option, value])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists(), "nothing is created before the options are checked"


def test_output_path_that_is_a_file_exits_2(tmp_path: Path, good: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _build(str(good), "-o", str(blocker / "out"))
    assert result.exit_code == 2, result.output
    assert "is a file" in result.output


def test_dash_reads_standard_input_plain_and_gzipped(tmp_path: Path):
    data = (_record("FooNet: A Model") + _record("BarNet: Another Model")).encode()
    for name, payload in (("plain", data), ("gz", gzip.compress(data))):
        out = tmp_path / name
        result = _build("-", "-o", str(out), stdin=payload)
        assert result.exit_code == 0, result.output
        summary = json.loads((out / "summary.json").read_text())
        assert summary["papers"] == 2 and summary["files"] == ["<stdin>"]
        titles = sorted(json.loads(line)["paper"]["title"] for line in (out / "extractions.jsonl").open())
        assert titles == ["BarNet: Another Model", "FooNet: A Model"]  # read as JSON, not as a listing page


def test_a_second_build_into_a_locked_out_dir_exits_2(tmp_path: Path, good: Path):
    out = tmp_path / "out"
    out.mkdir()
    with build_lock(out):
        result = _build(str(good), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "another build" in result.output and f"pid {os.getpid()}" in result.output
    assert not (out / "graph.ttl").exists()
    assert _build(str(good), "-o", str(out)).exit_code == 0, "the lock is released with its holder"
