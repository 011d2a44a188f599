"""Span notes are read and written straight in ``doc.user_data``: under exactly the key spaCy's
``span._`` uses, so both ways of reading agree."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

from kgbuild.nlp import annotations
from kgbuild.nlp.annotations import NOTES, alias_of, note_key, notes_of, rule_of, write_notes
from kgbuild.nlp.components import register_extensions


def _span(start: int = 0, end: int = 2) -> Span:
    register_extensions()
    doc = spacy.blank("en")("GPT-4 Turbo beats LLaMA on MMLU")
    return Span(doc, start, end, label="MODEL")


def test_note_key_is_spacys_own():
    span = _span()
    assert all(note_key(span, name) == span._._get_key(name) for name in NOTES)


@pytest.mark.parametrize("direct", [True, False], ids=["user_data", "span._"])
def test_notes_written_here_read_through_span_underscore_and_back(monkeypatch, direct):
    # False: as if spaCy kept its notes under another key; every note then goes through span._
    monkeypatch.setattr(annotations, "_DIRECT", direct)
    span = _span()
    write_notes(span, rule="shape", confidence=0.7, alias="GPT4")
    assert (span._.kg_rule, span._.kg_confidence, span._.kg_alias, span._.kg_variant_of) == ("shape", 0.7, "GPT4", None)
    span._.kg_variant_of = "gpt-4"
    assert notes_of(span) == ("shape", 0.7, "GPT4", "gpt-4")
    # a write sets only the notes it is given; another span with the same offsets shares them
    write_notes(span, rule=None)
    same = Span(span.doc, span.start, span.end, label="METHOD")
    assert (rule_of(same), alias_of(same)) == (None, "GPT4")
    assert notes_of(_span(3, 4)) == (None, None, None, None)
