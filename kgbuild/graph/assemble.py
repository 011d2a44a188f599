"""Assemble ``PaperExtraction`` records into one provenance-carrying ``networkx.MultiDiGraph``.

Node schema (all attribute values are plain JSON values):

* ``paper:<paper_id>``: type="paper", label, title, abstract, arxiv_id, url, published, authors,
  sources ("path:line").
* ``entity:<entity_id>``: type="entity", kind, kinds {kind: papers}, label, aliases, papers,
  params, ids (every source id folded in), merged_from, merge_refused; lower_is_better=True on a
  metric whose smaller values are better (``graph.metrics``).
* ``result:<hash>``: type="result", label, value, number, kind (absolute/delta), paper_id and
  the provenance attributes below.

Every edge carries ``relation`` (its kind) plus provenance: paper_id, section, sentence,
sentence_start, start, end, component, rule, confidence. The edge key is the relation kind for
the first edge of that kind between two nodes and ``<kind>#<n>`` for further occurrences, so
``graph.has_edge(u, v, "proposes")`` asks whether any such fact exists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import quote

import networkx as nx

from kgbuild.graph.ids import entity_node, paper_node, result_node
from kgbuild.graph.merge import MergePlan, plan_merges
from kgbuild.graph.metrics import lower_is_better
from kgbuild.records import ENTITY_KINDS, PAPER_SUBJECT, Evidence, PaperExtraction, Result

# Kind given to an id that facts point at but no paper ever described as an entity.
UNKNOWN_KIND = "ENTITY"
VARIANT_OF = "variant_of"
# A paper that names a task works on it: the link the task's mention gives, with its evidence.
ADDRESSES = "addresses"
HAS_RESULT = "has_result"
RESULT_MODEL = "result_model"
RESULT_BENCHMARK = "result_benchmark"
RESULT_METRIC = "result_metric"

PROVENANCE_KEYS: tuple[str, ...] = (
    "paper_id",
    "section",
    "sentence",
    "sentence_start",
    "start",
    "end",
    "component",
    "rule",
    "confidence",
)

# A reference to a node before merging: ("paper", paper_id) or ("entity", raw entity id).
_Ref = tuple[str, str]


# A fact's provenance values in PROVENANCE_KEYS order: a plain tuple holds a fact in the builder
# (a tuple of (key, value) pairs cost about 500 bytes more per fact, 0.2 GB at 75k papers).
Provenance = tuple[Any, ...]


def provenance_values(evidence: Evidence | None, paper_id: str) -> Provenance:
    """Where a fact was read, in PROVENANCE_KEYS order; all None when the record gave no evidence."""
    if evidence is None:
        return (paper_id,) + (None,) * (len(PROVENANCE_KEYS) - 1)
    return (
        evidence.paper_id or paper_id,
        evidence.section,
        evidence.sentence,
        evidence.sentence_start,
        evidence.start,
        evidence.end,
        evidence.component,
        evidence.rule,
        float(evidence.confidence),
    )


@dataclass
class _EntityStats:
    kinds: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)
    papers: set[str] = field(default_factory=set)
    implied_kinds: Counter[str] = field(default_factory=Counter)  # from facts, for stubs only


class _Fact(NamedTuple):  # a tuple, not a dataclass: hundreds of thousands are held until build()
    relation: str
    subject: _Ref
    object: _Ref
    attrs: Provenance  # hashable, so exact repeats collapse


class GraphBuilder:
    """Streams extractions in with ``add`` and produces the merged graph with ``build``.

    Only aggregates are kept (not the extraction records), so input can be a generator over a
    large JSON-lines file. Merging needs every paper's names, so edges are resolved in ``build``.
    """

    def __init__(self) -> None:
        self._papers: dict[str, dict[str, Any]] = {}
        self._entities: dict[str, _EntityStats] = {}
        self._facts: set[_Fact] = set()
        self._results: dict[str, dict[str, Any]] = {}
        self._result_links: set[_Fact] = set()
        self.duplicate_papers: list[str] = []

    def add(self, extraction: PaperExtraction) -> None:
        paper = extraction.paper
        sources = [f"{s.path}:{s.line}" for s in paper.sources]
        if paper.paper_id in self._papers:
            # The same paper from a second source: keep the first reading's facts, note the source.
            known = self._papers[paper.paper_id]
            known["sources"] = sorted(set(known["sources"]) | set(sources))
            self.duplicate_papers.append(paper.paper_id)
            return
        arxiv_id = (paper.arxiv_id or "").strip() or None
        self._papers[paper.paper_id] = {
            "type": "paper",
            "label": paper.title,
            "title": paper.title,
            "abstract": paper.abstract,
            "arxiv_id": arxiv_id,
            "url": f"https://arxiv.org/abs/{quote(arxiv_id)}" if arxiv_id else None,
            "published": paper.published,
            "authors": list(paper.authors),
            "sources": sorted(set(sources)),
        }
        pid = paper.paper_id
        for entity in extraction.entities:
            stats = self._stats(entity.entity_id)
            stats.kinds[entity.kind] += 1
            stats.names[entity.name] += 1
            stats.aliases.update(a for a in entity.aliases if a.strip())
            stats.params.update(entity.params)
            stats.papers.add(pid)
            if entity.kind == "TASK" and entity.evidence:
                self._fact(ADDRESSES, ("paper", pid), ("entity", entity.entity_id), entity.evidence[0], pid)
            if entity.variant_of and entity.variant_of != entity.entity_id:
                base = self._stats(entity.variant_of)
                base.implied_kinds[entity.kind] += 1  # a size variant of a model is a model
                base.papers.add(pid)
                evidence = entity.evidence[0] if entity.evidence else None
                self._fact(VARIANT_OF, ("entity", entity.entity_id), ("entity", entity.variant_of), evidence, pid)
        for relation in extraction.relations:
            subject = self._ref(relation.subject, pid, paper_allowed=True)
            obj = self._ref(relation.object, pid)
            self._fact(relation.kind, subject, obj, relation.evidence, pid)
        for result in extraction.results:
            self._add_result(result, pid)

    def _stats(self, entity_id: str) -> _EntityStats:
        return self._entities.setdefault(entity_id, _EntityStats())

    def _ref(self, entity_id: str, paper_id: str, paper_allowed: bool = False) -> _Ref:
        """Reference to an entity, or to the paper itself where the contract allows ``PAPER_SUBJECT``."""
        if paper_allowed and entity_id == PAPER_SUBJECT:
            return ("paper", paper_id)
        self._stats(entity_id).papers.add(paper_id)
        return ("entity", entity_id)

    def _fact(self, relation: str, subject: _Ref, obj: _Ref, evidence: Evidence | None, pid: str) -> None:
        self._facts.add(_Fact(relation, subject, obj, provenance_values(evidence, pid)))

    def _add_result(self, result: Result, pid: str) -> None:
        ev = result.evidence
        node = result_node(
            pid,
            result.model,
            result.benchmark,
            result.metric,
            result.value,
            result.kind,
            ev.section,
            ev.start,
            ev.end,
        )
        if node in self._results:
            return
        attrs = provenance_values(ev, pid)
        self._results[node] = {
            "type": "result",
            "label": result.value,
            "value": result.value,
            "number": result.number,
            "kind": result.kind,
            **dict(zip(PROVENANCE_KEYS, attrs)),
        }
        paper_ref: _Ref = ("paper", pid)
        result_ref: _Ref = ("result", node)
        self._result_links.add(_Fact(HAS_RESULT, paper_ref, result_ref, attrs))
        self._result_links.add(_Fact(RESULT_MODEL, result_ref, self._ref(result.model, pid, paper_allowed=True), attrs))
        if result.benchmark is not None:
            self._result_links.add(_Fact(RESULT_BENCHMARK, result_ref, self._ref(result.benchmark, pid), attrs))
        if result.metric is not None:
            self._result_links.add(_Fact(RESULT_METRIC, result_ref, self._ref(result.metric, pid), attrs))

    def build(self) -> nx.MultiDiGraph:
        plan = self._plan()
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(
            generator="kgbuild", dropped_self_loops=0, duplicate_papers=sorted(set(self.duplicate_papers))
        )
        # Everything is inserted in sorted order so the graph (and every export of it) is the
        # same whatever order the papers were streamed in.
        for pid in sorted(self._papers):
            graph.add_node(paper_node(pid), **self._papers[pid])
        for rep, members in sorted(_groups(plan, self._entities).items()):
            graph.add_node(entity_node(rep), **self._entity_attrs(rep, members, plan))
        for node in sorted(self._results):
            graph.add_node(node, **self._results[node])

        def resolve(ref: _Ref) -> str:
            kind, key = ref
            if kind == "paper":
                return paper_node(key)
            if kind == "result":
                return key
            return entity_node(plan.rep(key))

        edges = []
        for fact in self._facts | self._result_links:
            u, v = resolve(fact.subject), resolve(fact.object)
            if u == v:
                # "X based_on X" only appears when two ids were merged; it states nothing.
                graph.graph["dropped_self_loops"] += 1
                continue
            edges.append((u, v, fact.relation, fact.attrs))
        edges.sort(key=lambda e: (e[0], e[1], e[2], _sort_key(e[3])))
        for u, v, relation, attrs in edges:
            key = relation
            n = 1
            while graph.has_edge(u, v, key):
                key = f"{relation}#{n}"
                n += 1
            graph.add_edge(u, v, key=key, relation=relation, **dict(zip(PROVENANCE_KEYS, attrs)))
        return graph

    def _plan(self) -> MergePlan:
        names = {eid: set(s.names) for eid, s in self._entities.items()}
        aliases = {eid: set(s.aliases) for eid, s in self._entities.items()}
        labels = {eid: _label(s.names, eid) for eid, s in self._entities.items()}
        counts = {eid: len(s.papers) for eid, s in self._entities.items()}
        return plan_merges(names, aliases, labels, counts)

    def _entity_attrs(self, rep: str, members: list[str], plan: MergePlan) -> dict[str, Any]:
        kinds: Counter[str] = Counter()
        implied: Counter[str] = Counter()
        names: Counter[str] = Counter()
        aliases: set[str] = set()
        params: set[str] = set()
        papers: set[str] = set()
        refused: list[dict[str, str]] = []
        for member in members:
            stats = self._entities[member]
            kinds.update(stats.kinds)
            implied.update(stats.implied_kinds)
            names.update(stats.names)
            aliases |= stats.aliases
            params |= stats.params
            papers |= stats.papers
            refused.extend(plan.refused.get(member, []))
        label = _label(names, rep, preferred=set(self._entities[rep].names))
        kind = _top_kind(kinds) or _top_kind(implied) or UNKNOWN_KIND
        better = {"lower_is_better": True} if kind == "METRIC" and lower_is_better(label, *aliases, *names) else {}
        return {
            "type": "entity",
            "kind": kind,
            "kinds": dict(sorted(kinds.items())),
            "label": label,
            "aliases": sorted((aliases | set(names)) - {label}),
            "papers": len(papers),
            "params": sorted(params),
            "ids": sorted(members),
            "merged_from": plan.merged_from.get(rep, []),
            "merge_refused": sorted(refused, key=lambda r: (r["id"], r["alias"])),
            **better,
        }


def _groups(plan: MergePlan, entities: dict[str, _EntityStats]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for entity_id in sorted(entities):
        groups.setdefault(plan.rep(entity_id), []).append(entity_id)
    return groups


def _label(names: Counter[str], fallback: str, preferred: set[str] | None = None) -> str:
    """Most frequent surface name.

    Ties go first to a name of the representative id (usually the gazetteer's spelling), then
    to the alphabetically first, so every build picks the same label.
    """
    if not names:
        return fallback
    preferred = preferred or set()
    return min(names.items(), key=lambda item: (-item[1], item[0] not in preferred, item[0]))[0]


def _top_kind(kinds: Counter[str]) -> str | None:
    """Most frequent kind; ties follow ``ENTITY_KINDS`` order (MODEL before DATASET ...)."""
    if not kinds:
        return None
    order = {kind: i for i, kind in enumerate(ENTITY_KINDS)}
    return min(kinds.items(), key=lambda item: (-item[1], order.get(item[0], len(order)), item[0]))[0]


def _sort_key(attrs: Provenance) -> tuple[str, ...]:
    # repr keeps None and numbers comparable with strings without a type error
    return tuple(repr(v) for v in attrs)


def assemble(extractions: Iterable[PaperExtraction]) -> nx.MultiDiGraph:
    """Build the knowledge graph from extraction records, consuming the iterable once."""
    builder = GraphBuilder()
    for extraction in extractions:
        builder.add(extraction)
    return builder.build()
