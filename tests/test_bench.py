"""``kgbuild bench``: the JSON last line a script relies on, and a worker pool that extracts exactly
what one process does (otherwise its speed would mean nothing)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kgbuild.bench import BenchError, extract_counts, load_corpus
from kgbuild.cli import main
from kgbuild.ingest import bundled_corpus_paths

pytestmark = pytest.mark.slow  # benchmark runs: make test-fast skips it

KEYS = {"floor_words_per_s", "pipeline_words_per_s", "ratio", "abstracts_per_s", "build_s", "peak_rss_mb", "docs"}


def test_bench_prints_a_table_and_a_json_last_line():
    corpus = str(bundled_corpus_paths()[0].parent)
    result = CliRunner().invoke(main, ["bench", "--corpus", corpus, "--limit", "20", "--no-build"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    floor_rates = {
        line[:28].strip(): float(line[28:].split()[2].replace(",", ""))
        for line in lines
        if line.startswith("tokenizer floor")
    }
    assert set(floor_rates) == {"tokenizer floor, before", "tokenizer floor, after", "tokenizer floor, average"}
    data = json.loads(lines[-1])
    # the floor the ratio uses is the two passes averaged (by time), so its rate lies between theirs
    low, high = sorted([floor_rates["tokenizer floor, before"], floor_rates["tokenizer floor, after"]])
    assert low - 1 <= data["floor_words_per_s"] <= high + 1
    assert floor_rates["tokenizer floor, average"] == pytest.approx(data["floor_words_per_s"], abs=1)
    assert set(data) == KEYS
    assert data["docs"] == 20
    assert data["floor_words_per_s"] > 0 and data["pipeline_words_per_s"] > 0 and data["abstracts_per_s"] > 0
    assert data["ratio"] == pytest.approx(data["pipeline_words_per_s"] / data["floor_words_per_s"], rel=1e-3)
    assert data["build_s"] is None and data["peak_rss_mb"] is None  # --no-build
    assert "WARNING" not in result.output


def test_worker_pool_extracts_what_one_process_does():
    papers = load_corpus(None, 70)  # more than two chunks, so both workers get work
    single, single_failed, _ = extract_counts(papers, 1)
    pooled, pooled_failed, _ = extract_counts(papers, 2)
    assert len(single) == 70 and single_failed == pooled_failed == 0
    assert pooled == single  # same papers, same order, same entity/relation/result counts
    assert sum(entities for _, entities, _, _ in single) > 0


def test_missing_corpus_is_an_error_not_a_traceback(tmp_path):
    with pytest.raises(BenchError):
        load_corpus(tmp_path / "nope.jsonl", 5)
    result = CliRunner().invoke(main, ["bench", "--corpus", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0 and "Traceback" not in result.output


def test_build_is_timed_in_a_child_on_the_same_papers():
    from kgbuild.bench import time_build

    seconds, peak_mb = time_build(load_corpus(None, 3))
    assert seconds > 0 and peak_mb > 10  # a Python process with spaCy loaded is never this small
