"""More candidates for the entity classifier: runs of capitalised or name-shaped words that no rule
proposed ("UCSD Ped2", "VoxelMorph", "Derm7pt").

Recall of the rules is limited by what their cues and gazetteer know; these broad candidates are
only worth proposing because the trained classifier decides which of them are names and of what
kind (from their shape, their context and how often the paper uses them). Runs never overlap a
rule's candidate, so they add names and never change one.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kgbuild.nlp.annotations import write_notes
from kgbuild.nlp.batching import BatchedComponent
from kgbuild.nlp.lexicon import SENTENCE_WORDS
from kgbuild.nlp.tokens import sentence_starts, spaces, span_text, unsupported_caps_title_words, words
from kgbuild.records import entity_key

RUN_RULE = "capitalised-run"
RUN_CONFIDENCE = 0.4
MAX_RUN = 5


def _word_class(word: str) -> int:
    """0: not name-like; 1: name-like except at a sentence start; 2: name-like anywhere (a capital
    or digit after its first character). Memoised by ``word_classes``."""
    if word.islower() and not any(c.isdigit() for c in word) or not any(c.isalpha() for c in word):
        return 0
    if any(c.isupper() or c.isdigit() for c in word[1:]):
        return 2
    return 1 if word[0].isupper() and word not in SENTENCE_WORDS else 0


_WORD_CLASSES: dict[str, int] = {}  # ``_word_class`` of every word met, read as one map per Doc


def word_classes(texts: list[str]) -> list[int]:
    """``_word_class`` of each word (the same words recur in every abstract)."""
    try:
        return list(map(_WORD_CLASSES.__getitem__, texts))
    except KeyError:
        if len(_WORD_CLASSES) > 1 << 17:
            _WORD_CLASSES.clear()
        for word in set(texts).difference(_WORD_CLASSES):
            _WORD_CLASSES[word] = _word_class(word)
        return list(map(_WORD_CLASSES.__getitem__, texts))


def capitalised_runs(doc: Doc, covered: set[int]) -> list[tuple[int, int]]:
    """Token ranges of maximal runs of name-like words (a glued hyphen may join two), outside
    ``covered`` tokens, at most ``MAX_RUN`` long. "The", "However": a capital that only opens the
    sentence says nothing."""
    texts, gaps, starts = words(doc), spaces(doc), sentence_starts(doc)
    unsupported = unsupported_caps_title_words(doc)
    if unsupported:  # words of a title set in capitals that nothing else writes as a name
        covered = covered | unsupported
    n = len(texts)
    classes = word_classes(texts)
    name_like = [found == 2 or (found == 1 and not start) for found, start in zip(classes, starts)]
    runs = []
    resume = 0  # a run never starts inside the previous one
    for i in [i for i, like in enumerate(name_like) if like]:
        if i < resume or i in covered:
            continue
        end = i + 1
        while end < n and end - i < MAX_RUN and end not in covered:
            if name_like[end]:
                end += 1
            elif (
                texts[end] == "-"
                and end + 1 < n
                and not gaps[end - 1]
                and not gaps[end]
                and end + 1 not in covered
                and classes[end + 1] != 0  # name-like even at a sentence start
            ):
                end += 2
            else:
                break
        runs.append((i, end))
        resume = end
    return runs


class CapitalisedCandidates(BatchedComponent):
    """Adds ``capitalised_runs`` to the candidate span group (label MODEL: the classifier re-kinds)."""

    def __init__(self, name: str, spans_key: str) -> None:
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        existing = list(doc.spans[self.spans_key]) if self.spans_key in doc.spans else []
        covered = {i for span in existing for i in range(span.start, span.end)}
        added = []
        for start, end in capitalised_runs(doc, covered):
            span = Span(doc, start, end, label="MODEL", span_id=entity_key(span_text(doc, start, end)))
            write_notes(span, rule=RUN_RULE, confidence=RUN_CONFIDENCE)
            added.append(span)
        doc.spans[self.spans_key] = existing + added
        return doc
