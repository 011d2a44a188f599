"""Assembler: nodes, edges, provenance, merging and summary on small hand-made extractions."""

from __future__ import annotations

import json
import random

import networkx as nx
import pytest
from fixtures.graph.papers import CJK_ID, ODD_ID, XSS_TITLE, ev, paper_one, sample_extractions

from kgbuild.graph import PROVENANCE_KEYS, UNKNOWN_KIND, GraphBuilder, assemble, summarise
from kgbuild.records import PAPER_SUBJECT, Entity, Paper, PaperExtraction, Relation, SourceRef

JSON_SCALARS = (str, int, float, bool, type(None))


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return assemble(sample_extractions())


def _edges(graph: nx.MultiDiGraph, relation: str) -> list[tuple[str, str, dict]]:
    return [(u, v, d) for u, v, d in graph.edges(data=True) if d["relation"] == relation]


def test_node_and_edge_counts(graph: nx.MultiDiGraph) -> None:
    summary = summarise(graph)
    assert summary.papers == 3
    assert summary.entities == 12
    assert summary.results == 2
    assert summary.edges == 21
    assert summary.merged_ids == 2
    assert summary.entities_by_kind == {"BENCHMARK": 1, "DATASET": 3, "METHOD": 1, "METRIC": 1, "MODEL": 6}
    assert summary.relations_by_kind == {
        "based_on": 2,
        "compares_with": 4,
        "evaluated_on": 3,
        "has_result": 2,
        "mentions": 1,
        "proposes": 2,
        "result_benchmark": 2,
        "result_metric": 1,
        "result_model": 2,
        "trained_on": 1,
        "variant_of": 1,
    }
    assert "3 papers" in str(summary)
    assert json.loads(json.dumps(summary.to_dict())) == summary.to_dict()


def test_paper_nodes(graph: nx.MultiDiGraph) -> None:
    p1 = graph.nodes["paper:p1"]
    assert p1["type"] == "paper"
    assert p1["label"] == p1["title"] == "FooNet: GPT-3 beats BERT on SuperGLUE"
    assert p1["url"] == "https://arxiv.org/abs/2401.00001"
    assert p1["published"] == "2024-01-02"
    assert p1["sources"] == ["corpus/a.jsonl:1"]
    p2 = graph.nodes["paper:p2"]
    assert p2["title"] == XSS_TITLE  # stored as data; escaping is the job of each output
    assert p2["arxiv_id"] is None and p2["url"] is None


def test_every_edge_carries_provenance_that_points_at_the_text(graph: nx.MultiDiGraph) -> None:
    for u, v, key, data in graph.edges(keys=True, data=True):
        assert key.split("#")[0] == data["relation"]
        for name in PROVENANCE_KEYS:
            assert name in data, (u, v, key, name)
        paper = graph.nodes[f"paper:{data['paper_id']}"]
        text = paper["title"] if data["section"] == "title" else paper["abstract"]
        span = text[data["start"] : data["end"]]
        assert span and span in data["sentence"], (u, v, key)
        assert text[data["sentence_start"] :].startswith(data["sentence"])
        assert data["component"] and data["rule"]
        assert 0 < data["confidence"] <= 1


def test_each_fact_occurrence_is_its_own_edge(graph: nx.MultiDiGraph) -> None:
    proposes = graph.get_edge_data("paper:p1", "entity:foonet")
    assert set(proposes) == {"proposes", "proposes#1"}
    assert {d["section"] for d in proposes.values()} == {"title", "abstract"}
    assert graph.has_edge("paper:p1", "entity:foonet", "proposes")


def test_gpt3_spellings_merge_with_reasons(graph: nx.MultiDiGraph) -> None:
    assert "entity:gpt3" not in graph and "entity:openai-gpt3" not in graph
    gpt3 = graph.nodes["entity:gpt-3"]
    assert gpt3["ids"] == ["gpt-3", "gpt3", "openai-gpt3"]
    assert gpt3["label"] == "GPT-3"  # ties go to the representative's own spelling
    assert gpt3["papers"] == 3
    assert gpt3["kinds"] == {"MODEL": 3}
    assert gpt3["aliases"] == ["GPT 3", "GPT3", "OA", "OpenAI GPT3"]
    assert gpt3["merged_from"] == [
        {"id": "gpt3", "into": "gpt-3", "rule": "shared-name", "alias": "GPT-3"},
        {"id": "openai-gpt3", "into": "gpt-3", "rule": "shared-alias", "alias": "GPT3"},
    ]
    # facts about the merged ids now point at the merged node
    assert graph.has_edge("paper:p2", "entity:gpt-3", "compares_with")
    assert graph.has_edge("paper:2403.99999v2", "entity:gpt-3", "mentions")
    assert graph.has_edge(f"entity:{CJK_ID}", "entity:gpt-3", "compares_with")


def test_imagenet_sizes_stay_apart(graph: nx.MultiDiGraph) -> None:
    for node in ("entity:imagenet", "entity:imagenet-1k", "entity:imagenet-21k"):
        assert graph.nodes[node]["merged_from"] == []
    refused = graph.nodes["entity:imagenet-21k"]["merge_refused"]
    assert refused == [{"id": "imagenet", "rule": "digit-guard", "alias": "ImageNet"}]


def test_based_on_chain_and_variant(graph: nx.MultiDiGraph) -> None:
    based_on = nx.DiGraph((u, v) for u, v, _ in _edges(graph, "based_on"))
    assert nx.has_path(based_on, "entity:barnet", "entity:gpt-3")
    assert graph.has_edge("entity:foonet-7b", "entity:foonet", "variant_of")
    assert graph.nodes["entity:foonet-7b"]["params"] == ["7B"]
    variant = graph.get_edge_data("entity:foonet-7b", "entity:foonet", "variant_of")
    assert variant["paper_id"] == "p1" and variant["sentence"].startswith("FooNet-7B is trained")


def test_results_are_nary_nodes(graph: nx.MultiDiGraph) -> None:
    results = {n: d for n, d in graph.nodes(data=True) if d["type"] == "result"}
    by_value = {d["value"]: n for n, d in results.items()}
    absolute = by_value["84.8%"]
    assert results[absolute]["number"] == 84.8 and results[absolute]["kind"] == "absolute"
    assert graph.has_edge("paper:p1", absolute, "has_result")
    assert graph.has_edge(absolute, "entity:foonet", "result_model")
    assert graph.has_edge(absolute, "entity:superglue", "result_benchmark")
    assert graph.has_edge(absolute, "entity:accuracy", "result_metric")
    delta = by_value["+3.9"]
    assert results[delta]["kind"] == "delta"
    assert graph.has_edge(delta, "paper:p2", "result_model")  # "our model" -> the paper
    assert not any(d["relation"] == "result_metric" for _, _, d in graph.out_edges(delta, data=True))
    # ids are content hashes: same input, same ids
    assert set(results) == {n for n, d in assemble(sample_extractions()).nodes(data=True) if d["type"] == "result"}


def test_odd_ids_are_kept_verbatim(graph: nx.MultiDiGraph) -> None:
    assert graph.nodes[f"entity:{ODD_ID}"]["label"] == ODD_ID
    assert graph.nodes[f"entity:{CJK_ID}"]["label"] == "中文模型"


def test_attributes_are_plain_json(graph: nx.MultiDiGraph) -> None:
    def check(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                check(item)
        elif isinstance(value, dict):
            for k, item in value.items():
                assert isinstance(k, str)
                check(item)
        else:
            assert isinstance(value, JSON_SCALARS), repr(value)

    for _, data in graph.nodes(data=True):
        check(data)
    for _, _, key, data in graph.edges(keys=True, data=True):
        assert isinstance(key, str)
        check(data)
    check(dict(graph.graph))
    json.dumps(nx.node_link_data(graph, edges="links"))


def test_input_order_does_not_matter() -> None:
    papers = sample_extractions()
    shuffled = papers[:]
    random.Random(3).shuffle(shuffled)
    shuffled.reverse()
    a = nx.node_link_data(assemble(papers), edges="links")
    b = nx.node_link_data(assemble(iter(shuffled)), edges="links")  # a one-shot iterator is enough
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_duplicate_paper_adds_source_not_facts() -> None:
    first = paper_one()
    again = paper_one()
    again.paper.sources = [SourceRef("corpus/other.csv", 12)]
    graph = assemble([first, again])
    assert graph.nodes["paper:p1"]["sources"] == ["corpus/a.jsonl:1", "corpus/other.csv:12"]
    assert graph.graph["duplicate_papers"] == ["p1"]
    assert summarise(graph).edges == summarise(assemble([paper_one()])).edges


def _one(paper_id: str, entities: list[Entity], relations: list[Relation]) -> PaperExtraction:
    return PaperExtraction(Paper(paper_id, f"T {paper_id}", "A."), entities, relations)


def test_kind_is_majority_with_deterministic_ties() -> None:
    def ent(kind: str) -> Entity:
        return Entity("glue", "GLUE", kind)

    tie = assemble([_one("a", [ent("BENCHMARK")], []), _one("b", [ent("DATASET")], [])])
    assert tie.nodes["entity:glue"]["kind"] == "DATASET"  # ENTITY_KINDS order breaks the tie
    assert tie.nodes["entity:glue"]["kinds"] == {"BENCHMARK": 1, "DATASET": 1}
    majority = assemble([_one(p, [ent("BENCHMARK")], []) for p in "ab"] + [_one("c", [ent("DATASET")], [])])
    assert majority.nodes["entity:glue"]["kind"] == "BENCHMARK"


def test_referenced_but_undescribed_ids_become_stub_nodes() -> None:
    paper = Paper("s", "Tiny-7B", "We use Tiny-7B and Other.")
    extraction = PaperExtraction(
        paper,
        [Entity("tiny-7b", "Tiny-7B", "MODEL", variant_of="tiny")],
        [Relation("mentions", PAPER_SUBJECT, "other", ev(paper, "abstract", "Other"))],
    )
    graph = assemble([extraction])
    assert graph.nodes["entity:tiny"]["kind"] == "MODEL"  # a variant's base is of the same kind
    assert graph.nodes["entity:tiny"]["label"] == "tiny"
    assert graph.nodes["entity:other"]["kind"] == UNKNOWN_KIND
    variant = graph.get_edge_data("entity:tiny-7b", "entity:tiny", "variant_of")
    assert variant["paper_id"] == "s" and variant["sentence"] is None  # no evidence was given


def test_relations_collapsed_by_a_merge_are_dropped() -> None:
    paper = Paper("m", "GPT-3 and GPT3", "GPT-3 builds on GPT3.")
    extraction = PaperExtraction(
        paper,
        [Entity("gpt-3", "GPT-3", "MODEL"), Entity("gpt3", "GPT3", "MODEL")],
        [Relation("based_on", "gpt-3", "gpt3", ev(paper, "abstract", "builds on"))],
    )
    graph = assemble([extraction])
    assert graph.number_of_edges() == 0
    assert graph.graph["dropped_self_loops"] == 1


def test_builder_streams_incrementally() -> None:
    builder = GraphBuilder()
    for extraction in sample_extractions():
        builder.add(extraction)
    assert summarise(builder.build()) == summarise(assemble(sample_extractions()))
