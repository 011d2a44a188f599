"""Query outcomes as SPARQL 1.1 JSON/XML results, SPARQL CSV, RDF, or a plain-text table."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kgbuild.query.run import QueryOutcome, Term

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULT_FORMATS: tuple[str, ...] = ("table", "csv", "json")
# CONSTRUCT/DESCRIBE results: format name -> (Oxigraph format, media type)
GRAPH_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "json-ld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
MAX_CELL = 72


def term_json(term: Term) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def term_text(term: Term | None) -> str:
    """The plain value of a term: IRI, lexical form, or ``_:id`` (empty when unbound)."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return f"<< {term_text(term.subject)} {term_text(term.predicate)} {term_text(term.object)} >>"
    return term.value


def python_value(term: Term | None) -> Any:
    """A term as a JSON-friendly Python value: numbers as numbers, everything else as text."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith("http://www.w3.org/2001/XMLSchema#"):
        kind = term.datatype.value.rsplit("#", 1)[1]
        try:
            if kind in ("integer", "int", "long", "nonNegativeInteger"):
                return int(term.value)
            if kind in ("decimal", "double", "float"):
                return float(term.value)
        except ValueError:
            return term.value
    return None if term is None else term_text(term)


def to_json(outcome: QueryOutcome) -> str:
    if outcome.form == "ask":
        return json.dumps({"head": {}, "boolean": outcome.boolean})
    if outcome.form == "graph":
        raise ValueError("CONSTRUCT/DESCRIBE results are RDF; use to_rdf")
    bindings = [{k: term_json(v) for k, v in row.items() if v is not None} for row in outcome.rows]
    return json.dumps({"head": {"vars": outcome.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_csv(outcome: QueryOutcome) -> str:
    if outcome.form == "ask":
        return "true\r\n" if outcome.boolean else "false\r\n"
    if outcome.form == "graph":
        raise ValueError("CONSTRUCT/DESCRIBE results are RDF; use to_rdf")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # the SPARQL CSV format asks for CRLF
    writer.writerow(outcome.variables)
    for row in outcome.rows:
        writer.writerow([term_text(row.get(name)) for name in outcome.variables])
    return buffer.getvalue()


def to_rdf(outcome: QueryOutcome, fmt: str = "turtle") -> bytes:
    rdf_format, _ = GRAPH_FORMATS[fmt]
    return ox.serialize(outcome.triples, format=rdf_format) or b""


def _cell(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def to_table(outcome: QueryOutcome) -> str:
    """A fixed-width text table for people; long values are cut, the row count is stated."""
    if outcome.form == "ask":
        return "yes" if outcome.boolean else "no"
    if outcome.form == "graph":
        return to_rdf(outcome, "turtle").decode("utf-8")
    header = outcome.variables
    cells = [[_cell(term_text(row.get(name))) for name in header] for row in outcome.rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    more = " (cut at the limit; more exist)" if outcome.truncated else ""
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''}{more})")
    return "\n".join(lines)


class FormatError(ValueError):
    """The result has no form in the asked format (CONSTRUCT/DESCRIBE triples as CSV)."""


def render(outcome: QueryOutcome, fmt: str) -> str:
    """The outcome in one of ``RESULT_FORMATS``. CONSTRUCT/DESCRIBE results are RDF: Turtle for
    ``table``, JSON-LD for ``json``; they have no CSV form (``FormatError``)."""
    if outcome.form == "graph":
        if fmt == "csv":
            raise FormatError(
                "CONSTRUCT/DESCRIBE results are RDF triples, which have no CSV form: "
                "use -f table (Turtle) or -f json (JSON-LD)"
            )
        return to_rdf(outcome, "json-ld" if fmt == "json" else "turtle").decode("utf-8")
    if fmt == "json":
        return to_json(outcome)
    if fmt == "csv":
        return to_csv(outcome)
    return to_table(outcome)


def xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(term_text(term))}</literal>"  # RDF-star triples have no XML form


def to_xml(outcome: QueryOutcome) -> str:
    """SPARQL Query Results XML (what most clients, SPARQLWrapper included, ask for by default)."""
    head = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
    if outcome.form == "ask":
        return head + f"<head/>\n<boolean>{'true' if outcome.boolean else 'false'}</boolean>\n</sparql>\n"
    if outcome.form == "graph":
        raise ValueError("CONSTRUCT/DESCRIBE results are RDF; use to_rdf")
    parts = [head, "<head>"]
    parts += [f"<variable name={quoteattr(v)}/>" for v in outcome.variables]
    parts.append("</head>\n<results>\n")
    for row in outcome.rows:
        bindings = "".join(
            f"<binding name={quoteattr(k)}>{xml_term(v)}</binding>" for k, v in row.items() if v is not None
        )
        parts.append(f"<result>{bindings}</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts)
