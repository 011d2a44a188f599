"""Which result format a request wants, from its ``format``/``output`` parameter or Accept header."""

from __future__ import annotations

# media type -> (format name, kinds of result it can carry)
_MEDIA: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "rdfxml",
}
# short names accepted in ?format= / ?output= (what several clients send)
_SHORT: dict[str, str] = {
    "json": "json",
    "csv": "csv",
    "tsv": "tsv",
    "xml": "xml",
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "nt",
    "ntriples": "nt",
    "json-ld": "json-ld",
    "jsonld": "json-ld",
    "rdfxml": "rdfxml",
}
SOLUTION_FORMATS = ("json", "csv", "tsv", "xml")
GRAPH_FORMATS = ("turtle", "nt", "json-ld", "rdfxml")


def preferences(accept: str | None, explicit: str | None) -> list[str]:
    """Format names in the order the client prefers them (q-values respected, ties keep order)."""
    if explicit:
        name = _SHORT.get(explicit.strip().lower()) or _MEDIA.get(explicit.strip().lower())
        if name:
            return [name]
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept or "").split(",")):
        media, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        name = _MEDIA.get(media.strip().lower())
        if name and q > 0:
            ranked.append((-q, position, name))
    return [name for _, _, name in sorted(ranked)]


def choose(prefs: list[str], form: str) -> str:
    """The first preferred format that fits the result (JSON / Turtle when none fits)."""
    allowed: tuple[str, ...] = GRAPH_FORMATS if form == "graph" else SOLUTION_FORMATS
    if form == "ask":
        allowed = tuple(f for f in allowed if f != "tsv")  # SPARQL TSV has no boolean form
    return next((p for p in prefs if p in allowed), allowed[0])
