"""The build's RDF, written as a stream: Turtle, N-Triples and N-Quads lines straight from the graph.

An rdflib graph of 75k papers is millions of Python objects (gigabytes, and minutes in rdflib's
Turtle writer). Here the quads of ``mapping.quad_groups`` (one subject per group) are turned into
text group by group: deduplicating inside a group is deduplicating globally, so memory stays flat
beyond the graph itself, and the groups come in a fixed order, so the same graph gives the same
bytes. What the triples are is decided by ``mapping.py`` alone; this module only spells them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import IO

import networkx as nx

from kgbuild.export.mapping import RDF_TYPE, XSD_DECIMAL, XSD_INTEGER, Lit, Quad, Term, prefix_map, quad_groups

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
    BARE = {XSD_INTEGER: re.compile(r"[+-]?[0-9]+\Z"), XSD_DECIMAL: re.compile(r"[+-]?[0-9]*\.[0-9]+\Z")}

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


Writer = Callable[[nx.MultiDiGraph, IO[str], str], int]


def stream_writer(fmt: str) -> Writer | None:
    """The streaming writer of a canonical format name, or None when the format is built in memory."""
    writers: dict[str, Writer] = {"turtle": write_turtle, "nt": write_ntriples, "nquads": write_nquads}
    return writers.get(fmt)


def stream_bytes(graph: nx.MultiDiGraph, fmt: str, base_iri: str) -> bytes:
    """What the streaming writer of ``fmt`` writes, as UTF-8 bytes (for small graphs and tests)."""
    writer = stream_writer(fmt)
    if writer is None:
        raise ValueError(f"{fmt!r} is not a streamed format")
    buffer = io.StringIO()
    writer(graph, buffer, base_iri)
    return buffer.getvalue().encode("utf-8")


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
