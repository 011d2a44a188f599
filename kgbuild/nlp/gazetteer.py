"""Curated gazetteers: JSONL pattern files -> PhraseMatcher spans labelled with a canonical id.

A pattern row is ``{"label": "MODEL", "pattern": "GPT-3", "id": "gpt-3"}`` with optional
``"lower": true`` (match case-insensitively), ``"canonical": "GPT-3"`` (display name of the id)
and ``"alt_label"`` (a second kind the name is commonly used as). As in spaCy's SpanRuler, the
pattern ``id`` is what gives every alias its canonical entity for free.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from kgbuild.nlp.batching import BatchedComponent
from kgbuild.records import ENTITY_KINDS, normalise_name

CANDIDATES_KEY = "kg_candidates"
GAZETTEER_COMPONENT = "gazetteer"


class PatternError(ValueError):
    """A pattern file that cannot be used; says which file and line."""


@dataclass(frozen=True)
class PatternRow:
    label: str
    pattern: str
    entity_id: str
    lower: bool = False
    canonical: str | None = None
    alt_label: str | None = None


@dataclass
class PatternTable:
    """All pattern rows, plus lookups by canonical id and by normalised alias."""

    rows: list[PatternRow]
    by_alias: dict[str, PatternRow] = field(default_factory=dict)
    display_names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            self.by_alias.setdefault(normalise_name(row.pattern), row)
            if row.canonical:
                self.display_names[row.entity_id] = row.canonical
            else:
                self.display_names.setdefault(row.entity_id, row.pattern)

    def lookup(self, name: str) -> PatternRow | None:
        """The pattern row whose alias has the same normal form as ``name``, if any."""
        return self.by_alias.get(normalise_name(name))

    def display_name(self, entity_id: str) -> str | None:
        return self.display_names.get(entity_id)


def default_patterns_dir() -> Path:
    return Path(str(resources.files("kgbuild.nlp") / "patterns"))


def read_pattern_file(path: Path) -> Iterator[PatternRow]:
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                row = PatternRow(
                    label=data["label"],
                    pattern=data["pattern"],
                    entity_id=data["id"],
                    lower=bool(data.get("lower", False)),
                    canonical=data.get("canonical"),
                    alt_label=data.get("alt_label"),
                )
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise PatternError(f"{path}:{line_no}: not a pattern row ({e})") from e
            if row.label not in ENTITY_KINDS:
                raise PatternError(f"{path}:{line_no}: unknown label {row.label!r}")
            if not isinstance(row.pattern, str) or not row.pattern.strip():
                raise PatternError(f"{path}:{line_no}: only non-empty phrase patterns are supported")
            yield row


@lru_cache(maxsize=8)
def load_pattern_table(patterns_dir: str | None = None) -> PatternTable:
    """Read every ``*.jsonl`` in the directory (sorted, so the result is deterministic)."""
    directory = Path(patterns_dir) if patterns_dir else default_patterns_dir()
    if not directory.is_dir():
        raise PatternError(f"pattern directory not found: {directory}")
    rows: list[PatternRow] = []
    for path in sorted(directory.glob("*.jsonl")):
        rows.extend(read_pattern_file(path))
    return PatternTable(rows)


SIZE_PART = re.compile(r"^(?:\d+(?:\.\d+)?[BMKT]|base|large|small|tiny|mini|medium|huge|giant|xl|xxl)$", re.IGNORECASE)


def inside_hyphenated_name(doc: Doc, start: int, end: int) -> bool:
    """ "CQ-DINO", "PTB-XL", "COCO-POS": a known name glued by a hyphen into a longer name is not
    a mention of itself. A size suffix ("Llama-2-70B", "BERT-Large") is left to the variant rule,
    and a lowercase suffix ("BERT-based") only describes."""
    glued_before = (
        start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_
    )
    if glued_before and doc[start - 2].text[:1].isalnum():
        return True
    if end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ and not doc[end].whitespace_:
        following = doc[end + 1].text
        return bool(following[:1].isalnum()) and not following.islower() and not SIZE_PART.match(following)
    return False


class Gazetteer(BatchedComponent):
    """Finds every gazetteer alias in a Doc and stores candidate spans in ``doc.spans``.

    Two PhraseMatchers: exact-case (ORTH) for names like ``CLIP`` or ``Yi`` that collide with
    English words when lowercased, and LOWER for descriptive names such as "top-1 accuracy".
    """

    def __init__(self, nlp: Language, name: str, patterns_dir: str | None, spans_key: str) -> None:
        self.name = name
        self.spans_key = spans_key
        self.table = load_pattern_table(patterns_dir)
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.rows_by_key: dict[str, PatternRow] = {}
        self._add_patterns(nlp, self.table.rows)

    def _add_patterns(self, nlp: Language, rows: Iterable[PatternRow]) -> None:
        grouped: dict[tuple[str, bool], list[Doc]] = {}
        for row in rows:
            key = f"{row.label}|{row.entity_id}"
            self.rows_by_key.setdefault(key, row)
            grouped.setdefault((key, row.lower), []).append(nlp.make_doc(row.pattern))
        for (key, lower), docs in grouped.items():
            (self.lower if lower else self.exact).add(key, docs)

    def match(self, doc: Doc) -> list[Span]:
        spans = []
        for matcher in (self.exact, self.lower):
            for match_id, start, end in matcher(doc):
                # Only exact-case names (acronyms) hide inside other names; a lowercase metric
                # glued into "mean-average-precision" is extended by the resolver instead.
                if matcher is self.exact and inside_hyphenated_name(doc, start, end):
                    continue
                key = doc.vocab.strings[match_id]
                row = self.rows_by_key[key]
                spans.append(Span(doc, start, end, label=row.label, span_id=row.entity_id))
        return spans

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        existing = list(doc.spans[self.spans_key]) if self.spans_key in doc.spans else []
        for span in spans:
            span_key = (span.start, span.end, span.label_)
            if all((s.start, s.end, s.label_) != span_key for s in existing):
                existing.append(span)
        doc.spans[self.spans_key] = existing

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc
