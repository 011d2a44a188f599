"""Relation cues (kgbuild_relations): trained_on, compares_with, based_on and proposes.

Every text here is written for the test; none comes from the dev set.
"""

from __future__ import annotations

from kgbuild.gold import to_gold_record
from kgbuild.records import Paper


def gold_of(extractor, title: str, abstract: str) -> dict:
    result = extractor.extract_one(Paper(paper_id="t-cue", title=title, abstract=abstract))
    text = {"title": title, "abstract": abstract}
    for relation in result.relations:  # evidence still points at the words it names
        ev = relation.evidence
        assert text[ev.section][ev.start : ev.end]
        assert text[ev.section][ev.sentence_start :].startswith(ev.sentence)
    return to_gold_record(result)


def test_later_mention_of_a_name_carries_the_cue(extractor):
    gold = gold_of(
        extractor,
        "A study of small encoders",
        "We introduce TinyTagger and TinyTagger-XL, two new tagging models. We pre-train TinyTagger-XL on The Pile.",
    )
    assert gold["trained_on"] == [["TinyTagger-XL", "The Pile"]]


def test_trained_on_takes_the_model_between_verb_and_preposition(extractor):
    gold = gold_of(
        extractor, "FooNet: Robust Taggers", "We fine-tune RoBERTa on ImageNet-21k and evaluate FooNet on MMLU."
    )
    assert gold["trained_on"] == [["RoBERTa", "ImageNet-21k"]]


def test_training_as_a_modifier_is_not_training_on(extractor):
    gold = gold_of(
        extractor,
        "FooNet: Robust Taggers",
        "Available training datasets, such as The Pile, are noisy. We also release a new "
        "pretraining corpus ImageNet-21k. Using more pre-training domains is better than using The Pile.",
    )
    assert gold["trained_on"] == []


def test_improves_over_is_a_comparison_but_over_alone_is_not(extractor):
    gold = gold_of(
        extractor,
        "FooNet: Robust Taggers",
        "Empirically, FooNet consistently improves over RoBERTa on MMLU. "
        "Our study spans over GPT-4 and BERT in three languages.",
    )
    assert gold["compares_with"] == ["RoBERTa"]


def test_parenthesised_new_name_after_a_derivation_cue_is_the_derived_model(extractor):
    gold = gold_of(
        extractor,
        "Maltese encoders",
        "We pre-train and compare two models: an encoder trained from scratch (MaltEnc), "
        "and a further pre-trained RoBERTa (RoBERTaMT).",
    )
    assert ["RoBERTaMT", "RoBERTa"] in gold["based_on"]
    assert {"MaltEnc", "RoBERTaMT"} <= set(gold["proposes"])


def test_suffixed_size_in_parentheses_is_not_a_derived_model(extractor):
    gold = gold_of(
        extractor, "Maltese encoders", "Our tagger is fine-tuned from RoBERTa (RoBERTa-large) with two new heads."
    )
    assert ["RoBERTa-large", "RoBERTa"] not in gold["based_on"]


def test_a_name_followed_by_task_is_not_proposed(extractor):
    gold = gold_of(extractor, "Unified taggers", "We present a new pipeline (UniTag) designed for the TIP-ReID task.")
    assert gold["proposes"] == ["UniTag"]


def test_training_sentence_without_parenthesised_names_proposes_nothing(extractor):
    gold = gold_of(extractor, "Maltese encoders", "We pre-train BERT and RoBERTa (Liu and others) on The Pile.")
    assert gold["proposes"] == []
