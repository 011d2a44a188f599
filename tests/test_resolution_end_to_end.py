"""Issue 3's resolution examples through the shipped pipeline and the graph assembler together."""

from __future__ import annotations

import pytest

from kgbuild.graph import VARIANT_OF, assemble, entity_node
from kgbuild.nlp.extract import Extractor
from kgbuild.records import Paper

ABSTRACTS = [
    (
        "p1",
        "A study of GPT-3",
        "We compare GPT-3 175B with GPT3 and with BERT and RoBERTa. Pretraining on ImageNet-21k helps.",
    ),
    ("p2", "Another study", "We fine-tune Llama 2 and Llama-2-70B on ImageNet-1k, and compare with GPT-3."),
    ("p3", "A third study", "LLaMA-2 is strong. We also evaluate RoBERTa on ImageNet-1k."),
]


@pytest.fixture(scope="module")
def graph():
    extractor = Extractor()
    papers = [Paper(paper_id=pid, title=title, abstract=abstract) for pid, title, abstract in ABSTRACTS]
    return assemble(list(extractor.extract(papers)))


def node_named(graph, name: str) -> str:
    wanted = name.lower()
    matches = [
        n
        for n, d in graph.nodes(data=True)
        if d.get("type") == "entity"
        and (d.get("label", "").lower() == wanted or wanted in {a.lower() for a in d.get("aliases", [])})
    ]
    assert len(matches) == 1, f"{name}: {matches}"
    return matches[0]


def test_spellings_of_one_model_are_one_entity(graph) -> None:
    assert node_named(graph, "GPT-3") == node_named(graph, "GPT3") == entity_node("gpt-3")
    assert node_named(graph, "Llama 2") == node_named(graph, "LLaMA-2")


def test_size_variants_are_their_own_entities_linked_to_the_base(graph) -> None:
    for variant, base in (("GPT-3 175B", "GPT-3"), ("Llama-2-70B", "Llama 2")):
        v, b = node_named(graph, variant), node_named(graph, base)
        assert v != b
        assert graph.has_edge(v, b, VARIANT_OF), f"{variant} is not linked to {base}"


def test_different_things_stay_apart(graph) -> None:
    assert node_named(graph, "ImageNet-1k") != node_named(graph, "ImageNet-21k")
    assert node_named(graph, "BERT") != node_named(graph, "RoBERTa")
