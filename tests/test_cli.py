"""The CLI through click's runner: exit codes, outputs on disk, and bad input that loses nothing."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from kgbuild.cli import main

ABSTRACT = (
    "We propose FooNet, a new model for question answering. FooNet outperforms GPT-3 and achieves "
    "an accuracy of 91.2% on SQuAD."
)


@pytest.fixture
def small_input(tmp_path: Path) -> Path:
    path = tmp_path / "papers.jsonl"
    lines = [
        json.dumps({"title": "FooNet: Answering Questions Quickly", "abstract": ABSTRACT}),
        "{this line is broken",
        json.dumps(
            {"title": 'A "quoted" <img src=x onerror=alert(1)> title', "abstract": "We study BarNet-2 on MMLU."}
        ),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_build_writes_outputs_and_reports_the_broken_line(tmp_path: Path, small_input: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(small_input), "-o", str(out), "--quiet"])
    assert result.exit_code == 1, result.output  # built, but a record had an error
    assert "papers: 2" in result.output
    assert "problems: 1 errors" in result.output
    problems = [json.loads(line) for line in (out / "problems.jsonl").read_text().splitlines()]
    assert problems[0]["path"].endswith("papers.jsonl") and problems[0]["line"] == 2
    graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    titles = {str(o) for o in graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))}
    assert 'A "quoted" <img src=x onerror=alert(1)> title' in titles
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "<img src=x onerror=alert(1)>" not in html
    summary = json.loads((out / "summary.json").read_text())
    assert summary["papers"] == 2
    assert not list(out.glob(".*.tmp")), "no temporary files are left behind"


def test_extract_writes_gold_format_lines(tmp_path: Path, small_input: Path):
    preds = tmp_path / "preds.jsonl"
    result = CliRunner().invoke(main, ["extract", str(small_input), "-o", str(preds)])
    assert result.exit_code == 1, result.output  # written, but a record had an error
    records = [json.loads(line) for line in preds.read_text().splitlines()]
    assert len(records) == 2
    foo = next(r for r in records if r["title"].startswith("FooNet"))
    assert set(foo) >= {
        "title",
        "entities",
        "proposes",
        "compares_with",
        "evaluated_on",
        "trained_on",
        "based_on",
        "results",
        "mentions",
    }
    assert foo["proposes"] == ["FooNet"]
    assert "GPT-3" in foo["compares_with"]
    assert {"model": "FooNet", "value": "91.2%"}.items() <= foo["results"][0].items()
    assert f"{small_input}:2: error: malformed JSON" in result.output  # the broken line, by file and line


def test_extract_reads_arxiv_gz_records(tmp_path: Path):
    path = tmp_path / "listing.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(
            json.dumps(
                {
                    "id": "2501.00001",
                    "title": "BazLM: A Model",
                    "summary": ABSTRACT,
                    "authors": ["A. Author"],
                    "categories": ["cs.CL"],
                }
            )
            + "\n"
        )
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output.splitlines()[0])
    assert record["id"] == "arxiv-2501.00001"


def test_evaluate_scores_gold_against_given_corpus(tmp_path: Path, small_input: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "title": "FooNet: Answering Questions Quickly",
                "entities": [
                    {"name": "FooNet", "kind": "MODEL", "aliases": []},
                    {"name": "GPT-3", "kind": "MODEL", "aliases": []},
                    {"name": "SQuAD", "kind": "BENCHMARK", "aliases": []},
                ],
                "proposes": ["FooNet"],
                "compares_with": ["GPT-3"],
                "evaluated_on": [["FooNet", "SQuAD"]],
                "trained_on": [],
                "based_on": [],
                "results": [],
            }
        )
        + "\n"
    )
    result = CliRunner().invoke(main, ["evaluate", str(gold), "--corpus", str(small_input), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)["scores"]
    assert scores["rel:proposes"]["f1"] == 1.0
    assert scores["rel:compares_with"]["tp"] == 1


def test_evaluate_rejects_a_broken_gold_file_with_its_line(tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"title": "x"}\nnot json\n')
    result = CliRunner().invoke(main, ["evaluate", str(gold)])
    assert result.exit_code != 0
    assert "gold.jsonl:2" in result.output


def test_help_lists_commands_with_examples():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "extract", "evaluate"):
        assert command in result.output
    build_help = CliRunner().invoke(main, ["build", "--help"]).output
    assert "Example:" in build_help
