"""``ask``: question forms, alias resolution, multi-hop lineage, evidence on every answer, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures.query.lineage import COMPARING_PAPERS, build_lineage_store, lineage_extractions

from kgbuild.cli import main
from kgbuild.query.ask import AskError, ask, format_answer, parse_question, supported_forms
from kgbuild.store import open_store


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lineage_store(tmp_path_factory.mktemp("ask"))


@pytest.fixture(scope="module")
def store(out_dir: Path) -> ox.Store:
    return open_store(out_dir / "store")


@pytest.fixture(scope="module")
def abstracts() -> dict[str, str]:
    return {e.paper.paper_id: e.paper.title + " " + e.paper.abstract for e in lineage_extractions()}


@pytest.mark.parametrize(
    ("question", "form", "name"),
    [
        ("who compares against GPT-3?", "compares-against", "GPT-3"),
        ("Which papers compare with gpt3", "compares-against", "gpt3"),
        ("which models are compared to GPT-3 175B?", "compares-against", "GPT-3 175B"),
        ("who outperforms BERT?", "compares-against", "BERT"),
        ("what does DogNet compare against?", "compared-by", "DogNet"),
        ("what is DeltaNet based on?", "based-on", "DeltaNet"),
        ("What does DeltaNet build on", "based-on", "DeltaNet"),
        ("lineage of DeltaNet", "based-on", "DeltaNet"),
        ("what is derived from AlphaNet?", "derived-from", "AlphaNet"),
        ("which models are based on AlphaNet?", "derived-from", "AlphaNet"),
        ("what builds on Llama 2?", "derived-from", "Llama 2"),
        ("which benchmarks was AlphaNet evaluated on?", "evaluated-on", "AlphaNet"),
        ("where was AlphaNet evaluated?", "evaluated-on", "AlphaNet"),
        ("who proposed BetaNet?", "proposed-by", "BetaNet"),
        ("which paper introduced 'BetaNet'?", "proposed-by", "BetaNet"),
        ("which models were trained on WebText?", "trained-on", "WebText"),
        ("what was pretrained on WebText?", "trained-on", "WebText"),
    ],
)
def test_question_forms(question: str, form: str, name: str) -> None:
    parsed_form, parsed_name = parse_question(question)
    assert (parsed_form.name, parsed_name) == (form, name)


def test_unsupported_question_lists_the_supported_forms() -> None:
    with pytest.raises(AskError) as info:
        parse_question("what is the meaning of life?")
    for example in supported_forms():
        assert example in str(info.value)


def test_compares_against_resolves_aliases_and_skips_mere_mentions(store: ox.Store, abstracts: dict[str, str]) -> None:
    result = ask(store, "who compares against gpt3?")
    assert [t.label for t in result.targets] == ["GPT-3"]
    assert {a.paper_id for a in result.answers} == COMPARING_PAPERS  # not "mention"
    by_paper = {a.paper_id: a for a in result.answers}
    assert by_paper["cat"].entity == "CatNet"
    assert by_paper["cmp-alias"].entity is None  # the paper itself compares
    assert by_paper["cmp-variant"].details == {"compared": "GPT-3 175B"}
    for answer in result.answers:
        assert answer.evidence in abstracts[answer.paper_id]
        assert answer.title


def test_lineage_follows_chains_of_several_hops(store: ox.Store) -> None:
    result = ask(store, "what is DeltaNet based on?")
    got = [(a.entity, a.details["hops"], a.details["via"], a.paper_id) for a in result.answers]
    assert got == [
        ("GammaNet", 1, "DeltaNet", "delta"),
        ("BetaNet", 2, "GammaNet", "gamma"),
        ("AlphaNet", 3, "BetaNet", "beta"),
    ]
    assert result.answers[2].evidence == "We propose BetaNet, which builds on AlphaNet."


def test_descendants_include_variants_and_deep_chains(store: ox.Store) -> None:
    result = ask(store, "what is derived from AlphaNet?")
    got = {(a.entity, a.details["hops"], a.details["relation"]) for a in result.answers}
    assert got == {
        ("BetaNet", 1, "based on"),
        ("BetaNet-13B", 2, "variant of"),
        ("GammaNet", 2, "based on"),
        ("DeltaNet", 3, "based on"),
    }


def test_lineage_cycles_terminate(store: ox.Store) -> None:
    assert [a.entity for a in ask(store, "what is OmegaNet based on?").answers] == ["PsiNet"]
    assert [a.entity for a in ask(store, "what is derived from OmegaNet?").answers] == ["PsiNet"]


def test_evaluations_carry_scores(store: ox.Store) -> None:
    result = ask(store, "which benchmarks was AlphaNet evaluated on?")
    got = [(a.entity, a.details["score"], a.details["value"], a.details["metric"]) for a in result.answers]
    assert got == [("BenchA", "71.5%", 71.5, "accuracy"), ("BenchB", "12.0", 12.0, "BLEU")]


def test_proposers_and_training(store: ox.Store) -> None:
    proposed = ask(store, "who proposed BetaNet?")
    assert [(a.paper_id, a.entity) for a in proposed.answers] == [("beta", "BetaNet")]
    trained = ask(store, "which models were trained on webtext?")
    assert [(a.paper_id, a.entity, a.evidence) for a in trained.answers] == [
        ("alpha", "AlphaNet", "AlphaNet is trained on WebText.")
    ]


def test_known_entity_without_facts_is_an_empty_answer(store: ox.Store) -> None:
    result = ask(store, "who compares against WebText?")
    assert result.answers == [] and "nothing in the graph" in format_answer(result)


def test_unknown_entity_suggests_close_names(store: ox.Store) -> None:
    with pytest.raises(AskError, match="GammaNet") as info:
        ask(store, "what is GamaNet based on?")
    assert "no entity called 'GamaNet'" in str(info.value)


def test_cli_json_output(out_dir: Path) -> None:
    result = CliRunner().invoke(main, ["ask", "-o", str(out_dir), "--json", "who compares against GPT3?"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["question"] == "who compares against GPT3?" and data["query"] == "compares-against"
    assert {a["paper_id"] for a in data["answers"]} == COMPARING_PAPERS
    for answer in data["answers"]:
        assert set(answer) >= {"paper_id", "title", "entity", "evidence"}


def test_cli_text_output_and_errors(out_dir: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["ask", "-o", str(out_dir), "what is DeltaNet based on?"])
    assert ok.exit_code == 0 and "AlphaNet  (based on, 3 hops via BetaNet)" in ok.output
    unknown = runner.invoke(main, ["ask", "-o", str(out_dir), "who compares against GPT-5?"])
    assert unknown.exit_code != 0 and "GPT-3" in unknown.output
    unsupported = runner.invoke(main, ["ask", "-o", str(out_dir), "how tall is GPT-3?"])
    assert unsupported.exit_code != 0 and "who compares against GPT-3?" in unsupported.output
    missing = runner.invoke(main, ["ask", "-o", str(out_dir / "nowhere"), "who proposed BetaNet?"])
    assert missing.exit_code != 0 and "kgbuild build" in missing.output


def _two_models_one_dataset(out: Path) -> Path:
    """A paper proposing two models, one name holding a comma, and training (the paper itself,
    "we train") on WebText: the answer names both models, which the query GROUP_CONCATs."""
    from fixtures.graph.papers import ev

    from kgbuild.export.iris import DEFAULT_BASE_IRI
    from kgbuild.graph import assemble
    from kgbuild.records import PAPER_SUBJECT, Entity, Paper, PaperExtraction, Relation
    from kgbuild.store import load_store
    from kgbuild.store.names import write_graph_names

    comma_name = "Mamba, Large"
    abstract = f"We propose ZetaNet and {comma_name}. We train both on WebText."
    paper = Paper(paper_id="pair", title="Two Models", abstract=abstract, published="2024-03-01")

    def entity(eid: str, name: str, kind: str) -> Entity:
        return Entity(eid, name, kind, evidence=[ev(paper, "abstract", name, rule="gazetteer")])

    def relation(kind: str, obj: str, span: str) -> Relation:
        return Relation(kind, PAPER_SUBJECT, obj, ev(paper, "abstract", span, rule=f"{kind}-cue"))

    extraction = PaperExtraction(
        paper=paper,
        entities=[
            entity("zetanet", "ZetaNet", "MODEL"),
            entity("mamba-large", comma_name, "MODEL"),
            entity("webtext", "WebText", "DATASET"),
        ],
        relations=[
            relation("proposes", "zetanet", "We propose ZetaNet"),
            relation("proposes", "mamba-large", f"We propose ZetaNet and {comma_name}"),
            relation("trained_on", "webtext", "We train both on WebText"),
        ],
    )
    graph = assemble([extraction])
    load_store(graph, out / "store")
    write_graph_names(graph, out, DEFAULT_BASE_IRI)
    return out


def test_json_entity_is_a_list_of_names_even_with_a_comma_in_a_name(tmp_path: Path) -> None:
    out = _two_models_one_dataset(tmp_path)
    result = CliRunner().invoke(main, ["ask", "-o", str(out), "--json", "which models were trained on WebText?"])
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)["answers"]
    assert [a["entity"] for a in answers] == [["Mamba, Large", "ZetaNet"]]
    text = CliRunner().invoke(main, ["ask", "-o", str(out), "which models were trained on WebText?"])
    assert "Mamba, Large, ZetaNet" in text.output  # for people the names stay joined


def test_json_entity_is_a_list_for_single_answers_and_empty_for_the_paper_itself(out_dir: Path) -> None:
    result = CliRunner().invoke(main, ["ask", "-o", str(out_dir), "--json", "what is DeltaNet based on?"])
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)["answers"]
    assert answers and all(isinstance(a["entity"], list) for a in answers)
    assert ["AlphaNet"] in [a["entity"] for a in answers]


@pytest.mark.parametrize(
    ("question", "where", "expected"),
    [
        ("how tall is GPT-3?", "out", "fits none of the supported questions"),
        ("who compares against GPT-5?", "out", "no entity called 'GPT-5'"),
        ("who proposed BetaNet?", "nowhere", "kgbuild build"),
    ],
)
def test_json_errors_are_json_with_a_nonzero_exit(out_dir: Path, question: str, where: str, expected: str) -> None:
    target = out_dir if where == "out" else out_dir / "nowhere"
    result = CliRunner().invoke(main, ["ask", "-o", str(target), "--json", question])
    assert result.exit_code == 1
    error = json.loads(result.stdout)
    assert error["question"] == question and expected in error["error"]
    assert set(error) == {"question", "error"}
