"""Lemmas from spaCy's lookup table (``spacy-lookups-data``; no model download), so that cue patterns
are written once per lemma ("outperform") and match every inflection ("outperformed", "outperforms").

Only words are looked up, never tagged: one dict lookup per distinct word, cached, and written to
the Doc in one array so the Matcher's ``LEMMA`` patterns can read them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy
from spacy.attrs import LEMMA
from spacy.lookups import Table, load_lookups
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kgbuild.nlp.tokens import words


@lru_cache(maxsize=1)
def lemma_table() -> Table:
    """spaCy's table (keyed by string hashes: look words up with ``get``, never iterate its keys)."""
    try:
        lookups = load_lookups("en", ["lemma_lookup"])
    except (ValueError, ImportError) as e:
        raise RuntimeError("the English lemma table needs the spacy-lookups-data package") from e
    return lookups.get_table("lemma_lookup")


@lru_cache(maxsize=1 << 16)
def lemma_of(word: str) -> str:
    lower = word.lower()
    return lemma_table().get(lower, lower)


class LookupLemmas:
    """Sets ``token.lemma`` on every token of a Doc from the lookup table."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._hashes: dict[str, int] = {}

    def lemmas(self, doc: Doc) -> list[str]:
        """The Doc's lemmas as strings (memoised per word; no Token objects made)."""
        return [lemma_of(word) for word in words(doc)]

    def set_lemmas(self, doc: Doc) -> list[str]:
        """Writes ``token.lemma`` for the Matcher and returns the lemmas."""
        hashes = self._hashes
        lemmas = self.lemmas(doc)
        values = numpy.empty((len(doc), 1), dtype="uint64")
        for i, lemma in enumerate(lemmas):
            found = hashes.get(lemma)
            if found is None:
                found = hashes[lemma] = self.vocab.strings.add(lemma)
            values[i, 0] = found
        doc.from_array([LEMMA], values)
        return lemmas
