"""What the rule components note on a candidate span: the rule that found it, its confidence, the
alias it was defined with and the id it is a variant of.

The notes live in Span extensions (``span._.kg_rule`` …: plain values, which spaCy keeps in
``doc.user_data`` under the span's character offsets, so every span with the same offsets shares
them). Every ``span._`` builds a new proxy object, and the resolver reads the notes of every
candidate several times, so they are read and written here straight in ``doc.user_data``, under
the key spaCy's proxy uses (``note_key``). That key is checked against spaCy's own the first time
a note is touched; were it ever different (or spaCy no longer said), the notes go through
``span._``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from spacy.tokens import Span

RULE, CONFIDENCE, ALIAS, VARIANT_OF = "kg_rule", "kg_confidence", "kg_alias", "kg_variant_of"
NOTES = (RULE, CONFIDENCE, ALIAS, VARIANT_OF)  # in SpanNotes' order


class SpanNotes(NamedTuple):
    rule: str | None
    confidence: float | None
    alias: str | None
    variant_of: str | None


_UNSET = object()
_DIRECT: bool | None = None  # whether note_key is spaCy's key (checked on first use)


_PREFIX = "._."  # spaCy's prefix for extension values in user_data


def note_key(span: Span, name: str) -> tuple[str, str, int, int]:
    """Where ``span._.<name>`` is stored in ``span.doc.user_data`` (spaCy's ``Underscore._get_key``).
    The hot paths below spell the same tuple out, reading the span's offsets once."""
    return (_PREFIX, name, span.start_char, span.end_char)


def _user_data(span: Span) -> dict[Any, Any]:
    return span.doc.user_data  # keyed by tuples, as spaCy keys its own extension values


def _direct(span: Span) -> bool:
    global _DIRECT
    if _DIRECT is None:
        spacy_key = getattr(span._, "_get_key", None)  # spaCy's private key maker, so looked up with care
        _DIRECT = spacy_key is not None and all(spacy_key(name) == note_key(span, name) for name in NOTES)
    return _DIRECT


def notes_of(span: Span) -> SpanNotes:
    if not _direct(span):
        ext = span._
        return SpanNotes(*(getattr(ext, name) for name in NOTES))
    get, start, end = _user_data(span).get, span.start_char, span.end_char  # each a computed property
    return SpanNotes(*[get((_PREFIX, name, start, end)) for name in NOTES])  # note_key, inlined


def rule_of(span: Span) -> str | None:
    return _read(span, RULE)


def alias_of(span: Span) -> str | None:
    return _read(span, ALIAS)


def _read(span: Span, name: str) -> Any:
    if _DIRECT is not True and not _direct(span):  # the global first: this runs for every candidate read
        return getattr(span._, name)
    return _user_data(span).get((_PREFIX, name, span.start_char, span.end_char))  # None: the default


def write_notes(
    span: Span,
    *,
    rule: object = _UNSET,
    confidence: object = _UNSET,
    alias: object = _UNSET,
    variant_of: object = _UNSET,
) -> None:
    """Set the notes given, None included; the others are left as they are (a span with the same
    offsets shares them, so a blanket write would overwrite that span's notes)."""
    direct = _direct(span)
    data = _user_data(span)
    start, end = span.start_char, span.end_char
    for name, value in ((RULE, rule), (CONFIDENCE, confidence), (ALIAS, alias), (VARIANT_OF, variant_of)):
        if value is not _UNSET:
            if direct:
                data[(_PREFIX, name, start, end)] = value  # note_key, inlined
            else:
                setattr(span._, name, value)
