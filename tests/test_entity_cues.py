"""Cues that decide whether a capitalised word is a name, which kind it is and where it ends
(fixture gazetteer; invented names so that only the rule under test can find them)."""

from __future__ import annotations

import pytest

from kgbuild.nlp.extract import Extractor
from kgbuild.records import Entity, Paper


def entities(extractor: Extractor, abstract: str, title: str = "A study") -> dict[str, Entity]:
    extraction = extractor.extract_one(Paper(paper_id="t", title=title, abstract=abstract))
    return {e.name: e for e in extraction.entities}


def test_an_efficiency_measure_is_a_metric_only_with_a_number(extractor: Extractor) -> None:
    assert "computational cost" in entities(extractor, "Zorblax reduces the computational cost by 20%.")
    assert "computational cost" not in entities(extractor, "Training LLMs has a high computational cost.")


def test_a_list_opened_by_a_kind_noun_picks_a_names_second_kind(extractor: Extractor) -> None:
    found = entities(extractor, "PASS works for pretraining with methods such as MoCo-v2, SwAV and DINO.")
    assert found["DINO"].kind == "METHOD"
    assert entities(extractor, "We fine-tune DINO on the images.")["DINO"].kind == "MODEL"


def test_an_acronym_and_its_plural_are_one_entity(extractor: Extractor) -> None:
    found = entities(
        extractor, "We transfer FrobNNs to six tasks. Our best FrobNN system wins.", title="FrobNNs: Audio Networks"
    )
    assert "FrobNN" not in found
    assert "FrobNN" in found["FrobNNs"].aliases


def test_a_plural_acronym_names_a_class_unless_the_title_names_it(extractor: Extractor) -> None:
    found = entities(extractor, "Sparse Autoencoders (SAEs) find features. Many SAEs were trained on ZetaNet-7.")
    assert "SAEs" not in found


def test_named_parts_of_a_model_are_not_entities(extractor: Extractor) -> None:
    found = entities(
        extractor, "We introduce a Hierarchical Feature Cascade (HFC) module and the QXR block into FlibNet."
    )
    assert "HFC" not in found and "QXR" not in found


def test_the_plural_noun_closing_a_list_gives_its_kind(extractor: Extractor) -> None:
    found = entities(extractor, "On the VisQuad2021, DOTRA1.0, and Widerpeople datasets, our detector wins by 3%.")
    assert found["VisQuad2021"].kind in ("DATASET", "BENCHMARK")
    assert found["DOTRA1.0"].kind in ("DATASET", "BENCHMARK")


def test_an_acronym_of_a_measure_is_a_metric(extractor: Extractor) -> None:
    found = entities(extractor, "We define the Unnecessary Path Ratio (UPR) to score agents.")
    assert found["UPR"].kind == "METRIC"


def test_a_survey_title_names_no_entity(extractor: Extractor) -> None:
    assert "Quantized Gradient Sharing" not in entities(
        extractor, "We review methods.", title="Quantized Gradient Sharing: A Survey"
    )


def test_subscript_size_variants(extractor: Extractor) -> None:
    found = entities(extractor, "It saves 45% of the cost of pre-training BERT_BASE and GPT_LARGE.")
    assert found["BERT_BASE"].variant_of == "bert"
    assert found["GPT_LARGE"].kind == "MODEL"


def test_the_proposed_system_names_a_model(extractor: Extractor) -> None:
    assert (
        entities(extractor, "Specifically, the proposed system Quorra achieves 40 points more than GPT-3.")[
            "Quorra"
        ].kind
        == "MODEL"
    )


def test_a_capitalised_head_noun_belongs_to_the_name(extractor: Extractor) -> None:
    assert "Taokai Benchmark" in entities(extractor, "We have released the Taokai Benchmark with an online platform.")


def test_a_translation_direction_is_part_of_a_test_sets_name(extractor: Extractor) -> None:
    found = entities(extractor, "Our reranker gains 11.35% on WMT18 zh-en.")
    assert found["WMT18 zh-en"].variant_of == "wmt18"


def test_acronyms_of_lowercase_phrases_are_not_names(extractor: Extractor) -> None:
    found = entities(
        extractor, "This leads to an effective KG embedding (KGE) model, CompoundZ. The KGE model is strong."
    )
    assert "KGE" not in found
    assert found["CompoundZ"].kind == "MODEL"  # the full stop after a final capital is split off


def test_a_name_before_the_word_task_is_a_task(extractor: Extractor) -> None:
    assert entities(extractor, "Pre-training is key for the T2I-ReID task.")["T2I-ReID"].kind == "TASK"


def test_a_prefix_glued_to_a_mixed_case_name_belongs_to_it(extractor: Extractor) -> None:
    assert "CXR-CounterFact" in entities(extractor, "We contribute a large dataset CXR-CounterFact (CCF) of 320 items.")


@pytest.mark.parametrize("abstract", ["In this paper, we propose Pre-training with Representative Words Prediction."])
def test_a_hyphenated_word_after_propose_is_no_name(extractor: Extractor, abstract: str) -> None:
    assert "Pre" not in entities(extractor, abstract)


def test_the_ner_gets_no_say_on_an_acronym_defined_as_a_lowercase_phrase() -> None:
    from spacy.tokens import Span

    from kgbuild.nlp.mentions import ner_span_is_name
    from kgbuild.nlp.pipeline import build_pipeline

    nlp = build_pipeline(mode="rules")
    doc = nlp(
        "Medical vision-and-language pre-training (Med-VLP) is popular. We facilitate Med-VLP with ZetaKB and QuarkNet."
    )
    later = [i for i, t in enumerate(doc) if t.text == "Med" and i > 8][0]
    assert not ner_span_is_name(Span(doc, later, later + 3, label="METHOD"))
    quark = [i for i, t in enumerate(doc) if t.text == "QuarkNet"][0]
    assert ner_span_is_name(Span(doc, quark, quark + 1, label="MODEL"))
