"""What the rule components note on a candidate span: the rule that found it, its confidence, the
alias it was defined with and the id it is a variant of.

The notes live in Span extensions (plain values, which spaCy keys by the span's offsets, label and
ids). Every ``span._`` builds a new proxy object, and the resolver reads the notes of every
candidate several times, so they are read and written here through one proxy per span.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Span


class SpanNotes(NamedTuple):
    rule: str | None
    confidence: float | None
    alias: str | None
    variant_of: str | None


_UNSET = object()


def notes_of(span: Span) -> SpanNotes:
    ext = span._
    return SpanNotes(ext.kg_rule, ext.kg_confidence, ext.kg_alias, ext.kg_variant_of)


def rule_of(span: Span) -> str | None:
    return span._.kg_rule


def alias_of(span: Span) -> str | None:
    return span._.kg_alias


def write_notes(
    span: Span,
    *,
    rule: object = _UNSET,
    confidence: object = _UNSET,
    alias: object = _UNSET,
    variant_of: object = _UNSET,
) -> None:
    """Set the notes given, None included; the others are left as they are (a span with the same
    offsets, label and ids shares them, so a blanket write would overwrite that span's notes)."""
    ext = span._
    if rule is not _UNSET:
        ext.kg_rule = rule
    if confidence is not _UNSET:
        ext.kg_confidence = confidence
    if alias is not _UNSET:
        ext.kg_alias = alias
    if variant_of is not _UNSET:
        ext.kg_variant_of = variant_of
