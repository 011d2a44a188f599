"""A query's result serialised as its solutions stream in, the byte cap enforced while writing.

Collecting every row first and serialising afterwards held the whole result in the worker (rows,
then the text, then its bytes) before the cap was even checked: a ~600-character query built a
268 MB reply and a 1.18 GB worker. Here each solution is written as it arrives and dropped; once
the reply passes ``max_bytes`` reading stops, so the worker holds at most the cap (plus one row).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from kgbuild.query.results import term_json, term_text, to_csv, to_json, to_rdf, to_xml, xml_term
from kgbuild.query.run import QueryOutcome, Term


class ResponseTooLarge(Exception):
    """The serialised reply passed the byte cap; ``size`` is how far it got before stopping."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"reply over {limit} bytes")
        self.size, self.limit = size, limit


class CappedBuffer:
    """Bytes written so far; raises ``ResponseTooLarge`` as soon as they pass ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._parts: list[bytes] = []

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.size += len(data)
        if self.size > self.limit:
            self._parts.clear()
            raise ResponseTooLarge(self.size, self.limit)
        self._parts.append(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


Row = dict[str, Term | None]


def _rows(solutions: ox.QuerySolutions, names: list[str], max_rows: int, state: dict[str, bool]) -> Iterator[Row]:
    """At most ``max_rows`` solutions as dicts, one at a time; ``state["truncated"]`` if more exist."""
    count = 0
    for solution in solutions:
        if count >= max_rows:
            state["truncated"] = True
            return
        count += 1
        yield {name: solution[name] for name in names}


def _json_rows(out: CappedBuffer, names: list[str], rows: Iterable[Row]) -> None:
    # the same text as query.results.to_json, written a row at a time
    head = json.dumps({"head": {"vars": names}, "results": {"bindings": []}}, ensure_ascii=False)
    out.write(head[: -len("]}}")])
    for i, row in enumerate(rows):
        binding = {k: term_json(v) for k, v in row.items() if v is not None}
        out.write((", " if i else "") + json.dumps(binding, ensure_ascii=False))
    out.write("]}}")


def _csv_rows(out: CappedBuffer, names: list[str], rows: Iterable[Row]) -> None:
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\r\n")  # the SPARQL CSV format asks for CRLF
    writer.writerow(names)
    for row in rows:
        writer.writerow([term_text(row.get(name)) for name in names])
        out.write(line.getvalue())
        line.seek(0)
        line.truncate()
    out.write(line.getvalue())


def _tsv_rows(out: CappedBuffer, names: list[str], rows: Iterable[Row]) -> None:
    """SPARQL 1.1 TSV results: ``?var`` header, terms in N-Triples syntax (tabs and newlines escaped)."""
    out.write("\t".join(f"?{v}" for v in names) + "\n")
    for row in rows:
        out.write("\t".join("" if row.get(v) is None else str(row[v]) for v in names) + "\n")


def _xml_rows(out: CappedBuffer, names: list[str], rows: Iterable[Row]) -> None:
    # the same text as query.results.to_xml, written a row at a time
    empty = to_xml(QueryOutcome("select", variables=names))
    closing = "</results>\n</sparql>\n"
    out.write(empty[: -len(closing)])
    for row in rows:
        bindings = "".join(
            f"<binding name={quoteattr(k)}>{xml_term(v)}</binding>" for k, v in row.items() if v is not None
        )
        out.write(f"<result>{bindings}</result>\n")
    out.write(closing)


SOLUTION_WRITERS = {"json": _json_rows, "csv": _csv_rows, "tsv": _tsv_rows, "xml": _xml_rows}


def write_solutions(solutions: ox.QuerySolutions, fmt: str, max_rows: int, max_bytes: int) -> tuple[bytes, bool]:
    """(body, truncated) for a SELECT result in ``fmt``; ``ResponseTooLarge`` past ``max_bytes``."""
    names = [v.value for v in solutions.variables]
    state = {"truncated": False}
    out = CappedBuffer(max_bytes)
    SOLUTION_WRITERS[fmt](out, names, _rows(solutions, names, max_rows, state))
    return out.getvalue(), state["truncated"]


def write_boolean(result: ox.QueryBoolean, fmt: str) -> bytes:
    outcome = QueryOutcome("ask", boolean=bool(result))
    return {"json": to_json, "csv": to_csv, "xml": to_xml}[fmt](outcome).encode("utf-8")


def write_triples(triples: ox.QueryTriples, fmt: str, max_rows: int, max_bytes: int) -> tuple[bytes, bool]:
    """(body, truncated) for a CONSTRUCT/DESCRIBE result. Triples are kept while their N-Triples
    form stays under ``max_bytes`` (Turtle, JSON-LD and RDF/XML are written whole, with prefixes
    and nesting, so they are serialised at the end and checked once more)."""
    kept: list[ox.Triple] = []
    size = 0
    truncated = False
    for triple in triples:
        if len(kept) >= max_rows:
            truncated = True
            break
        size += len(str(triple).encode("utf-8")) + 3
        if size > max_bytes:
            raise ResponseTooLarge(size, max_bytes)
        kept.append(triple)
    body = to_rdf(QueryOutcome("graph", triples=kept), "xml" if fmt == "rdfxml" else fmt)
    if len(body) > max_bytes:
        raise ResponseTooLarge(len(body), max_bytes)
    return body, truncated
