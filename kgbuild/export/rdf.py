"""The assembled networkx graph as RDF, in the kgbuild ontology (``ontology/kgbuild.ttl``).

Each binary fact becomes a plain triple (``paper kgo:proposes entity``) so simple queries stay
simple, plus a reified ``rdf:Statement`` node for that triple with one ``kgo:Evidence`` node per
textual occurrence (paper, sentence, span, component, rule, confidence). Results are n-ary
``kgo:Result`` nodes carrying their own evidence. All nodes are IRIs minted from record ids or
content hashes (no blank nodes), and triples are added in sorted order, so the same graph always
serialises to byte-identical Turtle.

Every triple also records the named graph it belongs to (``graph_to_quads``): what a paper says
(its own description, the facts read from it with their statements and evidence, its results)
goes into a graph named by the paper's IRI, and what no single paper owns (the merged entities'
types, labels and aliases) into the default graph. A fact stated by two papers is in both of their
graphs. The union of all graphs is exactly ``graph_to_rdf``, so Turtle and TriG say the same.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import networkx as nx
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from kgbuild.atomic import atomic_write
from kgbuild.export import iris, serializers
from kgbuild.export.iris import DEFAULT_BASE_IRI, IRIError
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
    ADDRESSES: KGO.addresses,
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
# (subject, predicate, object, graph); graph None is the default graph.
Quad = tuple[Node, Node, Node, URIRef | None]


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
        self.quads: set[Quad] = set()

    def add(self, s: Node, p: Node, o: Node | None, g: URIRef | None = None) -> None:
        if o is not None:
            self.quads.add((s, p, o, g))

    def paper_graph(self, paper_id: Any) -> URIRef | None:
        """The named graph of a paper's statements: the paper's own IRI (None: default graph)."""
        if not isinstance(paper_id, str) or not paper_id:
            return None
        return URIRef(iris.paper_iri(self.base, paper_id))

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
        g = iri  # a paper's description belongs to the paper's own graph
        self.add(iri, RDF.type, KGO.Paper, g)
        self.add(iri, DCTERMS.identifier, _text(strip_prefix(node)), g)
        self.add(iri, DCTERMS.title, _text(data.get("title")), g)
        self.add(iri, RDFS.label, _text(data.get("title")), g)
        self.add(iri, DCTERMS.abstract, _text(data.get("abstract")), g)
        self.add(iri, KGO.arxivId, _text(data.get("arxiv_id")), g)
        self.add(iri, DCTERMS.issued, _date(data.get("published")), g)
        url = iris.clean_url(data["url"]) if isinstance(data.get("url"), str) else None
        self.add(iri, SCHEMA.url, URIRef(url) if url else None, g)
        for author in data.get("authors", []):
            self.add(iri, DCTERMS.creator, _text(author), g)

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
        if data.get("lower_is_better"):
            self.add(iri, KGO.lowerIsBetter, Literal(True))

    def result(self, iri: URIRef, data: Mapping[str, Any]) -> None:
        g = self.paper_graph(data.get("paper_id"))
        self.add(iri, RDF.type, KGO.Result, g)
        self.add(iri, RDFS.label, _text(data.get("label")), g)
        self.add(iri, KGO.valueText, _text(data.get("value")), g)
        self.add(iri, KGO.value, _decimal(data.get("number")), g)
        self.add(iri, KGO.resultKind, _text(data.get("kind")), g)
        self.add(iri, KGO.hasEvidence, self.evidence(str(iri), data, g), g)

    def edge(self, s: URIRef, o: URIRef, data: Mapping[str, Any]) -> None:
        relation = data.get("relation")
        # the paper the fact was read from owns it; a fact from two papers is in both graphs
        g = self.paper_graph(data.get("paper_id"))
        if relation in RESULT_PROPERTIES:
            self.add(s, RESULT_PROPERTIES[relation], o, g)
            return
        if relation not in FACT_PROPERTIES:
            raise ExportError(f"relation {relation!r} ({s} -> {o}) has no property in the ontology")
        p = FACT_PROPERTIES[relation]
        self.add(s, p, o, g)
        statement = URIRef(iris.statement_iri(self.base, str(s), str(p), str(o)))
        self.add(statement, RDF.type, RDF.Statement, g)
        self.add(statement, RDF.subject, s, g)
        self.add(statement, RDF.predicate, p, g)
        self.add(statement, RDF.object, o, g)
        self.add(statement, KGO.hasEvidence, self.evidence(str(statement), data, g), g)

    def evidence(self, owner: str, data: Mapping[str, Any], g: URIRef | None) -> URIRef:
        """One Evidence node per occurrence, named by what it supports and where it was read."""
        fields = ("paper_id", "section", "sentence_start", "start", "end", "component", "rule")
        iri = URIRef(iris.evidence_iri(self.base, owner, *(data.get(f) for f in fields)))
        self.add(iri, RDF.type, KGO.Evidence, g)
        self.add(iri, KGO.inPaper, self.paper_graph(data.get("paper_id")), g)
        self.add(iri, KGO.section, _text(data.get("section")), g)
        self.add(iri, KGO.sentence, _text(data.get("sentence")), g)
        self.add(iri, KGO.sentenceStart, _integer(data.get("sentence_start")), g)
        self.add(iri, KGO.charStart, _integer(data.get("start")), g)
        self.add(iri, KGO.charEnd, _integer(data.get("end")), g)
        self.add(iri, KGO.component, _text(data.get("component")), g)
        self.add(iri, KGO.rule, _text(data.get("rule")), g)
        self.add(iri, KGO.confidence, _decimal(data.get("confidence")), g)
        return iri

    def sorted_quads(self) -> list[Quad]:
        # default graph first, then graphs by name; inside a graph by subject, predicate, object
        return sorted(self.quads, key=lambda q: ("" if q[3] is None else q[3].n3(), *(t.n3() for t in q[:3])))

    def sorted_triples(self) -> Iterator[Triple]:
        triples = {(s, p, o) for s, p, o, _ in self.quads}
        return iter(sorted(triples, key=lambda t: tuple(term.n3() for term in t)))


def _export(graph: nx.MultiDiGraph, base_iri: str) -> _Exporter:
    try:
        base = iris.check_base(base_iri)
    except IRIError as e:
        raise ExportError(str(e)) from e
    exporter = _Exporter(graph, base)
    exporter.run()
    return exporter


def graph_to_quads(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> list[Quad]:
    """Every triple with its named graph (a paper's IRI, or None for the default graph), sorted."""
    return _export(graph, base_iri).sorted_quads()


def graph_to_dataset(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Dataset:
    """The knowledge graph as an rdflib Dataset: one named graph per paper plus the default graph."""
    dataset = Dataset()
    _bind(dataset)
    for s, p, o, g in graph_to_quads(graph, base_iri):
        dataset.add((s, p, o, g if g is not None else DATASET_DEFAULT_GRAPH_ID))
    return dataset


def _bind(rdf: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, namespace)


def graph_to_rdf(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """The knowledge graph as an rdflib Graph with the kgbuild prefixes bound."""
    exporter = _export(graph, base_iri)
    # "core" binds only rdf/rdfs/owl/xsd/xml, so output does not depend on rdflib's default list
    rdf = Graph(bind_namespaces="core")
    _bind(rdf)
    for triple in exporter.sorted_triples():
        rdf.add(triple)
    return rdf


def prefix_map() -> dict[str, str]:
    """Prefixes written into every output: kgbuild's plus rdf, rdfs, xsd."""
    return {"rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD), **{p: str(n) for p, n in PREFIXES.items()}}


def serialize(graph: nx.MultiDiGraph, format: str = "turtle", base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    """The graph serialised as UTF-8 bytes.

    kgbuild's formats (turtle, nt, json-ld, trig, nquads; see ``serializers.FORMATS``) are
    byte-identical for the same graph; TriG and N-Quads carry one named graph per paper. Any other
    rdflib format name (xml, n3, ...) is passed to rdflib as it is.
    """
    canonical = serializers.canonical_format(format)
    try:
        if canonical == "trig":
            return serializers.trig(graph_to_quads(graph, base_iri), prefix_map())
        if canonical in ("turtle", "nt", "nquads"):
            from kgbuild.export.stream import stream_bytes

            return stream_bytes(graph, canonical, base_iri)
        rdf = graph_to_rdf(graph, base_iri)
        if canonical == "json-ld":
            return serializers.jsonld(rdf, prefix_map())
        return rdf.serialize(format=canonical or format, encoding="utf-8")
    except ExportError:
        raise
    except Exception as e:  # rdflib's PluginException for unknown formats, and serializer errors
        raise ExportError(f"cannot serialise as {format!r}: {e}") from e


def write_rdf(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    format: str = "turtle",
    base_iri: str = DEFAULT_BASE_IRI,
) -> int:
    """Write the graph as RDF atomically; returns the number of bytes written."""
    from kgbuild.export.stream import stream_writer

    writer = stream_writer(serializers.canonical_format(format) or "")
    if writer is not None:
        # streamed: a big graph's Turtle, N-Triples or N-Quads is never held in memory whole
        with atomic_write(path, "w") as handle:
            writer(graph, handle, base_iri)
        return os.path.getsize(path)
    data = serialize(graph, format=format, base_iri=base_iri)
    with atomic_write(path, "wb") as handle:
        handle.write(data)
    return len(data)
