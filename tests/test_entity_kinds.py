"""Which kind an unknown name gets, and when a plain metric word is a metric (fixture gazetteer)."""

from __future__ import annotations

import pytest

from kgbuild.nlp.extract import Extractor
from kgbuild.nlp.shapes import kind_from_name
from kgbuild.records import Paper


def kinds(extractor: Extractor, title: str, abstract: str = "We report results.") -> dict[str, str]:
    extraction = extractor.extract_one(Paper(paper_id="t", title=title, abstract=abstract))
    return {e.name: e.kind for e in extraction.entities}


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Zylo-CPT: A Domain Adaptation Framework via Decoupled Alignment", "METHOD"),
        ("QuarkDec: Modular Decomposition for Model Compression", "METHOD"),
        ("FernNet: Harvesting Knowledge Graphs from Language Models", "METHOD"),
        ("Plinko: Evaluating Language Models on Long Documents", "BENCHMARK"),
        ("GrebeNets: Large-Scale Pretrained Audio Neural Networks for Tagging", "MODEL"),
    ],
)
def test_the_subtitle_head_says_what_a_title_name_is(extractor: Extractor, title: str, kind: str) -> None:
    name = title.split(":")[0]
    assert kinds(extractor, title).get(name) == kind


def test_the_abstract_outvotes_the_subtitle(extractor: Extractor) -> None:
    found = kinds(
        extractor,
        "KorvoNet: Fast Decomposition for Compression",
        "We present the KorvoNet model. The KorvoNet model is small.",
    )
    assert found["KorvoNet"] == "MODEL"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ResearchBench", "BENCHMARK"),
        ("V2P-Bench", "BENCHMARK"),
        ("Chatbot Arena", "BENCHMARK"),
        ("GuideDogQA", "BENCHMARK"),
        ("SceneEval-100", "BENCHMARK"),
        ("Bench", None),
        ("BertNet", None),
    ],
)
def test_names_that_say_what_they_are(name: str, kind: str | None) -> None:
    assert kind_from_name(name) == kind


@pytest.mark.parametrize(
    "title",
    [
        "Mind the Gap: Rethinking Retrieval",
        "Seeing What Matters: Pruning Tokens",
        "Learning from Future: A Novel Self-Training Framework",
    ],
)
def test_catchphrase_titles_are_not_names(extractor: Extractor, title: str) -> None:
    assert title.split(":")[0] not in kinds(extractor, title)


def test_a_lowercase_word_is_fine_when_the_subtitle_names_a_model(extractor: Extractor) -> None:
    assert (
        kinds(extractor, "Frozen in Time: A Joint Video and Image Encoder for Retrieval").get("Frozen in Time")
        == "MODEL"
    )


def test_a_named_framework_is_a_method_but_a_generic_acronym_before_framework_is_no_name(extractor: Extractor) -> None:
    found = kinds(
        extractor, "a title", "Explainable systems use XAI approaches. We propose our QLE framework for tuning."
    )
    assert "XAI" not in found
    assert found.get("QLE") == "METHOD"


@pytest.mark.parametrize(
    ("abstract", "is_metric"),
    [
        ("We develop a mechanism for improved efficiency and accuracy.", True),  # own claim: "we"
        ("Compression methods often lead to degraded accuracy.", False),
        ("Models can often solve tasks with superhuman accuracy.", False),
        ("The model reaches an accuracy of 84.8% overall.", True),
        ("Prior systems report accuracy on MMLU.", True),
        ("Bounds characterize the precision-dimensionality tradeoff.", False),
    ],
)
def test_plain_metric_words_count_only_when_something_is_evaluated(
    extractor: Extractor, abstract: str, is_metric: bool
) -> None:
    found = kinds(extractor, "a title", abstract)
    assert any(kind == "METRIC" for kind in found.values()) == is_metric, found


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("ZORP: Pre-training with Word Prediction for Retrieval", "METHOD"),  # the compound's head
        ("Five Towers: Flexible Contrastive Learning with Image Models", "METHOD"),
    ],
)
def test_subtitle_heads_of_compounds_and_learning(extractor: Extractor, title: str, kind: str) -> None:
    assert kinds(extractor, title).get(title.split(":")[0]) == kind


def test_a_family_suffix_makes_a_caps_word_a_model_but_based_does_not(extractor: Extractor) -> None:
    found = kinds(extractor, "a title", "We prune QRX-family models and study RGB-based inputs.")
    assert found.get("QRX") == "MODEL"
    assert "RGB" not in found
