"""One Doc per paper: the title, a blank line, the abstract; with sentence boundaries that know it.

Keeping title and abstract in one Doc lets relation rules see both (a title "X: …" names what the
abstract's "our model" refers to), while ``section_of`` maps any Doc offset back to the section
and its own offset so that evidence spans index the original title or abstract text.
"""

from __future__ import annotations

from typing import Literal, cast

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc
from thinc.types import Ints2d

from kgbuild.nlp.batching import BatchedComponent
from kgbuild.nlp.tokens import remember_sentence_starts
from kgbuild.nlp.tokens import words as token_texts

SECTION_SEPARATOR = "\n\n"

# Tokens ending in "." that do not end a sentence ("et al.", "e.g.", "Fig.").
ABBREVIATIONS = frozenset(
    "al e.g i.e etc vs cf fig figs eq eqs approx resp no sec ref refs dr mr ms prof st jr inc ltd".split()
)
SENTENCE_END = frozenset({".", "!", "?"})


def compose_text(title: str, abstract: str) -> str:
    return f"{title}{SECTION_SEPARATOR}{abstract}" if abstract else title


def abstract_offset(title: str) -> int:
    return len(title) + len(SECTION_SEPARATOR)


def section_of(title: str, char: int) -> tuple[Literal["title", "abstract"], int]:
    """Map a Doc character offset to (section, offset within that section)."""
    start = abstract_offset(title)
    if char >= start:
        return "abstract", char - start
    return "title", char


class SentenceSegmenter(BatchedComponent):
    """Rule sentence boundaries: the title is its own sentence; abstracts split on . ! ? when the
    next token opens a sentence and the full stop does not close an abbreviation."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        # Decided over plain strings and written in one array: setting ``is_sent_start`` token by
        # token costs more than the rest of this component together.
        words = token_texts(doc)  # cached: later components read the same list
        starts = numpy.full((len(words), 1), -1, dtype="int64")
        starts[0, 0] = 1
        ends = [i for i, word in enumerate(words[:-1]) if word in SENTENCE_END or SECTION_SEPARATOR in word]
        for i in ends:
            if SECTION_SEPARATOR in words[i] or self._closes_sentence(words, i):
                starts[i + 1, 0] = 1
        doc.from_array([SENT_START], cast(Ints2d, starts.view("uint64")))  # spaCy's attribute arrays are uint64
        remember_sentence_starts(doc, (starts[:, 0] == 1).tolist())
        return doc

    @staticmethod
    def _closes_sentence(words: list[str], i: int) -> bool:
        nxt = words[i + 1]
        if nxt.isspace():
            return True
        if i > 0 and words[i] == "." and words[i - 1].lower().rstrip(".") in ABBREVIATIONS:
            return False
        first = nxt[:1]
        return first.isupper() or first.isdigit() or first in "\"'(["
