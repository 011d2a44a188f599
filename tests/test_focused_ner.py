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
    nlp = build_pipeline(mode="combined", use_classifier=False)
    texts = [
        compose_text(
            "a title",
            "We evaluate on the Tsinghua Gait Archive and compare against Deep Parrot Models. "
            "Results on Vellum Street Views show gains.",
        ),
        compose_text("a plain title", "nothing here has a capital letter at all."),
    ]
    ner = nlp.get_pipe("kgbuild_ner")
    docs = list(nlp.pipe(texts))
    assert docs[1].ents == ()
    for doc in docs:
        inside = {i for start, end in ner._windows(doc) for i in range(start, end)}
        for ent in doc.ents:
            assert set(range(ent.start, ent.end)) <= inside
            assert doc.text[ent.start_char : ent.end_char] == ent.text
    assert docs[0].ents, "the bundled NER found nothing among capitalised names no rule knows"


def ner_finds(segmented, text: str, found: list[tuple[str, str]]) -> dict[str, str]:
    """What the resolver keeps when the NER reports ``found`` (text, label) and no rule fired."""

    from kgbuild.nlp.mentions import add_ner_mentions

    doc = segmented(compose_text("a title", text))
    spans = []
    for name, label in found:
        start = doc.text.index(name)
        spans.append(doc.char_span(start, start + len(name), label=label))
    doc.ents = [s for s in spans if s is not None]
    return {s.text: s.label_ for s in add_ner_mentions([], doc)}


def test_ner_names_cut_from_a_longer_name_are_dropped(segmented):
    text = "We propose Instant Gaussian Stream for video. We also use Temporal-Gated attention."
    assert ner_finds(segmented, text, [("Instant Gaussian", "MODEL"), ("Temporal", "MODEL")]) == {}


def test_ner_acronyms_of_lowercase_phrases_are_dropped_but_of_names_kept(segmented):
    text = "It uses high-level synthesis (HLS) and the Deep Posterior Energy (DEEPEN) model."
    assert ner_finds(segmented, text, [("HLS", "METHOD"), ("DEEPEN", "MODEL")]) == {"DEEPEN": "MODEL"}


def test_ner_data_kinds_need_a_cue_around_the_name(segmented):
    text = "Past work relies on Causal Tracing to edit. We evaluate on the Quokka Sets benchmark."
    found = ner_finds(segmented, text, [("Causal Tracing", "DATASET"), ("Quokka Sets", "DATASET")])
    assert found == {"Causal Tracing": "METHOD", "Quokka Sets": "BENCHMARK"}


def test_the_ner_runs_on_numpys_blas_and_finds_what_it_found_on_blis():
    """``use_numpy_blas`` moves the NER's layers off BLIS (slow on CPUs BLIS does not recognise)
    without changing what it finds."""
    from thinc.api import NumpyOps

    nlp = build_pipeline(mode="combined", use_classifier=False)
    model = nlp.get_pipe("kgbuild_ner").ner.model
    assert all(isinstance(node.ops, NumpyOps) and not node.ops.use_blis for node in model.walk())
    texts = [
        compose_text(
            "a title",
            "We evaluate on the Tsinghua Gait Archive and compare against Deep Parrot "
            "Models. Results on Vellum Street Views show gains.",
        )
    ]

    def found() -> list[list[tuple[int, int, str]]]:
        return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]

    on_numpy = found()
    blis = NumpyOps(use_blis=True)
    for node in model.walk():
        node.ops = blis
    assert found() == on_numpy and any(on_numpy)
