"""The learned entity tagger: a trained NER run over every word of the title and abstract.

Modelled on spaCy's own components (``spacy/pipeline/span_ruler.py``): made by a factory from its
config, ``__call__`` is ``predict`` then ``set_annotations``, and ``to_disk``/``from_disk`` save and
load the trained model. Its entities go to ``doc.spans[spans_key]`` (not ``doc.ents``), so the
resolver sees the tagger's opinion beside the rules' candidates and decides what to keep.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import cast

import spacy
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from kgbuild.nlp.annotations import write_notes
from kgbuild.nlp.focused_ner import use_numpy_blas
from kgbuild.records import entity_key

TAGGED_KEY = "kg_tagged"
TAGGER_RULE = "tagger"
TAGGER_CONFIDENCE = 0.8


def load_trained_ner(model_dir: Path) -> EntityRecognizer:
    if not (model_dir / "config.cfg").exists():
        raise FileNotFoundError(f"no trained entity tagger at {model_dir} (run `make train-tagger`)")
    try:
        trained = spacy.load(model_dir)
    except (OSError, ValueError) as e:
        raise FileNotFoundError(f"cannot load the entity tagger at {model_dir}: {e}") from e
    ner = cast(EntityRecognizer, trained.get_pipe("ner"))  # get_pipe is typed as any component
    use_numpy_blas(ner.model)
    return ner


class EntityTagger:
    """Predicts entity spans over whole Docs with a trained ``ner`` and stores them as spans."""

    def __init__(self, name: str, model_dir: str | Path, spans_key: str = TAGGED_KEY, batch_size: int = 64) -> None:
        self.name = name
        self.model_dir = Path(model_dir)
        self.spans_key = spans_key
        self.batch_size = batch_size
        self.ner = load_trained_ner(self.model_dir)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.ner.labels)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size or self.batch_size):
            batch = list(batch)
            self.set_annotations(batch, self.predict(batch))
            yield from batch

    def predict(self, docs: list[Doc]) -> list[list[tuple[int, int, str]]]:
        """(start token, end token, kind) of each entity the model finds, per Doc. The model runs on
        copies so that the Docs' own ``ents`` stay untouched."""
        copies = [
            Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc]) for doc in docs
        ]
        found = []
        for copy in self.ner.pipe(copies, batch_size=len(copies) or 1):
            found.append([(ent.start, ent.end, ent.label_) for ent in copy.ents])
        return found

    def set_annotations(self, docs: list[Doc], predictions: list[list[tuple[int, int, str]]]) -> None:
        for doc, entities in zip(docs, predictions):
            spans = []
            for start, end, kind in entities:
                span = Span(doc, start, end, label=kind, span_id=entity_key(doc[start:end].text))
                write_notes(span, rule=TAGGER_RULE, confidence=TAGGER_CONFIDENCE)
                spans.append(span)
            doc.spans[self.spans_key] = spans

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.ner.to_disk(Path(path) / "ner", exclude=list(exclude))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EntityTagger:
        self.ner.from_disk(Path(path) / "ner", exclude=list(exclude))
        return self
