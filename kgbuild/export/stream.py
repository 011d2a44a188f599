"""The build's RDF, written as a stream: Turtle and N-Quads lines straight from the networkx graph.

``rdf.py`` builds rdflib terms, collects every quad in a set and sorts it; that is fine for an
export of a few thousand papers, but for 75k papers it is millions of Python objects (gigabytes,
and minutes in rdflib's Turtle writer). Here each node is turned into text on its own: every
triple whose subject is a paper, entity or result comes from that node and its out-edges, and every
statement and evidence node from one group of parallel edges, so deduplicating inside such a group
is deduplicating globally. Memory stays flat beyond the graph itself; nodes and edges are visited
in sorted order, so the same graph gives the same bytes.

The semantics are those of ``rdf._Exporter`` (same IRIs, same triples, same named graphs); the
tests check the two against each other.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import IO, Any, NamedTuple

import networkx as nx

from kgbuild.export import iris
from kgbuild.export.iris import IRIError
from kgbuild.export.rdf import FACT_PROPERTIES, KIND_CLASSES, RESULT_PROPERTIES, ExportError, prefix_map
from kgbuild.graph.ids import strip_prefix

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
RDF_TYPE = f"<{RDF}type>"


class Lit(NamedTuple):
    lexical: str
    datatype: str | None = None  # an IRI, without brackets; None: a plain string


# A term is an IRI written "<...>" or a Lit; a quad is (s, p, o, graph or None).
Term = str | Lit
Quad = tuple[str, str, Term, str | None]


def _iri(value: str) -> str:
    return f"<{value}>"


_KGO = str(prefix_map()["kgo"])
_FACTS = {kind: _iri(str(p)) for kind, p in FACT_PROPERTIES.items()}
_RESULTS = {kind: _iri(str(p)) for kind, p in RESULT_PROPERTIES.items()}
_CLASSES = {kind: _iri(str(c)) for kind, c in KIND_CLASSES.items()}


def kgo(name: str) -> str:
    return _iri(_KGO + name)


# --- literals, with the lexical forms rdf.py's rdflib terms have ---------------------------


def _text(value: Any) -> Lit | None:
    return Lit(value) if isinstance(value, str) and value != "" else None


@lru_cache(maxsize=4096)
def _decimal_lexical(value: float | int) -> str:
    from rdflib import XSD as RDFLIB_XSD
    from rdflib import Literal

    return str(Literal(Decimal(repr(value)), datatype=RDFLIB_XSD.decimal))


def _decimal(value: Any) -> Lit | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return Lit(_decimal_lexical(value), XSD + "decimal")


def _integer(value: Any) -> Lit | None:
    return Lit(str(value), XSD + "integer") if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: Any) -> Lit | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return Lit(value)
    return Lit(value, XSD + "date")


# --- the quads of a graph, node by node -----------------------------------------------------


class _Writer:
    def __init__(self, graph: nx.MultiDiGraph, base: str) -> None:
        self.graph = graph
        self.base = base

    def node_iri(self, node: str) -> str:
        node_type = self.graph.nodes[node].get("type")
        key = strip_prefix(node)
        try:
            if node_type == "paper":
                return _iri(iris.paper_iri(self.base, key))
            if node_type == "entity":
                return _iri(iris.entity_iri(self.base, key))
            if node_type == "result":
                return _iri(iris.result_iri(self.base, key))
        except IRIError as e:
            raise ExportError(f"node {node!r}: {e}") from e
        raise ExportError(f"node {node!r} has unknown type {node_type!r}")

    def paper_graph(self, paper_id: Any) -> str | None:
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
        g = s
        add = _adder(out, s, g)
        add(RDF_TYPE, kgo("Paper"))
        add(_iri(DCTERMS + "identifier"), _text(strip_prefix(node)))
        add(_iri(DCTERMS + "title"), _text(data.get("title")))
        add(_iri(RDFS + "label"), _text(data.get("title")))
        add(_iri(DCTERMS + "abstract"), _text(data.get("abstract")))
        add(kgo("arxivId"), _text(data.get("arxiv_id")))
        add(_iri(DCTERMS + "issued"), _date(data.get("published")))
        url = iris.clean_url(data["url"]) if isinstance(data.get("url"), str) else None
        add(_iri(SCHEMA + "url"), _iri(url) if url else None)
        for author in data.get("authors", []):
            add(_iri(DCTERMS + "creator"), _text(author))

    def entity(self, out: list[Quad], s: str, node: str, data: Mapping[str, Any]) -> None:
        add = _adder(out, s, None)
        add(RDF_TYPE, kgo("Entity"))
        add(RDF_TYPE, _CLASSES.get(data.get("kind", "")))
        add(_iri(RDFS + "label"), _text(data.get("label")))
        for alias in data.get("aliases", []):
            add(_iri(SKOS + "altLabel"), _text(alias))
        for entity_id in data.get("ids", [strip_prefix(node)]):
            add(_iri(DCTERMS + "identifier"), _text(entity_id))
        for size in data.get("params", []):
            add(kgo("params"), _text(size))
        if data.get("lower_is_better"):
            add(kgo("lowerIsBetter"), Lit("true", XSD + "boolean"))

    def result(self, out: list[Quad], side: list[list[Quad]], s: str, data: Mapping[str, Any]) -> None:
        g = self.paper_graph(data.get("paper_id"))
        add = _adder(out, s, g)
        add(RDF_TYPE, kgo("Result"))
        add(_iri(RDFS + "label"), _text(data.get("label")))
        add(kgo("valueText"), _text(data.get("value")))
        add(kgo("value"), _decimal(data.get("number")))
        add(kgo("resultKind"), _text(data.get("kind")))
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
            add(RDF_TYPE, _iri(RDF + "Statement"))
            add(_iri(RDF + "subject"), s)
            add(_iri(RDF + "predicate"), p)
            add(_iri(RDF + "object"), o)
            quads: list[Quad] = []
            iri = self.evidence(quads, st, edge, g)
            add(kgo("hasEvidence"), iri)
            evidence.setdefault(iri, []).extend(quads)
        yield own
        yield from evidence.values()

    def evidence(self, out: list[Quad], owner: str, data: Mapping[str, Any], g: str | None) -> str:
        fields = ("paper_id", "section", "sentence_start", "start", "end", "component", "rule")
        iri = _iri(iris.evidence_iri(self.base, owner[1:-1], *(data.get(f) for f in fields)))
        add = _adder(out, iri, g)
        add(RDF_TYPE, kgo("Evidence"))
        add(kgo("inPaper"), self.paper_graph(data.get("paper_id")))
        add(kgo("section"), _text(data.get("section")))
        add(kgo("sentence"), _text(data.get("sentence")))
        add(kgo("sentenceStart"), _integer(data.get("sentence_start")))
        add(kgo("charStart"), _integer(data.get("start")))
        add(kgo("charEnd"), _integer(data.get("end")))
        add(kgo("component"), _text(data.get("component")))
        add(kgo("rule"), _text(data.get("rule")))
        add(kgo("confidence"), _decimal(data.get("confidence")))
        return iri


def _adder(out: list[Quad], s: str, g: str | None):  # noqa: ANN202 - a local helper
    def add(p: str, o: Term | None) -> None:
        if o is not None:
            out.append((s, p, o, g))

    return add


def quad_groups(graph: nx.MultiDiGraph, base_iri: str) -> Iterator[list[Quad]]:
    try:
        base = iris.check_base(base_iri)
    except IRIError as e:
        raise ExportError(str(e)) from e
    return _Writer(graph, base).groups()


# --- text ------------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# what a quoted literal may not hold raw; lone surrogates cannot be encoded and become U+FFFD
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f\ud800-\udfff]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPES:
        return _ESCAPES[char]
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    return f"\\u{ord(char):04X}"


def _quoted(text: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def nt_term(term: Term) -> str:
    if isinstance(term, Lit):
        return _quoted(term.lexical) + (f"^^<{term.datatype}>" if term.datatype else "")
    return term


def write_nquads(graph: nx.MultiDiGraph, handle: IO[str], base_iri: str) -> int:
    """Every quad as an N-Quads line (duplicates removed); returns how many were written."""
    count = 0
    for group in quad_groups(graph, base_iri):
        lines = {f"{s} {p} {nt_term(o)} {g} .\n" if g else f"{s} {p} {nt_term(o)} .\n" for s, p, o, g in group}
        handle.writelines(sorted(lines))
        count += len(lines)
    return count


def write_ntriples(graph: nx.MultiDiGraph, handle: IO[str], base_iri: str) -> int:
    """The union of all graphs as N-Triples lines (duplicates removed); returns the triple count."""
    count = 0
    for group in quad_groups(graph, base_iri):
        lines = {f"{s} {p} {nt_term(o)} .\n" for s, p, o, _ in group}
        handle.writelines(sorted(lines))
        count += len(lines)
    return count


class _Turtle:
    """Prefixed names where the local part is a plain name; full IRIs everywhere else."""

    LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
    # Turtle's bare numbers mean exactly these datatypes with exactly this lexical form
    BARE = {XSD + "integer": re.compile(r"[+-]?[0-9]+\Z"), XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z")}

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # longest namespace first, so a namespace nested in another wins
        self.prefixes = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))

    @lru_cache(maxsize=1024)  # noqa: B019 - one writer per export, a few hundred distinct names
    def name(self, iri: str) -> str:
        if iri == RDF_TYPE:
            return "a"
        bare = iri[1:-1]
        for prefix, namespace in self.prefixes:
            if bare.startswith(namespace) and self.LOCAL.match(bare[len(namespace) :]):
                return f"{prefix}:{bare[len(namespace) :]}"
        return iri

    def term(self, term: Term) -> str:
        if isinstance(term, Lit):
            if term.datatype:
                bare = self.BARE.get(term.datatype)
                if bare is not None and bare.match(term.lexical):
                    return term.lexical
                return _quoted(term.lexical) + "^^" + self.name(f"<{term.datatype}>")
            return _quoted(term.lexical)
        return self.name(term)


def write_turtle(graph: nx.MultiDiGraph, handle: IO[str], base_iri: str) -> int:
    """The union of all graphs as Turtle, one block per subject; returns the triple count."""
    return _turtle_groups(quad_groups(graph, base_iri), handle)


def _turtle_groups(groups: Iterator[list[Quad]], handle: IO[str]) -> int:
    prefixes = prefix_map()
    turtle = _Turtle(prefixes)
    for prefix, namespace in sorted(prefixes.items()):
        handle.write(f"@prefix {prefix}: <{namespace}> .\n")
    count = 0
    for group in groups:
        unique = {(p, nt_term(o)): o for _, p, o, _ in group}
        if not unique:
            continue
        count += len(unique)
        lines = [f"\n{turtle.name(group[0][0])}"]
        last_p = None
        for (p, _), o in sorted(unique.items(), key=lambda item: item[0]):
            if p == last_p:
                lines.append(f" ,\n        {turtle.term(o)}")
            else:
                lines.append(
                    f" ;\n    {turtle.name(p)} {turtle.term(o)}" if last_p else f" {turtle.name(p)} {turtle.term(o)}"
                )
                last_p = p
        lines.append(" .\n")
        handle.write("".join(lines))
    return count


def stream_bytes(graph: nx.MultiDiGraph, fmt: str, base_iri: str) -> bytes:
    """What the streaming writer of ``fmt`` writes, as UTF-8 bytes (for small graphs and tests)."""
    import io

    buffer = io.StringIO()
    stream_writer(fmt)(graph, buffer, base_iri)
    return buffer.getvalue().encode("utf-8")


def stream_writer(fmt: str):  # noqa: ANN201 - one of the write_* functions above, or None
    """The streaming writer of a canonical format name, or None when the format is built in memory."""
    return {"turtle": write_turtle, "nt": write_ntriples, "nquads": write_nquads}.get(fmt)


def write_turtle_and_nquads(graph: nx.MultiDiGraph, turtle: IO[str], nquads: IO[str], base_iri: str) -> tuple[int, int]:
    """Both of the build's serialisations in one walk over the graph; (triples, quads) written."""

    def tee() -> Iterator[list[Quad]]:
        for group in quad_groups(graph, base_iri):
            lines = {f"{s} {p} {nt_term(o)} {g} .\n" if g else f"{s} {p} {nt_term(o)} .\n" for s, p, o, g in group}
            nquads.writelines(sorted(lines))
            counts[1] += len(lines)
            yield group

    counts = [0, 0]
    counts[0] = _turtle_groups(tee(), turtle)
    return counts[0], counts[1]
