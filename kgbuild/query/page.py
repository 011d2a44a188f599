"""Queries that page: a query that marks its ordered keys is read in two bounded steps.

A query whose answers can run to thousands of rows (the papers on a task, the descendants of a
popular model, a benchmark's leaderboard) orders its *keys* in a sub-select that ends with a
``# page`` line::

    {
      SELECT ?paper WHERE { ?paper kgo:addresses ?target . OPTIONAL { ?paper dcterms:issued ?published } }
      ORDER BY DESC(?published) ?paper
      # page
    }

Run as it is, the query answers everything. Paged, the sub-select runs alone first (it reads only
the keys, so it is cheap: this is also the total), then the whole query runs with the sub-select
replaced by a VALUES block holding the page's keys, so the costly part (evidence, titles, labels)
is read for one page only. Rows come back in key order, each key's rows in the query's own order.

The bound parameters reach the second step inside the key rows, so the part of the query outside
the key sub-select must be one group that hangs off the keys: no UNION or sub-select of its own
that needs a parameter (it would see the parameter unbound).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class PageMarkError(ValueError):
    """A ``# page`` line outside a sub-select group, or in a group that is not closed."""


_PAGE_MARK = re.compile(r"(?m)^[ \t]*#[ \t]*page[ \t]*$")
# IRIs, strings and comments blanked (offsets kept) before braces are matched: a string or a
# comment may hold a brace, and an IRI a "#" that is not a comment
_STRING_OR_COMMENT = re.compile(r"<[^<>\"\s{}]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")
_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_PROJECTION = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\bWHERE\b", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Pageable:
    """A query split around its marked key sub-select: ``head + <keys group> + tail``."""

    head: str
    keys_group: str  # "{ SELECT ... ORDER BY ... # page }"
    tail: str
    prologue: str  # PREFIX/BASE lines, for running the keys group as a query of its own

    @property
    def keys_query(self) -> str:
        """The key sub-select as a query of its own (its ORDER BY is the answers' order)."""
        return f"{self.prologue}\n{self.keys_group.strip()[1:-1]}"

    @property
    def key_variables(self) -> list[str]:
        """The variables the key sub-select projects (the key of an answer)."""
        projection = _PROJECTION.search(_masked(self.keys_group))
        return re.findall(r"[?$](\w+)", projection.group(1)) if projection else []

    def with_keys(self, variables: list[str], rows: list[dict[str, Term | None]]) -> str:
        """The query with the key sub-select replaced by these key rows."""
        names = " ".join(f"?{v}" for v in variables)
        body = " ".join("(" + " ".join(_term(row.get(v)) for v in variables) + ")" for row in rows)
        return f"{self.head} VALUES ({names}) {{ {body} }} {self.tail}"


def _term(value: Term | None) -> str:
    return "UNDEF" if value is None else str(value)


def _masked(sparql: str) -> str:
    return _STRING_OR_COMMENT.sub(lambda m: " " * len(m.group()), sparql)


def pageable(sparql: str) -> Pageable | None:
    """The query split around its ``# page`` sub-select, or None when it marks none."""
    mark = _PAGE_MARK.search(sparql)
    if mark is None:
        return None
    masked = _masked(sparql)
    depth, start = 0, None
    for i in range(mark.start() - 1, -1, -1):  # the brace that opens the group holding the mark
        if masked[i] == "}":
            depth += 1
        elif masked[i] == "{":
            if depth == 0:
                start = i
                break
            depth -= 1
    if start is None or not re.match(r"\s*SELECT\b", masked[start + 1 :], re.IGNORECASE):
        raise PageMarkError("a '# page' line must sit inside the sub-select that orders the keys")
    depth, end = 0, None
    for i in range(start, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            depth -= 1
            if depth == 0:
                end = i + 1
                break
    if end is None:
        raise PageMarkError("the group holding '# page' is not closed")
    first_select = _SELECT.search(masked)
    prologue = sparql[: first_select.start()] if first_select else ""
    return Pageable(sparql[:start], sparql[start:end], sparql[end:], prologue)
