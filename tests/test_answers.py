"""The answers researchers ask for: leaderboards by metric direction, tasks and their papers,
model-level comparisons both ways, and questions scoped by the papers' dates."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures.query.lineage import COMPARING_PAPERS, answer_extractions, build_lineage_store

from kgbuild.cli import main
from kgbuild.graph.metrics import lower_is_better
from kgbuild.query.api import query_build
from kgbuild.query.ask import AskResult, Period, ask, format_answer, parse_question, split_period
from kgbuild.query.names import NameIndex
from kgbuild.store import open_store


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lineage_store(tmp_path_factory.mktemp("answers"), with_answers=True)


@pytest.fixture(scope="module")
def store(out_dir: Path) -> ox.Store:
    return open_store(out_dir / "store")


@pytest.fixture(scope="module")
def index(out_dir: Path, store: ox.Store) -> NameIndex:
    return NameIndex.for_build(out_dir, store)


def _ask(store: ox.Store, index: NameIndex, question: str) -> AskResult:
    return ask(store, question, index)


def test_what_x_compares_against_includes_the_comparisons_of_the_paper_that_proposes_it(
    store: ox.Store, index: NameIndex
) -> None:
    result = _ask(store, index, "what does FoxNet compare against?")
    got = {(a.entity, a.details["stated_by"], a.evidence) for a in result.answers}
    assert got == {
        ("GPT-3", "proposing paper", "We compare against GPT-3."),  # stated by the paper: FoxNet's comparison
        ("CatNet", "entity", "FoxNet outperforms CatNet."),
    }
    # and the other way round: the comparison names FoxNet as the one comparing against GPT-3
    against = {a.paper_id: a.entity for a in _ask(store, index, "who compares against GPT-3?").answers}
    assert against["fox"] == "FoxNet" and set(against) == COMPARING_PAPERS | {"fox"}


def test_questions_scoped_by_year_keep_the_papers_of_that_period(store: ox.Store, index: NameIndex) -> None:
    in_2025 = _ask(store, index, "who compared against GPT-3 in 2025?")
    assert [a.paper_id for a in in_2025.answers] == ["fox"] and in_2025.answers[0].published == "2025-03-10"
    assert {a.paper_id for a in _ask(store, index, "who compares against GPT-3 in 2024?").answers} == COMPARING_PAPERS
    assert {a.paper_id for a in _ask(store, index, "who compares against GPT-3 before 2025?").answers} == (
        COMPARING_PAPERS
    )
    assert [a.paper_id for a in _ask(store, index, "who compares against GPT-3 since March 2025").answers] == ["fox"]
    assert _ask(store, index, "who compares against GPT-3 after 2025?").answers == []
    assert "(in 2025)" in format_answer(in_2025)


@pytest.mark.parametrize(
    ("text", "rest", "start", "end"),
    [
        ("who compared against GPT-4 in 2025", "who compared against GPT-4", "2025-01-01", "2026-01-01"),
        ("who compared against GPT-4 since 2024", "who compared against GPT-4", "2024-01-01", None),
        ("who compared against GPT-4 before 2025", "who compared against GPT-4", None, "2025-01-01"),
        ("who compared against GPT-4 in December 2024", "who compared against GPT-4", "2024-12-01", "2025-01-01"),
        ("who compared against GPT-4 in 2025-02", "who compared against GPT-4", "2025-02-01", "2025-03-01"),
    ],
)
def test_split_period(text: str, rest: str, start: str | None, end: str | None) -> None:
    question, period = split_period(text)
    assert question == rest and period is not None and (period.start, period.end) == (start, end)


def test_a_year_inside_a_name_is_not_a_period() -> None:
    assert split_period("who proposed Qwen2.5-VL") == ("who proposed Qwen2.5-VL", None)
    assert split_period("who compares against Foo in Bar 2025")[1] is None
    assert parse_question("who compares against GPT-4 in 2025?")[1] == "GPT-4"
    assert not Period("in 2025", "2025-01-01", "2026-01-01").holds(None)  # undated papers are not in a period


@pytest.mark.parametrize(
    "question",
    ["what is the best model on BenchP?", "leaderboard for BenchP", "scores on BenchP", "BenchP leaderboard"],
)
def test_leaderboard_forms(question: str) -> None:
    form, name = parse_question(question)
    assert (form.name, name) == ("leaderboard", "BenchP")


def test_leaderboard_sorts_by_the_metric_direction_and_leaves_deltas_out(store: ox.Store, index: NameIndex) -> None:
    perplexity = _ask(store, index, "what is the best model on BenchP?").answers
    got = [(a.entity, a.details["value"], a.details["metric"], a.details["lower_is_better"]) for a in perplexity]
    assert got == [("FoxNet", 9.1, "perplexity", True), ("CatNet", 11.4, "perplexity", True)]  # lower is better
    accuracy = _ask(store, index, "leaderboard for BenchA").answers
    got = [(a.entity, a.details["score"], a.details["unit"], a.published) for a in accuracy]
    assert got == [("FoxNet", "80.2%", "%", "2025-03-10"), ("AlphaNet", "71.5%", "%", "2024-02-01")]  # no +2.1 delta
    for answer in perplexity + accuracy:
        assert answer.evidence and answer.title


def test_results_name_the_proposed_model_never_the_paper_title(out_dir: Path) -> None:
    rows = query_build(out_dir, "results-on-benchmark", {"target": "BenchB"}).rows
    assert [r["model_label"].value for r in rows] == ["AlphaNet"]  # type: ignore[union-attr]
    # the leaderboard also says which result came from "our model" of the paper that proposes AlphaNet
    board = query_build(out_dir, "leaderboard", {"target": "BenchB"}).rows
    assert [(r["model_label"].value, r["paper_id"].value) for r in board] == [("AlphaNet", "alpha")]  # type: ignore[union-attr]


def test_metric_direction_is_data_on_the_metric_entity(store: ox.Store) -> None:
    lower = {
        s["label"].value  # type: ignore[union-attr]
        for s in store.query(
            "SELECT ?label WHERE { ?m kgo:lowerIsBetter true ; rdfs:label ?label }",
            prefixes={"kgo": "https://w3id.org/kgbuild/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
            use_default_graph_as_union=True,
        )
    }
    assert lower == {"perplexity"}
    for name in ("top-1 error", "Word Error Rate", "WER", "FID", "latency", "perplexity", "MAE"):
        assert lower_is_better(name), name
    for name in ("accuracy", "F1", "BLEU", "top-1 accuracy", "Pass@1", "ROUGE-L"):
        assert not lower_is_better(name), name


def test_tasks_are_linked_to_the_papers_that_address_them(store: ox.Store, index: NameIndex) -> None:
    result = _ask(store, index, "which papers address question answering?")
    assert [(a.paper_id, a.entity) for a in result.answers] == [("fox", "FoxNet")]
    assert result.answers[0].evidence == "We propose FoxNet for question answering."
    orphans = store.query(
        "SELECT ?t WHERE { ?t a kgo:Task FILTER NOT EXISTS { ?p kgo:addresses ?t } }",
        prefixes={"kgo": "https://w3id.org/kgbuild/ontology#"},
        use_default_graph_as_union=True,
    )
    assert list(orphans) == []
    assert parse_question("who works on question answering?")[0].name == "papers-on-task"


def test_cli_shows_the_new_forms(out_dir: Path) -> None:
    runner = CliRunner()
    board = runner.invoke(main, ["ask", "-o", str(out_dir), "what is the best model on BenchP?"])
    assert board.exit_code == 0, board.output
    assert "  1. FoxNet  (score 9.1 perplexity; lower is better)" in board.output
    assert "paper fox (2025-03-10): FoxNet" in board.output
    assert len(answer_extractions()) == 1
