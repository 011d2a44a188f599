"""Lemmas from spaCy's lookup table (``spacy-lookups-data``; no model download), so that cue patterns
are written once per lemma ("outperform") and match every inflection ("outperformed", "outperforms").

Only words are looked up, never tagged: one dict lookup per distinct word, cached, and written to
the Doc in one array so the Matcher's ``LEMMA`` patterns can read them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import cast

import numpy
from spacy.attrs import LEMMA
from spacy.lookups import Table, load_lookups
from spacy.tokens import Doc
from spacy.vocab import Vocab
from thinc.types import Ints2d

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
        # word -> its lemma and the lemma's StringStore id: after the first few hundred abstracts
        # almost every word is known, and a Doc's lemmas are two C-level maps over its words.
        self._lemma: dict[str, str] = {}
        self._hash: dict[str, int] = {}

    def _learn(self, word: str) -> str:
        lemma = self._lemma[word] = lemma_of(word)
        self._hash[word] = self.vocab.strings.add(lemma)
        return lemma

    def lemmas(self, doc: Doc) -> list[str]:
        """The Doc's lemmas as strings (memoised per word; no Token objects made)."""
        texts = words(doc)
        try:
            return list(map(self._lemma.__getitem__, texts))
        except KeyError:  # learn the Doc's new words (a set difference, no loop over known ones)
            for word in set(texts).difference(self._lemma):
                self._learn(word)
            return list(map(self._lemma.__getitem__, texts))

    def set_lemmas(self, doc: Doc) -> list[str]:
        """Writes ``token.lemma`` for the Matcher and returns the lemmas."""
        lemmas = self.lemmas(doc)  # every word of the Doc is now known
        values = numpy.fromiter(map(self._hash.__getitem__, words(doc)), dtype="uint64", count=len(doc))
        doc.from_array([LEMMA], cast(Ints2d, values.reshape(-1, 1)))
        return lemmas
