"""The one mapping from the assembled graph to RDF, used by every writer.

Which class each node becomes, which property each attribute and edge becomes, how IRIs are
minted and which named graph each triple belongs to is decided here and nowhere else. The
mapping yields quads of plain terms (an IRI is the string ``"<...>"``, a literal a ``Lit``):
``stream.py`` writes them as text for the build, ``rdf.py`` turns them into rdflib terms for the
in-memory formats, so the two cannot drift apart.

The shape of the output, in the kgbuild ontology (``kgbuild/ontology/kgbuild.ttl``): each binary
fact becomes a plain triple (``paper kgo:proposes entity``) so simple queries stay simple, plus a
reified ``rdf:Statement`` node for that triple with one ``kgo:Evidence`` node per textual
occurrence (paper, sentence, span, component, rule, confidence). Results are n-ary
``kgo:Result`` nodes carrying their own evidence. All nodes are IRIs minted from record ids or
content hashes (no blank nodes: those would make the output differ from run to run).

Named graphs: what a paper says (its own description, the facts read from it with their
statements and evidence, its results) goes into a graph named by the paper's IRI, and what no
single paper owns (the merged entities' types, labels and aliases) into the default graph. A
fact stated by two papers is in both of their graphs.

Quads come in groups (``quad_groups``): all quads of one subject are in one group and no group
repeats a subject, so a writer deduplicates globally by deduplicating each group, and memory stays
flat beyond the graph itself. Nodes and edges are visited in sorted order: the same graph always
gives the same groups.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

import networkx as nx
from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from kgbuild.export import iris
from kgbuild.export.iris import IRIError
from kgbuild.graph.assemble import (
    ADDRESSES,
    HAS_RESULT,
    RESULT_BENCHMARK,
    RESULT_METRIC,
    RESULT_MODEL,
    VARIANT_OF,
)
from kgbuild.graph.ids import strip_prefix
from kgbuild.vocab import KGO

# The W3C ML Schema (declared as a prefix for the ontology's alignments; rdflib does not ship it).
MLS = Namespace("http://www.w3.org/ns/mls#")


class ExportError(ValueError):
    """The graph holds something the ontology cannot express (unknown relation, bad id)."""


# --- the tables -------------------------------------------------------------------------------

# Relation kind (graph edge attribute) -> ontology property of a reified, evidenced fact.
FACT_PROPERTIES: dict[str, URIRef] = {
    "proposes": KGO.proposes,
    "compares_with": KGO.comparesWith,
    "evaluated_on": KGO.evaluatedOn,
    "trained_on": KGO.trainedOn,
    "based_on": KGO.basedOn,
    "mentions": KGO.mentions,
    VARIANT_OF: KGO.variantOf,
    ADDRESSES: KGO.addresses,
}
# Edges that only spell out a result's arguments; their evidence hangs off the result node.
RESULT_PROPERTIES: dict[str, URIRef] = {
    HAS_RESULT: KGO.hasResult,
    RESULT_MODEL: KGO.resultModel,
    RESULT_BENCHMARK: KGO.resultBenchmark,
    RESULT_METRIC: KGO.resultMetric,
}
# Entity kind (node attribute) -> ontology class, besides kgo:Entity.
KIND_CLASSES: dict[str, URIRef] = {
    "MODEL": KGO.Model,
    "DATASET": KGO.Dataset,
    "BENCHMARK": KGO.Benchmark,
    "METRIC": KGO.Metric,
    "TASK": KGO.Task,
    "METHOD": KGO.Method,
}
# Node type -> how its IRI is minted from the node's record id.
NODE_IRIS: dict[str, Callable[[str, str], str]] = {
    "paper": iris.paper_iri,
    "entity": iris.entity_iri,
    "result": iris.result_iri,
}
# The prefixes written into every output besides rdf, rdfs and xsd.
PREFIXES: dict[str, str] = {
    "kgo": str(KGO),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SDO),
    "mls": str(MLS),
}


def prefix_map() -> dict[str, str]:
    """Prefixes written into every output: kgbuild's plus rdf, rdfs, xsd."""
    return {"rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD), **PREFIXES}


# --- terms ------------------------------------------------------------------------------------


class Lit(NamedTuple):
    lexical: str
    datatype: str | None = None  # an IRI, without brackets; None: a plain string


# A term is an IRI written "<...>" or a Lit; a quad is (s, p, o, graph or None for the default graph).
Term = str | Lit
Quad = tuple[str, str, Term, str | None]


def _iri(value: str) -> str:
    return f"<{value}>"


# every predicate and class the mapper writes, as N-Triples IRIs (built once, not per triple)
XSD_BOOLEAN, XSD_DATE, XSD_DECIMAL, XSD_INTEGER = (str(XSD.boolean), str(XSD.date), str(XSD.decimal), str(XSD.integer))
RDF_TYPE = _iri(RDF.type)
_STATEMENT, _SUBJECT, _PREDICATE, _OBJECT = (_iri(t) for t in (RDF.Statement, RDF.subject, RDF.predicate, RDF.object))
_LABEL, _ALT_LABEL, _URL = _iri(RDFS.label), _iri(SKOS.altLabel), _iri(SDO.url)
_IDENTIFIER, _TITLE, _ABSTRACT, _ISSUED, _CREATOR = (
    _iri(t) for t in (DCTERMS.identifier, DCTERMS.title, DCTERMS.abstract, DCTERMS.issued, DCTERMS.creator)
)
_FACTS = {kind: _iri(p) for kind, p in FACT_PROPERTIES.items()}
_RESULTS = {kind: _iri(p) for kind, p in RESULT_PROPERTIES.items()}
_CLASSES = {kind: _iri(c) for kind, c in KIND_CLASSES.items()}


@lru_cache(maxsize=128)
def kgo(name: str) -> str:
    """An ontology term as an N-Triples IRI (``KGO`` raises on a name the ontology lacks)."""
    return _iri(KGO[name])


# --- literals: the lexical forms rdflib gives the same Python values ---------------------------


def text(value: Any) -> Lit | None:
    return Lit(value) if isinstance(value, str) and value != "" else None


@lru_cache(maxsize=4096)
def _decimal_lexical(value: float | int) -> str:
    # Decimal(repr(x)) keeps the shortest form of the float (0.9, not 0.900000000000000022...)
    return str(Literal(Decimal(repr(value)), datatype=XSD.decimal))


def decimal(value: Any) -> Lit | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return Lit(_decimal_lexical(value), XSD_DECIMAL)


def integer(value: Any) -> Lit | None:
    return Lit(str(value), XSD_INTEGER) if isinstance(value, int) and not isinstance(value, bool) else None


def date(value: Any) -> Lit | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return Lit(value)  # keep what the source said, untyped
    return Lit(value, XSD_DATE)


TRUE = Lit("true", XSD_BOOLEAN)

# --- the quads of a graph, node by node -------------------------------------------------------

Add = Callable[[str, "Term | None"], None]


def _adder(out: list[Quad], s: str, g: str | None) -> Add:
    """Appends (s, p, o, g) to ``out``; an absent value (None) adds nothing."""

    def add(p: str, o: Term | None) -> None:
        if o is not None:
            out.append((s, p, o, g))

    return add


class Mapper:
    """Turns the nodes of one graph into quad groups, under one base IRI."""

    def __init__(self, graph: nx.MultiDiGraph, base: str) -> None:
        self.graph = graph
        self.base = base

    def node_iri(self, node: str) -> str:
        node_type = self.graph.nodes[node].get("type")
        mint = NODE_IRIS.get(node_type) if isinstance(node_type, str) else None
        if mint is None:
            raise ExportError(f"node {node!r} has unknown type {node_type!r}")
        try:
            return _iri(mint(self.base, strip_prefix(node)))
        except IRIError as e:
            raise ExportError(f"node {node!r}: {e}") from e

    def paper_graph(self, paper_id: Any) -> str | None:
        """The named graph of a paper's statements: the paper's own IRI (None: default graph)."""
        if not isinstance(paper_id, str) or not paper_id:
            return None
        return _iri(iris.paper_iri(self.base, paper_id))

    def groups(self) -> Iterator[list[Quad]]:
        """Lists of quads; all quads of one subject are in one list, and no list repeats a subject."""
        for node in sorted(self.graph.nodes):
            yield from self.node_groups(node)

    def node_groups(self, node: str) -> Iterator[list[Quad]]:
        data = self.graph.nodes[node]
        s = self.node_iri(node)
        own: list[Quad] = []
        side: list[list[Quad]] = []  # result evidence
        node_type = data.get("type")
        if node_type == "paper":
            self.paper(own, s, node, data)
        elif node_type == "entity":
            self.entity(own, s, node, data)
        else:
            self.result(own, side, s, data)
        # out-edges, grouped by target and relation: one statement node per (s, p, o)
        statements: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for _, v, _key, edge in sorted(self.graph.out_edges(node, keys=True, data=True), key=lambda e: (e[1], e[2])):
            o = self.node_iri(v)
            # the paper the fact was read from owns it; a fact from two papers is in both graphs
            g = self.paper_graph(edge.get("paper_id"))
            relation = edge.get("relation")
            if relation in _RESULTS:
                own.append((s, _RESULTS[relation], o, g))
                continue
            if relation not in _FACTS:
                raise ExportError(f"relation {relation!r} ({s} -> {o}) has no property in the ontology")
            own.append((s, _FACTS[relation], o, g))
            statements.setdefault((o, relation), []).append(edge)
        yield own
        yield from side
        for (o, relation), edges in statements.items():
            yield from self.statement(s, _FACTS[relation], o, edges)

    def paper(self, out: list[Quad], s: str, node: str, data: Mapping[str, Any]) -> None:
        add = _adder(out, s, s)  # a paper's description belongs to the paper's own graph
        add(RDF_TYPE, kgo("Paper"))
        add(_IDENTIFIER, text(strip_prefix(node)))
        add(_TITLE, text(data.get("title")))
        add(_LABEL, text(data.get("title")))
        add(_ABSTRACT, text(data.get("abstract")))
        add(kgo("arxivId"), text(data.get("arxiv_id")))
        add(_ISSUED, date(data.get("published")))
        url = iris.clean_url(data["url"]) if isinstance(data.get("url"), str) else None
        add(_URL, _iri(url) if url else None)
        for author in data.get("authors", []):
            add(_CREATOR, text(author))

    def entity(self, out: list[Quad], s: str, node: str, data: Mapping[str, Any]) -> None:
        add = _adder(out, s, None)
        add(RDF_TYPE, kgo("Entity"))
        add(RDF_TYPE, _CLASSES.get(data.get("kind", "")))
        add(_LABEL, text(data.get("label")))
        for alias in data.get("aliases", []):
            add(_ALT_LABEL, text(alias))
        for entity_id in data.get("ids", [strip_prefix(node)]):
            add(_IDENTIFIER, text(entity_id))
        for size in data.get("params", []):
            add(kgo("params"), text(size))
        if data.get("lower_is_better"):
            add(kgo("lowerIsBetter"), TRUE)

    def result(self, out: list[Quad], side: list[list[Quad]], s: str, data: Mapping[str, Any]) -> None:
        g = self.paper_graph(data.get("paper_id"))
        add = _adder(out, s, g)
        add(RDF_TYPE, kgo("Result"))
        add(_LABEL, text(data.get("label")))
        add(kgo("valueText"), text(data.get("value")))
        add(kgo("value"), decimal(data.get("number")))
        add(kgo("resultKind"), text(data.get("kind")))
        evidence: list[Quad] = []
        add(kgo("hasEvidence"), self.evidence(evidence, s, data, g))
        side.append(evidence)

    def statement(self, s: str, p: str, o: str, edges: list[Mapping[str, Any]]) -> Iterator[list[Quad]]:
        st = _iri(iris.statement_iri(self.base, s[1:-1], p[1:-1], o[1:-1]))
        own: list[Quad] = []
        evidence: dict[str, list[Quad]] = {}
        for edge in edges:
            g = self.paper_graph(edge.get("paper_id"))
            add = _adder(own, st, g)
            add(RDF_TYPE, _STATEMENT)
            add(_SUBJECT, s)
            add(_PREDICATE, p)
            add(_OBJECT, o)
            quads: list[Quad] = []
            iri = self.evidence(quads, st, edge, g)
            add(kgo("hasEvidence"), iri)
            evidence.setdefault(iri, []).extend(quads)
        yield own
        yield from evidence.values()

    def evidence(self, out: list[Quad], owner: str, data: Mapping[str, Any], g: str | None) -> str:
        """One Evidence node per occurrence, named by what it supports and where it was read."""
        fields = ("paper_id", "section", "sentence_start", "start", "end", "component", "rule")
        iri = _iri(iris.evidence_iri(self.base, owner[1:-1], *(data.get(f) for f in fields)))
        add = _adder(out, iri, g)
        add(RDF_TYPE, kgo("Evidence"))
        add(kgo("inPaper"), self.paper_graph(data.get("paper_id")))
        add(kgo("section"), text(data.get("section")))
        add(kgo("sentence"), text(data.get("sentence")))
        add(kgo("sentenceStart"), integer(data.get("sentence_start")))
        add(kgo("charStart"), integer(data.get("start")))
        add(kgo("charEnd"), integer(data.get("end")))
        add(kgo("component"), text(data.get("component")))
        add(kgo("rule"), text(data.get("rule")))
        add(kgo("confidence"), decimal(data.get("confidence")))
        return iri


def quad_groups(graph: nx.MultiDiGraph, base_iri: str) -> Iterator[list[Quad]]:
    """The graph's quads in groups, one subject per group (see the module docstring)."""
    try:
        base = iris.check_base(base_iri)
    except IRIError as e:
        raise ExportError(str(e)) from e
    return Mapper(graph, base).groups()
