"""The assembled networkx graph as RDF, in the kgbuild ontology (``ontology/kgbuild.ttl``).

Each binary fact becomes a plain triple (``paper kgo:proposes entity``) so simple queries stay
simple, plus a reified ``rdf:Statement`` node for that triple with one ``kgo:Evidence`` node per
textual occurrence (paper, sentence, span, component, rule, confidence). Results are n-ary
``kgo:Result`` nodes carrying their own evidence. All nodes are IRIs minted from record ids or
content hashes (no blank nodes), and triples are added in sorted order, so the same graph always
serialises to byte-identical Turtle.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import networkx as nx
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from kgbuild.atomic import atomic_write
from kgbuild.export import iris
from kgbuild.export.iris import DEFAULT_BASE_IRI, IRIError
from kgbuild.graph.assemble import HAS_RESULT, RESULT_BENCHMARK, RESULT_METRIC, RESULT_MODEL, VARIANT_OF
from kgbuild.graph.ids import strip_prefix
from kgbuild.vocab import KGO

SCHEMA = Namespace("https://schema.org/")
MLS = Namespace("http://www.w3.org/ns/mls#")

# Relation kind (graph edge attribute) -> ontology property of a reified, evidenced fact.
FACT_PROPERTIES: dict[str, URIRef] = {
    "proposes": KGO.proposes,
    "compares_with": KGO.comparesWith,
    "evaluated_on": KGO.evaluatedOn,
    "trained_on": KGO.trainedOn,
    "based_on": KGO.basedOn,
    "mentions": KGO.mentions,
    VARIANT_OF: KGO.variantOf,
}
# Edges that only spell out a result's arguments; their evidence hangs off the result node.
RESULT_PROPERTIES: dict[str, URIRef] = {
    HAS_RESULT: KGO.hasResult,
    RESULT_MODEL: KGO.resultModel,
    RESULT_BENCHMARK: KGO.resultBenchmark,
    RESULT_METRIC: KGO.resultMetric,
}
KIND_CLASSES: dict[str, URIRef] = {
    "MODEL": KGO.Model,
    "DATASET": KGO.Dataset,
    "BENCHMARK": KGO.Benchmark,
    "METRIC": KGO.Metric,
    "TASK": KGO.Task,
    "METHOD": KGO.Method,
}
PREFIXES: dict[str, Namespace] = {
    "kgo": Namespace(str(KGO._NS)),
    "dcterms": DCTERMS,
    "skos": SKOS,
    "prov": PROV,
    "schema": SCHEMA,
    "mls": MLS,
}

Triple = tuple[Node, Node, Node]


class ExportError(ValueError):
    """The graph holds something the ontology cannot express (unknown relation, bad id)."""


def _text(value: Any) -> Literal | None:
    return Literal(value) if isinstance(value, str) and value != "" else None


def _decimal(value: Any) -> Literal | None:
    # Decimal(repr(x)) keeps the shortest form of the float (0.9, not 0.900000000000000022...)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return Literal(Decimal(repr(value)), datatype=XSD.decimal)


def _integer(value: Any) -> Literal | None:
    return Literal(value, datatype=XSD.integer) if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: Any) -> Literal | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return Literal(value)  # keep what the source said, untyped
    return Literal(value, datatype=XSD.date)


class _Exporter:
    def __init__(self, graph: nx.MultiDiGraph, base: str) -> None:
        self.graph = graph
        self.base = base
        self.triples: set[Triple] = set()

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self.triples.add((s, p, o))

    def node_iri(self, node: str) -> URIRef:
        node_type = self.graph.nodes[node].get("type")
        key = strip_prefix(node)
        try:
            if node_type == "paper":
                return URIRef(iris.paper_iri(self.base, key))
            if node_type == "entity":
                return URIRef(iris.entity_iri(self.base, key))
            if node_type == "result":
                return URIRef(iris.result_iri(self.base, key))
        except IRIError as e:
            raise ExportError(f"node {node!r}: {e}") from e
        raise ExportError(f"node {node!r} has unknown type {node_type!r}")

    def run(self) -> None:
        for node, data in self.graph.nodes(data=True):
            iri = self.node_iri(node)
            node_type = data.get("type")
            if node_type == "paper":
                self.paper(iri, node, data)
            elif node_type == "entity":
                self.entity(iri, node, data)
            else:
                self.result(iri, data)
        for u, v, _key, data in self.graph.edges(keys=True, data=True):
            self.edge(self.node_iri(u), self.node_iri(v), data)

    def paper(self, iri: URIRef, node: str, data: Mapping[str, Any]) -> None:
        self.add(iri, RDF.type, KGO.Paper)
        self.add(iri, DCTERMS.identifier, _text(strip_prefix(node)))
        self.add(iri, DCTERMS.title, _text(data.get("title")))
        self.add(iri, RDFS.label, _text(data.get("title")))
        self.add(iri, DCTERMS.abstract, _text(data.get("abstract")))
        self.add(iri, KGO.arxivId, _text(data.get("arxiv_id")))
        self.add(iri, DCTERMS.issued, _date(data.get("published")))
        url = iris.clean_url(data["url"]) if isinstance(data.get("url"), str) else None
        self.add(iri, SCHEMA.url, URIRef(url) if url else None)
        for author in data.get("authors", []):
            self.add(iri, DCTERMS.creator, _text(author))

    def entity(self, iri: URIRef, node: str, data: Mapping[str, Any]) -> None:
        self.add(iri, RDF.type, KGO.Entity)
        self.add(iri, RDF.type, KIND_CLASSES.get(data.get("kind", "")))
        self.add(iri, RDFS.label, _text(data.get("label")))
        for alias in data.get("aliases", []):
            self.add(iri, SKOS.altLabel, _text(alias))
        for entity_id in data.get("ids", [strip_prefix(node)]):
            self.add(iri, DCTERMS.identifier, _text(entity_id))
        for size in data.get("params", []):
            self.add(iri, KGO.params, _text(size))

    def result(self, iri: URIRef, data: Mapping[str, Any]) -> None:
        self.add(iri, RDF.type, KGO.Result)
        self.add(iri, RDFS.label, _text(data.get("label")))
        self.add(iri, KGO.valueText, _text(data.get("value")))
        self.add(iri, KGO.value, _decimal(data.get("number")))
        self.add(iri, KGO.resultKind, _text(data.get("kind")))
        self.add(iri, KGO.hasEvidence, self.evidence(str(iri), data))

    def edge(self, s: URIRef, o: URIRef, data: Mapping[str, Any]) -> None:
        relation = data.get("relation")
        if relation in RESULT_PROPERTIES:
            self.add(s, RESULT_PROPERTIES[relation], o)
            return
        if relation not in FACT_PROPERTIES:
            raise ExportError(f"relation {relation!r} ({s} -> {o}) has no property in the ontology")
        p = FACT_PROPERTIES[relation]
        self.add(s, p, o)
        statement = URIRef(iris.statement_iri(self.base, str(s), str(p), str(o)))
        self.add(statement, RDF.type, RDF.Statement)
        self.add(statement, RDF.subject, s)
        self.add(statement, RDF.predicate, p)
        self.add(statement, RDF.object, o)
        self.add(statement, KGO.hasEvidence, self.evidence(str(statement), data))

    def evidence(self, owner: str, data: Mapping[str, Any]) -> URIRef:
        """One Evidence node per occurrence, named by what it supports and where it was read."""
        fields = ("paper_id", "section", "sentence_start", "start", "end", "component", "rule")
        iri = URIRef(iris.evidence_iri(self.base, owner, *(data.get(f) for f in fields)))
        self.add(iri, RDF.type, KGO.Evidence)
        paper_id = data.get("paper_id")
        if isinstance(paper_id, str) and paper_id:
            self.add(iri, KGO.inPaper, URIRef(iris.paper_iri(self.base, paper_id)))
        self.add(iri, KGO.section, _text(data.get("section")))
        self.add(iri, KGO.sentence, _text(data.get("sentence")))
        self.add(iri, KGO.sentenceStart, _integer(data.get("sentence_start")))
        self.add(iri, KGO.charStart, _integer(data.get("start")))
        self.add(iri, KGO.charEnd, _integer(data.get("end")))
        self.add(iri, KGO.component, _text(data.get("component")))
        self.add(iri, KGO.rule, _text(data.get("rule")))
        self.add(iri, KGO.confidence, _decimal(data.get("confidence")))
        return iri

    def sorted_triples(self) -> Iterator[Triple]:
        return iter(sorted(self.triples, key=lambda t: tuple(term.n3() for term in t)))


def graph_to_rdf(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """The knowledge graph as an rdflib Graph with the kgbuild prefixes bound."""
    try:
        base = iris.check_base(base_iri)
    except IRIError as e:
        raise ExportError(str(e)) from e
    exporter = _Exporter(graph, base)
    exporter.run()
    # "core" binds only rdf/rdfs/owl/xsd/xml, so output does not depend on rdflib's default list
    rdf = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, namespace)
    for triple in exporter.sorted_triples():
        rdf.add(triple)
    return rdf


def serialize(graph: nx.MultiDiGraph, format: str = "turtle", base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """The graph serialised as UTF-8 bytes in any rdflib format (turtle, nt, xml, json-ld, ...)."""
    rdf = graph_to_rdf(graph, base_iri)
    try:
        return rdf.serialize(format=format, encoding="utf-8")
    except Exception as e:  # rdflib's PluginException for unknown formats, and serializer errors
        raise ExportError(f"cannot serialise as {format!r}: {e}") from e


def write_rdf(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    format: str = "turtle",
    base_iri: str = DEFAULT_BASE_IRI,
) -> int:
    """Write the graph as RDF atomically; returns the number of bytes written."""
    data = serialize(graph, format=format, base_iri=base_iri)
    with atomic_write(path, "wb") as handle:
        handle.write(data)
    return len(data)
