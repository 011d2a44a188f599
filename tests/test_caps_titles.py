"""Titles set in capitals: a word's capitals say nothing there, so only words that the abstract
also writes as names (or that the gazetteer knows) become entities."""

from __future__ import annotations

import pytest

from kgbuild.nlp.candidates import RUN_RULE
from kgbuild.nlp.extract import Extractor
from kgbuild.nlp.pipeline import build_pipeline
from kgbuild.nlp.tokens import unsupported_caps_title_words, words
from kgbuild.records import Paper

JUNK_TITLES = [
    (
        "DEEP RESIDUAL LEARNING FOR IMAGE RECOGNITION WITH ENHANCED NETWORKS VIA SHORTCUTS",
        "We present a residual learning framework to ease the training of deep networks. "
        "We evaluate residual nets with a depth of up to 152 layers.",
    ),
    (
        "SCALING LANGUAGE MODELS VIA ENHANCED ROUTING WITH MIXTURE OF EXPERTS",
        "We study routing in sparse models. Our method lowers the loss of dense baselines.",
    ),
    (
        "TOWARDS FASTER TRAINING WITH ENHANCED DATA PIPELINES",
        "Enhanced pipelines matter. We show faster training with better data loading.",
    ),
]


@pytest.fixture(scope="module")
def learned() -> Extractor:
    """The shipped pipeline: rules, broad capitalised candidates and the entity classifier."""
    return Extractor(build_pipeline())


def _entities(extractor: Extractor, title: str, abstract: str) -> dict[str, set[tuple[str, str]]]:
    """name -> {(section, rule)} of its evidence."""
    extraction = extractor.extract_one(Paper(paper_id="t", title=title, abstract=abstract))
    return {e.name: {(ev.section, ev.rule) for ev in e.evidence} for e in extraction.entities}


def _names(extractor: Extractor, title: str, abstract: str) -> set[str]:
    return set(_entities(extractor, title, abstract))


@pytest.mark.parametrize(("title", "abstract"), JUNK_TITLES)
def test_capitals_of_a_title_make_no_entity_on_their_own(
    extractor: Extractor, learned: Extractor, title: str, abstract: str
) -> None:
    """Rules that read words whatever their case (the gazetteer, task phrases: "IMAGE
    RECOGNITION") may still name something there; the rules that read capitals may not."""
    upper_words = {w for w in title.split() if w.isupper()}
    for pipeline in (extractor, learned):
        for name, evidence in _entities(pipeline, title, abstract).items():
            if name.isupper() and set(name.split()) <= upper_words:
                by_case = {rule for _, rule in evidence if rule.startswith("shape-") or rule == RUN_RULE}
                assert not by_case, (name, evidence)
            assert name not in {"VIA", "WITH", "ENHANCED", "SHORTCUTS", "ROUTING", "EXPERTS", "PIPELINES"}


def test_a_capitalised_title_word_the_abstract_names_is_kept(extractor: Extractor) -> None:
    title = "SCALING ZORBNET MODELS TO LONG CONTEXTS WITH SPARSE ATTENTION"
    unsupported = _entities(extractor, title, "We study long contexts and report what we found.")
    assert not any(name.upper() == "ZORBNET" for name in unsupported), unsupported
    supported = _entities(extractor, title, "We train ZorbNet on long documents and report what we found.")
    zorbnet = next(evidence for name, evidence in supported.items() if name.upper() == "ZORBNET")
    assert ("title", "shape-caps") in zorbnet and any(section == "abstract" for section, _ in zorbnet)


def test_a_title_name_before_the_colon_still_counts(learned: Extractor) -> None:
    names = _names(
        learned,
        "QUOKKANET: SCALING VISION TRANSFORMERS VIA ENHANCED ATTENTION",
        "We propose QuokkaNet, a vision transformer. QuokkaNet reaches 85.1% top-1 accuracy on ImageNet.",
    )
    assert "QuokkaNet" in names and "ENHANCED" not in names and "VIA" not in names


def test_which_title_words_lack_support(extractor: Extractor) -> None:
    doc = extractor.nlp("ROUTING WITH PALM AND ENHANCED EXPERTS. We route PaLM. Enhanced is a word here.")
    texts = words(doc)
    assert {texts[i] for i in unsupported_caps_title_words(doc)} == {"ROUTING", "WITH", "AND", "ENHANCED", "EXPERTS"}
    mixed = extractor.nlp("Routing With PaLM and Enhanced Experts. We route PaLM.")
    assert unsupported_caps_title_words(mixed) == frozenset()  # not set in capitals: shapes speak
