"""The assembled networkx graph as rdflib terms: Graph, Dataset, sorted quads, and the serialisers.

What the RDF says is ``mapping.py``'s (the same quads the build's streaming writer spells as
text); here they become rdflib terms for the formats built in memory (JSON-LD, TriG, anything
rdflib writes) and for callers that want an rdflib ``Graph`` or ``Dataset``. Every triple records
the named graph it belongs to (``graph_to_quads``); the union of all graphs is exactly
``graph_to_rdf``, so Turtle and TriG say the same. Triples are added in sorted order, so the same
graph always serialises to the same bytes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import groupby

import networkx as nx
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kgbuild.atomic import atomic_write
from kgbuild.export import serializers
from kgbuild.export.iris import DEFAULT_BASE_IRI
from kgbuild.export.mapping import PREFIXES, ExportError, Lit, Term, prefix_map, quad_groups
from kgbuild.export.stream import stream_bytes, stream_writer

__all__ = [
    "DEFAULT_BASE_IRI",
    "ExportError",
    "graph_to_dataset",
    "graph_to_quads",
    "graph_to_rdf",
    "prefix_map",
    "serialize",
    "write_rdf",
]

Triple = tuple[Node, Node, Node]
# (subject, predicate, object, graph); graph None is the default graph.
Quad = tuple[Node, Node, Node, URIRef | None]


class _Terms:
    """The mapping's plain terms as rdflib terms; an IRI seen twice becomes one URIRef object."""

    def __init__(self) -> None:
        self.iris: dict[str, URIRef] = {}

    def iri(self, term: str) -> URIRef:
        node = self.iris.get(term)
        if node is None:
            node = self.iris[term] = URIRef(term[1:-1])
        return node

    def term(self, term: Term) -> Node:
        if isinstance(term, Lit):
            return Literal(term.lexical, datatype=None if term.datatype is None else self.iri(f"<{term.datatype}>"))
        return self.iri(term)


def _quads(graph: nx.MultiDiGraph, base_iri: str) -> set[Quad]:
    terms = _Terms()
    quads: set[Quad] = set()
    for group in quad_groups(graph, base_iri):
        for s, p, o, g in group:
            quads.add((terms.iri(s), terms.iri(p), terms.term(o), None if g is None else terms.iri(g)))
    return quads


def _sorted_triples(quads: set[Quad]) -> Iterator[Triple]:
    triples = {(s, p, o) for s, p, o, _ in quads}
    return iter(sorted(triples, key=lambda t: tuple(term.n3() for term in t)))


def graph_to_quads(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> list[Quad]:
    """Every triple with its named graph (a paper's IRI, or None for the default graph), sorted:
    default graph first, then graphs by name; inside a graph by subject, predicate, object."""
    return sorted(_quads(graph, base_iri), key=lambda q: ("" if q[3] is None else q[3].n3(), *(t.n3() for t in q[:3])))


def graph_to_dataset(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Dataset:
    """The knowledge graph as an rdflib Dataset: one named graph per paper plus the default graph."""
    dataset = Dataset()
    _bind(dataset)
    # quads come sorted by graph: each named graph is looked up once and filled
    for g, quads in groupby(graph_to_quads(graph, base_iri), key=lambda quad: quad[3]):
        named = dataset.graph(DATASET_DEFAULT_GRAPH_ID if g is None else g)
        for s, p, o, _ in quads:
            named.add((s, p, o))
    return dataset


def _bind(rdf: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        rdf.bind(prefix, namespace)


def graph_to_rdf(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """The knowledge graph as an rdflib Graph with the kgbuild prefixes bound."""
    quads = _quads(graph, base_iri)
    # "core" binds only rdf/rdfs/owl/xsd/xml, so output does not depend on rdflib's default list
    rdf = Graph(bind_namespaces="core")
    _bind(rdf)
    for triple in _sorted_triples(quads):
        rdf.add(triple)
    return rdf


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
