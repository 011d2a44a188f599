"""The trained NER, run only where its answer can be used.

The resolver takes an NER entity only where no rule fired and only when it looks like a name: a
name shape (``SYNTH-PEDES``) or a phrase of capitalised words outside the title (see
``mentions.ner_span_is_name``). Every such entity contains a word the rules left alone that has
a name shape, or a capitalised word next to another one. So the NER runs on short windows around
those words (a few tokens of context either side, within the sentence) instead of on every
word: the CNN sees only ``depth`` tokens either side anyway, and most words of an abstract are
either covered by a rule or cannot start a name. Entities found in a window are mapped back to
the Doc's token offsets and set as ``doc.ents``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import cast

import spacy
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.util import minibatch
from thinc.api import Model, NumpyOps

from kgbuild.nlp.lexicon import SENTENCE_WORDS
from kgbuild.nlp.shapes import is_generic, shape_of_text
from kgbuild.nlp.tokens import lowers, sentence_bounds, sentence_starts, spaces, title_end, words

Window = tuple[int, int]
SEPARATOR = "\n\n"  # how the abstract is set apart from the title: the NER has seen it


@lru_cache(maxsize=1 << 16)
def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not is_generic(word) and word not in SENTENCE_WORDS


# What a word with a capital can do for ``name_windows``; memoised per word because the same names
# and sentence-initial words recur in every abstract, and the shape test is a chain of regexes.
NOT_A_TRIGGER, NAME_SHAPED, CAPITALISED = 0, 1, 2


@lru_cache(maxsize=1 << 16)
def _trigger_class(word: str) -> int:
    if is_generic(word):
        return NOT_A_TRIGGER
    if shape_of_text(word) is not None:
        return NAME_SHAPED
    return CAPITALISED if _capitalised(word) else NOT_A_TRIGGER


def name_windows(doc: Doc, covered: set[int], context: int) -> list[Window]:
    """Token windows around the words whose entity the resolver could accept, merged when they
    touch; none crosses a sentence boundary."""
    texts = words(doc)
    lowered = lowers(doc)
    starts = sentence_starts(doc)
    abstract_start = title_end(doc)
    n = len(texts)
    triggers: list[int] = []
    # cheapest test first, in a comprehension: most words have no capital at all
    for i in [i for i in range(n) if texts[i] != lowered[i] and not starts[i] and i not in covered]:
        found = _trigger_class(texts[i])
        if found == NAME_SHAPED:
            triggers.append(i)
        elif (
            found == CAPITALISED
            and i >= abstract_start
            and any(
                0 <= j < n and j not in covered and not starts[j] and _capitalised(texts[j])
                for j in (i - 1, i + 1, i - 2, i + 2)
            )
        ):
            triggers.append(i)  # one word of a capitalised phrase ("Chatbot Arena")
    if not triggers:
        return []
    sentences = sentence_bounds(doc)
    windows: list[Window] = []
    window_sentence = -1
    for i in triggers:
        sentence_start, sentence_end = sentences.sentence_of(i)
        start, end = max(sentence_start, i - context), min(sentence_end, i + context + 1)
        if windows and start <= windows[-1][1] and sentence_start == window_sentence:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
            window_sentence = sentence_start
    return windows


def use_numpy_blas(model: Model) -> None:
    """Run the model's matrix products on numpy's BLAS (OpenBLAS) instead of thinc's default, BLIS.

    BLIS picks its kernels by CPU model and falls back to a generic one on CPUs it does not know:
    on this project's 2-core AMD EPYC machines it says "selecting sub-configuration 'generic'"
    (BLIS_ARCH_DEBUG=1) and its sgemm runs at 12-15 GFLOP/s, against 35-50 for OpenBLAS's Haswell
    kernels on the same shapes. The numbers come out the same up to float rounding (the NER's
    entities on 1,000 abstracts were identical). The parser's own decoding loop still calls BLIS
    from C; only the Python-level layers move.
    """
    ops = NumpyOps(use_blis=False)
    for node in model.walk():
        node.ops = ops


class FocusedNER:
    """``ner`` from a trained pipeline on disk, applied to name windows only."""

    def __init__(self, name: str, model_dir: str | Path, candidates_key: str, context: int, batch_size: int) -> None:
        self.name = name
        self.model_dir = Path(model_dir)
        self.candidates_key = candidates_key
        self.context = context
        self.batch_size = batch_size
        try:
            trained = spacy.load(self.model_dir)
        except OSError as e:
            raise FileNotFoundError(f"no trained NER at {self.model_dir} (run `make train-silver-ner`)") from e
        self.ner = cast(EntityRecognizer, trained.get_pipe("ner"))  # get_pipe is typed as any component
        use_numpy_blas(self.ner.model)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size or self.batch_size):
            yield from self._annotate(list(batch))

    def _windows(self, doc: Doc) -> list[Window]:
        covered: set[int] = set()
        for span in doc.spans.get(self.candidates_key, []):
            covered.update(range(span.start, span.end))
        return name_windows(doc, covered, self.context)

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        # One piece per Doc: its windows joined by a blank-line token, because the NER's cost per
        # Doc outweighs its cost per word on pieces this short. ``offsets[j]`` maps token j of
        # the piece back to the Doc (None for a separator).
        pieces: list[Doc] = []
        offsets: list[list[int | None]] = []
        for doc in docs:
            texts = words(doc)
            trailing_space = spaces(doc)
            piece_words: list[str] = []
            piece_spaces: list[bool] = []
            mapping: list[int | None] = []
            for start, end in self._windows(doc):
                if piece_words:
                    piece_words.append(SEPARATOR)
                    piece_spaces.append(False)
                    mapping.append(None)
                piece_words.extend(texts[start:end])
                piece_spaces.extend(bool(flag) for flag in trailing_space[start:end])
                mapping.extend(range(start, end))
            # The Doc's own vocab: same language, same lexeme features, and its lexemes exist already.
            pieces.append(Doc(doc.vocab, words=piece_words, spaces=piece_spaces))
            offsets.append(mapping)
        for doc, piece, mapping in zip(docs, self.ner.pipe(pieces, batch_size=len(pieces)), offsets):
            spans = []
            for ent in piece.ents:
                if None in mapping[ent.start : ent.end]:
                    continue  # ran over a separator: not an entity of this Doc
                spans.append(Span(doc, mapping[ent.start], mapping[ent.end - 1] + 1, label=ent.label_))
            doc.ents = spans
        return docs
