"""Shared research material is found through KGBUILD_SHARED or an argument, never beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.bench import BenchError, default_corpus
from kgbuild.cli import main
from kgbuild.nlp.training import main as train_silver_ner
from kgbuild.shared import ARXIV_LISTINGS, ENV, SharedDataError, shared_file


def test_unset_variable_means_no_file_or_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert shared_file(ARXIV_LISTINGS, required=False) is None
    with pytest.raises(SharedDataError, match=f"{ENV} is not set"):
        shared_file(ARXIV_LISTINGS, required=True)
    assert default_corpus() is None  # the bench falls back to the bundled corpus


def test_a_file_missing_under_the_variable_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV, str(tmp_path))
    with pytest.raises(SharedDataError, match="listings.jsonl.gz not found"):
        shared_file(ARXIV_LISTINGS, required=False)
    with pytest.raises(BenchError, match=str(tmp_path)):
        default_corpus()
    listings = tmp_path / ARXIV_LISTINGS
    listings.parent.mkdir(parents=True)
    listings.write_bytes(b"")
    assert shared_file(ARXIV_LISTINGS, required=True) == listings
    assert default_corpus() == listings


def test_bench_reports_a_missing_shared_corpus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV, str(tmp_path))
    result = CliRunner().invoke(main, ["bench", "--limit", "1", "--no-build"])
    assert result.exit_code == 1
    assert "not found" in result.output and "Traceback" not in result.output


def test_silver_ner_training_needs_its_corpus_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    with pytest.raises(SystemExit) as exited:
        train_silver_ner([])
    assert exited.value.code == 2
    assert f"{ENV} is not set" in capsys.readouterr().err
