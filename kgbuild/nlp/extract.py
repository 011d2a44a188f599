"""Papers in, ``PaperExtraction`` records out: the only place where Docs become plain records."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from kgbuild.nlp.batching import BATCH_SIZE
from kgbuild.nlp.pipeline import build_pipeline
from kgbuild.nlp.sections import compose_text, section_of
from kgbuild.nlp.tokens import SentenceBounds, sentence_bounds
from kgbuild.records import (
    EXTRACT_ABSTRACT_CHARS,
    EXTRACT_TITLE_CHARS,
    PAPER_SUBJECT,
    Entity,
    Evidence,
    Paper,
    PaperExtraction,
    Relation,
    Result,
)

COMPONENT_BY_RULE_PREFIX = {
    "gazetteer": "kgbuild_gazetteer",
    "ner": "ner",
    "score": "kgbuild_scores",
}


def component_for(rule: str, default: str) -> str:
    for prefix, component in COMPONENT_BY_RULE_PREFIX.items():
        if rule.startswith(prefix):
            return component
    return default


def paper_text(paper: Paper) -> str:
    if not isinstance(paper.title, str) or not isinstance(paper.abstract, str):
        raise TypeError(
            f"paper {paper.paper_id!r}: title and abstract must be text, "
            f"got {type(paper.title).__name__} and {type(paper.abstract).__name__}"
        )
    return compose_text(paper.title[:EXTRACT_TITLE_CHARS], paper.abstract[:EXTRACT_ABSTRACT_CHARS])


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration (restored as it was afterwards).

    Extraction allocates many short-lived objects (Spans, dicts, records), and every few hundred
    allocations the collector walks the young objects, and now and then everything alive: the
    pipeline's pattern tables, vocabulary and caches included. Almost none of it is cyclic garbage
    (measured: about 80 unreachable objects per 200 papers), so those walks were a quarter of the
    extraction time. Reference counting still frees everything else at once; the few cycles wait
    for the next collection after the batch.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Extractor:
    """Runs the pipeline over papers and converts each Doc into a ``PaperExtraction``."""

    def __init__(self, nlp: Language | None = None, batch_size: int = BATCH_SIZE) -> None:
        self.nlp = nlp or build_pipeline()
        self.batch_size = batch_size

    def extract(self, papers: Iterable[Paper]) -> Iterator[PaperExtraction]:
        """Extractions in input order, made ``batch_size`` papers at a time."""
        for batch in minibatch(papers, size=self.batch_size):
            yield from self.extract_batch(batch)

    def extract_batch(self, papers: list[Paper]) -> list[PaperExtraction]:
        """One batch, with the garbage collector paused (see ``cyclic_gc_paused``). All or nothing:
        a paper that breaks the pipeline raises for the whole batch."""
        with cyclic_gc_paused():
            texts = [PaperText(p) for p in papers]
            return [
                doc_to_extraction(doc, text)
                for doc, text in self.nlp.pipe(((t.text, t) for t in texts), as_tuples=True, batch_size=self.batch_size)
            ]

    def extract_one(self, paper: Paper) -> PaperExtraction:
        return self.extract_batch([paper])[0]

    def extract_reporting(
        self, papers: Iterable[Paper], report: Callable[[Paper, Exception], None]
    ) -> Iterator[PaperExtraction]:
        """Like ``extract``, but a paper that breaks the pipeline is reported and skipped.

        Papers go through in batches for speed; when a batch fails, its papers are re-run one by
        one so that only the culprit is lost.
        """
        for batch in minibatch(papers, size=self.batch_size):
            yield from self._extract_isolating(batch, report)

    def _extract_isolating(
        self, batch: list[Paper], report: Callable[[Paper, Exception], None]
    ) -> Iterator[PaperExtraction]:
        try:
            done = self.extract_batch(batch)
        except Exception:  # noqa: BLE001 - isolate the failing paper below
            done = None
        if done is not None:
            yield from done
            return
        for paper in batch:
            try:
                yield self.extract_one(paper)
            except Exception as e:  # noqa: BLE001 - one bad paper must not stop the build
                report(paper, e)


class PaperText:
    """The text a Doc was made from, with each sentence's string made once: the evidence of every
    fact in a sentence shares it, so pickling a worker's records sends it once (pickle keeps one
    copy of an object it meets twice) and the build holds it once."""

    def __init__(self, paper: Paper) -> None:
        self.paper = paper
        self.text = paper_text(paper)
        self.title = paper.title[:EXTRACT_TITLE_CHARS]  # what the text's title section holds
        self._sentences: dict[tuple[int, int], str] = {}

    def sentence(self, start: int, end: int) -> str:
        found = self._sentences.get((start, end))
        if found is None:
            found = self._sentences[(start, end)] = self.text[start:end].strip()
        return found


def _evidence(
    text: PaperText,
    start: int,
    end: int,
    sentence_start: int,
    sentence_end: int,
    component: str,
    rule: str,
    confidence: float,
) -> Evidence:
    paper = text.paper
    section, local_start = section_of(text.title, start)
    _, local_sentence_start = section_of(text.title, sentence_start)
    return Evidence(
        paper_id=paper.paper_id,
        section=section,
        sentence=text.sentence(sentence_start, sentence_end),
        sentence_start=local_sentence_start,
        start=local_start,
        end=local_start + (end - start),
        component=component,
        rule=rule,
        confidence=round(float(confidence), 3),
    )


def _entity(text: PaperText, data: dict[str, Any], sentences: SentenceBounds) -> Entity:
    evidence = []
    for mention in data["mentions"]:
        sentence_start, sentence_end = sentences.chars_around(mention["token_start"], mention["token_end"])
        evidence.append(
            _evidence(
                text,
                mention["start"],
                mention["end"],
                sentence_start,
                sentence_end,
                component_for(mention["rule"], "kgbuild_name_shapes"),
                mention["rule"],
                mention["confidence"],
            )
        )
    return Entity(
        entity_id=data["id"],
        name=data["name"],
        kind=data["kind"],
        aliases=list(data["aliases"]),
        evidence=evidence,
        variant_of=data.get("variant_of"),
    )


def doc_to_extraction(doc: Doc, text: PaperText) -> PaperExtraction:
    """The Doc's findings as records; ``text`` is what the Doc was made from (cheaper than
    re-joining its tokens)."""
    paper = text.paper
    sentences = sentence_bounds(doc)
    entities = [_entity(text, data, sentences) for data in doc._.kg_entities]
    relations = [
        Relation(
            kind=fact["kind"],
            subject=fact["subject"],
            object=fact["object"],
            evidence=_evidence(
                text,
                fact["start"],
                fact["end"],
                fact["sentence_start"],
                fact["sentence_end"],
                "kgbuild_relations",
                fact["rule"],
                fact["confidence"],
            ),
        )
        for fact in doc._.kg_relations
    ]
    for entity in entities:
        if entity.kind != "TASK":
            first = entity.evidence[0]
            relations.append(Relation("mentions", PAPER_SUBJECT, entity.entity_id, first))
    results = [
        Result(
            model=found["model"],
            benchmark=found["benchmark"],
            metric=found["metric"],
            value=found["value"],
            number=found["number"],
            kind=found["kind"],
            evidence=_evidence(
                text,
                found["start"],
                found["end"],
                found["sentence_start"],
                found["sentence_end"],
                "kgbuild_scores",
                found["rule"],
                found["confidence"],
            ),
        )
        for found in doc._.kg_results
    ]
    return PaperExtraction(paper=paper, entities=entities, relations=relations, results=results)
