"""``pipe`` for the rule and classifier components: a whole batch through one component before the
next component starts.

Without a ``pipe`` method spaCy's ``Language.pipe`` calls each component on one Doc at a time, so
every Doc runs through all the components before the next Doc is tokenised. Our components are
Python code over large tables (patterns, cue words, weight matrices, word clusters); interleaved
like that, each evicts the others' code and data from the CPU caches, and extraction ran a fifth
to a third slower than running each component over a batch of Docs in turn (the same Docs, the
same output). The tokenizer gains most: a batch of texts tokenised in a row runs at the speed of the
bench's floor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.tokens import Doc
from spacy.util import minibatch

BATCH_SIZE = 256  # Docs per batch when the caller gives none (``Language.pipe`` passes its own)


class BatchedComponent:
    """A component whose ``pipe`` runs ``process_batch`` over each batch; ``__call__`` is one Doc."""

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def process_batch(self, docs: list[Doc]) -> None:
        """Annotate every Doc of the batch in place (default: ``__call__`` on each)."""
        for doc in docs:
            self(doc)

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """The Docs in order, each batch annotated before any of it is passed on."""
        for batch in minibatch(docs, size=batch_size or BATCH_SIZE):
            self.process_batch(batch)
            yield from batch


class PredictingComponent(BatchedComponent):
    """A trained component as spaCy's are: ``predict`` for a batch, then ``set_annotations`` with
    what it predicted; one Doc is a batch of one."""

    def predict(self, docs: list[Doc]) -> Any:
        raise NotImplementedError

    def set_annotations(self, docs: list[Doc], predictions: Any) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        self.process_batch([doc])
        return doc

    def process_batch(self, docs: list[Doc]) -> None:
        self.set_annotations(docs, self.predict(docs))
