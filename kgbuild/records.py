"""Plain, serialisable records that flow between the stages.

ingest -> ``Paper`` (+ ``Problem`` for bad input)
nlp    -> ``PaperExtraction`` (entities, relations, results, each with ``Evidence``)
graph / export / viz only ever see these records, never spaCy objects.

Every record round-trips through ``to_dict``/``from_dict`` as plain JSON values, so extraction
results can be cached, shipped between processes and written as JSON lines.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Literal

EntityKind = Literal["MODEL", "DATASET", "BENCHMARK", "METRIC", "TASK", "METHOD"]
ENTITY_KINDS: tuple[str, ...] = ("MODEL", "DATASET", "BENCHMARK", "METRIC", "TASK", "METHOD")

RelationKind = Literal["proposes", "compares_with", "evaluated_on", "trained_on", "based_on", "mentions"]
RELATION_KINDS: tuple[str, ...] = (
    "proposes",
    "compares_with",
    "evaluated_on",
    "trained_on",
    "based_on",
    "mentions",
)

Section = Literal["title", "abstract"]

# The subject of a paper-level relation ("the paper proposes X") in the gold format.
PAPER_SUBJECT = "paper"

# How much of a paper extraction reads. Longer titles and abstracts stay whole in the graph, but
# only their starts are run through the pipeline: spaCy refuses texts over a million characters,
# and time and memory grow with length while the facts are stated early.
EXTRACT_TITLE_CHARS = 2_000
EXTRACT_ABSTRACT_CHARS = 100_000


# Everything but letters and digits, of any script: alpha-BERT written "α-BERT" keeps its α and
# stays apart from BERT.
NOT_A_KEY_CHARACTER = re.compile(r"[\W_]+")


# Memoised: extraction asks for the key of the same few thousand names over and over (every
# candidate span of every paper), and the NFKC fold plus the regex is most of its cost.
@lru_cache(maxsize=1 << 16)
def normalise_name(name: str) -> str:
    """Key under which two spellings of a name are the same: lowercase, NFKC, letters and digits
    (of any script) only.

    This is the equivalence the evaluation guideline uses (``GPT-3`` = ``GPT3`` = ``gpt 3``);
    it deliberately keeps digits, so ``ImageNet-1k`` and ``ImageNet-21k`` stay apart.
    """
    folded = unicodedata.normalize("NFKC", name).lower()
    return NOT_A_KEY_CHARACTER.sub("", folded)


def slugify(name: str) -> str:
    """A readable, IRI-safe identifier fragment for a name (``Llama 2`` -> ``llama-2``).

    Names that have no ASCII letters or digits at all (e.g. pure CJK) get a short hash so the
    identifier is never empty and still deterministic.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^0-9a-z]+", "-", folded).strip("-")
    if not slug:
        slug = "x-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]
    return slug


def entity_key(name: str) -> str:
    """Default canonical id for a name no gazetteer knows: its normal form (``GPT-3`` -> ``gpt3``).

    Falls back to a slug (with hash) for names without letters or digits.
    """
    return normalise_name(name) or slugify(name)


@dataclass(frozen=True)
class SourceRef:
    """Where a record was read: a file and the 1-based line on which the record starts."""

    path: str
    line: int


@dataclass
class Paper:
    """One paper as read from any input format."""

    paper_id: str
    title: str
    abstract: str
    sources: list[SourceRef] = field(default_factory=list)
    arxiv_id: str | None = None
    authors: list[str] = field(default_factory=list)
    author_count: int | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    upvotes: int | None = None
    categories: list[str] = field(default_factory=list)

    def section_text(self, section: Section) -> str:
        return self.title if section == "title" else self.abstract

    def to_dict(self) -> dict[str, Any]:
        # Spelled out rather than ``asdict``, which copies recursively and is several times slower:
        # a build's main process makes one of these per paper (as for the records below).
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "abstract": self.abstract,
            "sources": [{"path": s.path, "line": s.line} for s in self.sources],
            "arxiv_id": self.arxiv_id,
            "authors": list(self.authors),
            "author_count": self.author_count,
            "published": self.published,
            "upvotes": self.upvotes,
            "categories": list(self.categories),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        values = dict(data)
        values["sources"] = [SourceRef(**s) for s in values.get("sources", [])]
        return cls(**values)


@dataclass(frozen=True)
class Problem:
    """Bad input that was skipped or repaired; the build goes on without it."""

    path: str
    line: int | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Evidence:
    """Why a fact is believed: the sentence and character span it was read from.

    ``start``/``end`` index into the *section* text (the title or the abstract), so that
    ``paper.section_text(section)[start:end]`` is exactly the evidence span.
    """

    paper_id: str
    section: Section
    sentence: str
    sentence_start: int
    start: int
    end: int
    component: str
    rule: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "paper_id": self.paper_id,
            "section": self.section,
            "sentence": self.sentence,
            "sentence_start": self.sentence_start,
            "start": self.start,
            "end": self.end,
            "component": self.component,
            "rule": self.rule,
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(**data)


@dataclass
class Entity:
    """A named thing mentioned in one paper, already keyed by its canonical id."""

    entity_id: str  # canonical id, e.g. "gpt-3"; shared across papers for the same thing
    name: str  # the surface form used as the display name in this paper
    kind: str  # one of ENTITY_KINDS
    aliases: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    params: list[str] = field(default_factory=list)  # stated sizes, e.g. ["7B", "70B"]
    variant_of: str | None = None  # canonical id of the base entity for a size variant

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "evidence": [e.to_dict() for e in self.evidence],
            "params": list(self.params),
            "variant_of": self.variant_of,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        values = dict(data)
        values["evidence"] = [Evidence.from_dict(e) for e in values.get("evidence", [])]
        return cls(**values)


@dataclass
class Relation:
    """A binary fact. ``subject`` is an entity id or ``PAPER_SUBJECT``; ``object`` an entity id."""

    kind: str  # one of RELATION_KINDS
    subject: str
    object: str
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "object": self.object, "evidence": self.evidence.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relation:
        values = dict(data)
        values["evidence"] = Evidence.from_dict(values["evidence"])
        return cls(**values)


@dataclass
class Result:
    """An n-ary result: (model, benchmark, metric, value). Ids may be None when not stated."""

    model: str  # entity id, or PAPER_SUBJECT when the abstract says "our model achieves"
    benchmark: str | None
    metric: str | None
    value: str  # as written, e.g. "84.8%", "+3.9"
    number: float | None  # the parsed numeric value (84.8 for "84.8%")
    kind: Literal["absolute", "delta"]
    evidence: Evidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "benchmark": self.benchmark,
            "metric": self.metric,
            "value": self.value,
            "number": self.number,
            "kind": self.kind,
            "evidence": self.evidence.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        values = dict(data)
        values["evidence"] = Evidence.from_dict(values["evidence"])
        return cls(**values)


@dataclass
class PaperExtraction:
    """Everything extracted from one paper."""

    paper: Paper
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    def entity(self, entity_id: str) -> Entity | None:
        for entity in self.entities:
            if entity.entity_id == entity_id:
                return entity
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "paper": self.paper.to_dict(),
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
            "results": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaperExtraction:
        return cls(
            paper=Paper.from_dict(data["paper"]),
            entities=[Entity.from_dict(e) for e in data.get("entities", [])],
            relations=[Relation.from_dict(r) for r in data.get("relations", [])],
            results=[Result.from_dict(r) for r in data.get("results", [])],
        )
