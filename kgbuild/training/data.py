"""Annotated records -> spaCy Docs whose ``ents`` are the gold mentions over title + abstract.

The Doc text is exactly what the pipeline sees (``compose_text``), tokenized by the pipeline's own
tokenizer, so the tagger learns on the token boundaries it will meet at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kgbuild.annotated import FIELDS, mention_spans, read_jsonl
from kgbuild.nlp.sections import abstract_offset, compose_text

# When the guideline lists one name under two kinds (released data that is also evaluated on),
# a token can carry one label only: the kind that the relations downstream read first.
KIND_PRIORITY = ("BENCHMARK", "MODEL", "METHOD", "DATASET", "METRIC", "TASK")


def paper_kinds(record: dict[str, Any]) -> dict[str, str]:
    """Entity name -> the one kind its mentions are tagged with in this paper."""
    kinds: dict[str, list[str]] = {}
    for entity in record["entities"]:
        kinds.setdefault(entity["name"], []).append(entity["kind"])
    return {name: min(found, key=KIND_PRIORITY.index) for name, found in kinds.items()}


def gold_char_spans(record: dict[str, Any]) -> list[tuple[int, int, str]]:
    """(start, end, kind) in the composed text: overlapping mentions resolved longest-first, each
    name with its paper-level kind."""
    kinds = paper_kinds(record)
    offset = {"title": 0, "abstract": abstract_offset(record["title"])}
    spans = record.get("spans") or mention_spans(record)
    candidates = sorted(
        {
            (offset[s["field"]] + s["start"], offset[s["field"]] + s["end"], kinds[s["entity"]])
            for s in spans
            if s["field"] in FIELDS
        },
        key=lambda s: (-(s[1] - s[0]), s[0]),
    )
    taken: list[tuple[int, int]] = []
    kept = []
    for start, end, kind in candidates:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        kept.append((start, end, kind))
    return sorted(kept)


def gold_doc(nlp: Language, record: dict[str, Any]) -> tuple[Doc, int]:
    """The record as a Doc with gold ``ents``, and how many gold spans fell off token boundaries
    (snapped outwards to the enclosing tokens, or dropped when that overlaps another)."""
    doc = nlp.make_doc(compose_text(record["title"], record["abstract"]))
    ents = []
    misaligned = 0
    covered: set[int] = set()
    for start, end, kind in gold_char_spans(record):
        span = doc.char_span(start, end, label=kind)
        if span is None:
            misaligned += 1
            span = doc.char_span(start, end, label=kind, alignment_mode="expand")
        if span is None or any(i in covered for i in range(span.start, span.end)):
            continue
        covered.update(range(span.start, span.end))
        ents.append(span)
    doc.ents = ents
    return doc, misaligned


def gold_docs(nlp: Language, records: Iterable[dict[str, Any]]) -> Iterator[Doc]:
    for record in records:
        yield gold_doc(nlp, record)[0]


def read_split(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise FileNotFoundError(f"annotated split not found: {path}")
    return read_jsonl(path)
