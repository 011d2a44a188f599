"""The trained NER runs only on windows around words whose entity the resolver could accept."""

from __future__ import annotations

import pytest
import spacy

from kgbuild.nlp.focused_ner import name_windows
from kgbuild.nlp.pipeline import build_pipeline, configure_tokenizer
from kgbuild.nlp.sections import compose_text


@pytest.fixture(scope="module")
def segmented():
    nlp = spacy.blank("en")
    configure_tokenizer(nlp)
    nlp.add_pipe("kgbuild_sentences")
    return nlp


def windows_text(doc, covered=frozenset(), context=2):
    return [doc[start:end].text for start, end in name_windows(doc, set(covered), context)]


def test_windows_surround_uncovered_name_shapes_within_their_sentence(segmented):
    doc = segmented(compose_text("A Title", "We train FooNet-7 on our data. It is fast."))
    assert windows_text(doc) == ["We train FooNet-7 on our"]


def test_covered_words_lowercase_text_and_sentence_openers_give_no_window(segmented):
    doc = segmented(compose_text("a title", "We train BERT on web data. Results are good."))
    bert = [t.i for t in doc if t.text == "BERT"]
    assert windows_text(doc, covered=bert) == []
    assert windows_text(doc) == ["We train BERT on web"]


def test_capitalised_phrases_count_outside_the_title_only(segmented):
    doc = segmented(compose_text("Chatbot Arena Results", "We rank models on the Chatbot Arena today."))
    assert windows_text(doc) == ["on the Chatbot Arena today."]


def test_generic_acronyms_are_not_triggers(segmented):
    doc = segmented(compose_text("a title", "We study LLMs and GPUs in practice."))
    assert windows_text(doc) == []


def test_neighbouring_windows_merge(segmented):
    doc = segmented(compose_text("a title", "We compare FooNet-7 and BarNet-2 here."))
    assert windows_text(doc, context=1) == ["compare FooNet-7 and BarNet-2 here"]


def test_focused_ner_entities_map_back_to_the_doc():
    """Whatever the bundled NER finds in a window is set on the Doc at the same text."""
    nlp = build_pipeline(mode="combined")
    texts = [
        compose_text("a title", "We evaluate on the Tsinghua Gait Archive and compare against Deep Parrot Models. "
                     "Results on Vellum Street Views show gains."),
        compose_text("a plain title", "nothing here has a capital letter at all."),
    ]
    ner = nlp.get_pipe("kgbuild_ner")
    docs = list(nlp.pipe(texts))
    assert docs[1].ents == ()
    for doc in docs:
        inside = {i for start, end in ner._windows(doc) for i in range(start, end)}
        for ent in doc.ents:
            assert set(range(ent.start, ent.end)) <= inside
            assert doc.text[ent.start_char:ent.end_char] == ent.text
    assert docs[0].ents, "the bundled NER found nothing among capitalised names no rule knows"
