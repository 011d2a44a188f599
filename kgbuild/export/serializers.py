"""Byte-stable serialisers for the RDF formats kgbuild writes besides Turtle.

rdflib's TriG and JSON-LD writers order nodes by hash-set iteration, so the same graph can come
out in a different order from run to run. Here quads are sorted first and written by Oxigraph's
TriG serialiser, which keeps input order; JSON-LD is compacted by rdflib and then put in a
canonical order. Same quads in, same bytes out. (Turtle, N-Triples and N-Quads are streamed
from the graph by ``stream.py``.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

# (subject, predicate, object, graph); graph None is the default graph.
Quad = tuple[Node, Node, Node, URIRef | None]


@dataclass(frozen=True)
class RdfFormat:
    """An output format: canonical name, file suffix, media type, and whether it holds named graphs."""

    name: str
    suffix: str
    media_type: str
    datasets: bool


FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat("turtle", ".ttl", "text/turtle", False),
    "nt": RdfFormat("nt", ".nt", "application/n-triples", False),
    "json-ld": RdfFormat("json-ld", ".jsonld", "application/ld+json", False),
    "trig": RdfFormat("trig", ".trig", "application/trig", True),
    "nquads": RdfFormat("nquads", ".nq", "application/n-quads", True),
}
# Spellings people (and rdflib) use for the same formats.
ALIASES: dict[str, str] = {
    "ttl": "turtle",
    "ntriples": "nt",
    "n-triples": "nt",
    "jsonld": "json-ld",
    "nq": "nquads",
    "n-quads": "nquads",
}


def canonical_format(name: str) -> str | None:
    """The canonical name of a kgbuild format (``ttl`` -> ``turtle``), or None if not one of ours."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    return key if key in FORMATS else None


def to_oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to an Oxigraph term")


def to_oxigraph_quads(quads: Iterable[Quad]) -> list[ox.Quad]:
    """rdflib quads as Oxigraph quads, in the same order (None graph -> default graph)."""
    out = []
    for s, p, o, g in quads:
        graph = ox.DefaultGraph() if g is None else to_oxigraph_term(g)
        out.append(ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), graph))  # type: ignore[arg-type]
    return out


def trig(quads: Iterable[Quad], prefixes: Mapping[str, str]) -> bytes:
    """TriG with one block per named graph; quads must come sorted by graph for that grouping."""
    return ox.serialize(to_oxigraph_quads(quads), format=ox.RdfFormat.TRIG, prefixes=dict(prefixes)) or b""


def jsonld(graph: Graph, prefixes: Mapping[str, str]) -> bytes:
    """Compact JSON-LD (prefixes as the @context) with nodes, keys and values in a fixed order."""
    text = graph.serialize(format="json-ld", context=dict(prefixes), auto_compact=True)
    document = json.loads(text)
    return (json.dumps(_canonical(document), indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _canonical(value: Any) -> Any:
    """Sort what JSON-LD leaves unordered: node arrays by @id, value arrays by their JSON text."""
    if isinstance(value, dict):
        # an @list is an RDF collection: its order is data, never sorted
        return {key: (item if key == "@list" else _canonical(item)) for key, item in value.items()}
    if isinstance(value, list):
        items = [_canonical(item) for item in value]
        return sorted(
            items,
            key=lambda item: (
                str(item.get("@id", "")) if isinstance(item, dict) else "",
                json.dumps(item, sort_keys=True, ensure_ascii=False),
            ),
        )
    return value
