"""Run one SPARQL query against an Oxigraph store and collect a bounded result.

Queries see the default graph as the union of every named graph (so plain patterns find facts
wherever a paper stated them) while ``GRAPH ?paper { ... }`` still selects one paper's statements.
The usual prefixes are predeclared, so short queries need no PREFIX lines.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox

from kgbuild.query.page import Pageable, PageMarkError, Term, pageable

Form = Literal["select", "ask", "graph"]
Binding = Term | Sequence[Term]  # a parameter's value, or several (the query answers for each)

DEFAULT_PREFIXES: dict[str, str] = {
    "kgo": "https://w3id.org/kgbuild/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "mls": "http://www.w3.org/ns/mls#",
}


class QueryError(ValueError):
    """The query is not valid SPARQL (or is an update), or the store failed while answering it."""


class QueryUsageError(QueryError):
    """The query cannot be run as asked (an update, a parameter the query has no variable for):
    a usage error, which the command line reports with exit status 2."""


# An update sent where a query belongs: named so the user learns the store is read-only here.
# A comment is matched to its line's end: "#[^\n]*" alone could stop before a word of the comment
# ("# each hop with its evidence") and take that word ("with") for the update keyword.
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*(?:\n|$))\s*)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
UPDATES_REFUSED = "updates are not allowed: the graph is read-only here (INSERT, DELETE, LOAD, CLEAR… are refused)"


def looks_like_update(text: str) -> bool:
    """Whether ``text`` starts (after prefixes and comments) like a SPARQL update."""
    return bool(_UPDATE.match(text))


@dataclass
class QueryOutcome:
    """What a query returned: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    form: Form
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False  # more results existed than the limit allowed
    seconds: float = 0.0
    total: int | None = None  # answers in all, when known (a paged query counts its keys)
    keys: int | None = None  # a paged query: the answers (keys) this page holds, whatever its rows

    def __len__(self) -> int:
        return len(self.rows) if self.form == "select" else len(self.triples) if self.form == "graph" else 1

    def column(self, name: str) -> list[Term | None]:
        return [row.get(name) for row in self.rows]


def run_query(
    store: ox.Store,
    sparql: str,
    *,
    bindings: Mapping[str, Binding] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> QueryOutcome:
    """Evaluate ``sparql``; ``bindings`` fix variables to values; ``limit`` and ``offset`` pick a page.

    A query that marks its key sub-select with ``# page`` (see ``kgbuild.query.page``) is paged by
    its keys, in two bounded steps, and its outcome knows the total. Any other query is paged by
    rows, read as a stream that stops one row past the page.
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise QueryUsageError("a limit and an offset are at least 0")
    started = time.perf_counter()
    try:
        split = pageable(sparql)
    except PageMarkError as e:
        raise QueryError(str(e)) from e
    with engine_errors():
        if split is not None:
            outcome = _run_by_keys(store, split, bindings or {}, limit, offset)
        else:
            stop = None if limit is None else offset + limit
            outcome = _collect(evaluate(store, sparql, bindings=bindings), stop)
            if outcome.form == "select":
                outcome.total = None if outcome.truncated else len(outcome.rows)
                del outcome.rows[:offset]
            elif outcome.form == "graph":
                del outcome.triples[:offset]
    outcome.seconds = time.perf_counter() - started
    return outcome


def _run_by_keys(
    store: ox.Store, split: Pageable, bindings: Mapping[str, Binding], limit: int | None, offset: int
) -> QueryOutcome:
    """Every key in order (cheap: no evidence is read), then the whole query for one page's keys."""
    keys = _collect(evaluate(store, split.keys_query, bindings=bindings), None)
    # each key once: a key triple stated in several graphs comes once per graph from the union
    keys.rows = list({_key(row, keys.variables): row for row in reversed(keys.rows)}.values())[::-1]
    stop = len(keys.rows) if limit is None else offset + limit
    chosen = keys.rows[offset:stop]
    # The bound parameters travel in the key rows rather than as VALUES of their own: Oxigraph
    # joins a group's VALUES blocks in order, and a bound target first meant reading every
    # statement about it (all papers on a task) before the page's keys narrowed them. An empty
    # page still runs (an empty VALUES block answers nothing, at once) to name the columns.
    # (A parameter bound to several values cannot ride in the key rows: it opens the groups.)
    single = {name: value for name, value in bindings.items() if not isinstance(value, Sequence)}
    several = {name: value for name, value in bindings.items() if isinstance(value, Sequence)}
    columns = keys.variables + [name for name in single if name not in keys.variables]
    rows = [{**single, **key} for key in chosen]
    outcome = _collect(evaluate(store, split.with_keys(columns, rows), bindings=several), None)
    rank = {_key(key, keys.variables): i for i, key in enumerate(chosen)}
    outcome.rows.sort(key=lambda row: rank.get(_key(row, keys.variables), len(rank)))  # stable
    outcome.truncated = stop < len(keys.rows)
    outcome.total, outcome.keys = len(keys.rows), len(chosen)
    return outcome


def _key(row: Mapping[str, Term | None], variables: list[str]) -> tuple[str, ...]:
    return tuple("" if row.get(v) is None else str(row.get(v)) for v in variables)


@contextmanager
def engine_errors() -> Iterator[None]:
    """The engine's exceptions, while a query is parsed, planned or its results read, as ``QueryError``."""
    try:
        yield
    except SyntaxError as e:
        raise QueryError(f"not a valid SPARQL query: {e.msg if hasattr(e, 'msg') else e}") from e
    except OSError as e:
        raise QueryError(f"the store failed while answering: {e}") from e
    except RuntimeError as e:
        # e.g. a parameter bound to a variable the query does not project (Oxigraph refuses)
        raise QueryError(f"cannot run the query: {e}") from e


def evaluate(
    store: ox.Store, sparql: str, *, bindings: Mapping[str, Binding] | None = None
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """The engine's lazy result for ``sparql`` (updates refused); read it inside ``engine_errors``."""
    if looks_like_update(sparql):
        raise QueryUsageError(UPDATES_REFUSED)
    sparql, substitutions = bind_first(sparql, bindings or {})
    with engine_errors():
        return store.query(
            sparql, prefixes=DEFAULT_PREFIXES, use_default_graph_as_union=True, substitutions=substitutions or None
        )


# Where a group opens that a bound value should reach: a brace right after WHERE (the query's or a
# sub-select's), after UNION, or right after another brace (the first branch of a UNION).
_GROUP_OPENINGS = re.compile(r"\b(?:WHERE|UNION)\s*\{|(?<=\{)\s*\{", re.IGNORECASE)
_SUBSELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)


def bind_first(sparql: str, bindings: Mapping[str, Binding]) -> tuple[str, dict[ox.Variable, Term]]:
    """The query with ``bindings`` as VALUES blocks opening its groups (else as substitutions).

    Oxigraph plans a query without knowing which variables substitutions will bind, and plans
    each UNION branch on its own: a bound target did not steer the join order, and at 1M
    triples a one-row answer took seconds, reading every comparison or evidence node first. A
    VALUES block at the start of the WHERE clause and of every branch is planned as the group's
    first, bound, input (milliseconds for the same answer). Repeating it is harmless: every copy
    binds the same variables to the same values. A variable bound to several values gets a
    VALUES block of its own (the query answers for each).
    """
    if not bindings:
        return sparql, {}
    single = {name: value for name, value in bindings.items() if not isinstance(value, Sequence)}
    several = {name: list(value) for name, value in bindings.items() if isinstance(value, Sequence)}
    blocks = [f"VALUES ?{name} {{ {' '.join(str(v) for v in values)} }}" for name, values in several.items()]
    if single:
        names = " ".join(f"?{name}" for name in single)
        blocks.insert(0, f"VALUES ({names}) {{ ({' '.join(str(v) for v in single.values())}) }}")
    block = f" {' '.join(blocks)} "
    # comment lines (the header may say "where {") are blanked, keeping offsets, before matching
    masked = re.sub(r"(?m)^[ \t]*#.*$", lambda m: " " * len(m.group()), sparql)
    # a group that is a sub-select ("{ SELECT ...") takes no VALUES: its own WHERE gets them
    cuts = [found.end() for found in _GROUP_OPENINGS.finditer(masked) if not _SUBSELECT.match(masked, found.end())]
    if not cuts and "{" in masked:  # "SELECT * { ... }": the first brace opens the WHERE clause
        cuts = [masked.index("{") + 1]
    if not cuts:  # DESCRIBE <iri>: Oxigraph's own substitution
        if several:
            raise QueryUsageError("a parameter with several values needs a query with a WHERE group")
        return sparql, {ox.Variable(name): value for name, value in single.items()}
    pieces = [sparql[start:end] for start, end in zip([0, *cuts], [*cuts, len(sparql)])]
    return block.join(pieces), {}


def _collect(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, limit: int | None) -> QueryOutcome:
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        outcome = QueryOutcome("select", variables=names)
        for solution in result:  # solutions stream in: stop one past the limit, never load all
            if limit is not None and len(outcome.rows) >= limit:
                outcome.truncated = True
                break
            outcome.rows.append({name: solution[name] for name in names})
        return outcome
    outcome = QueryOutcome("graph")
    for triple in result:
        if limit is not None and len(outcome.triples) >= limit:
            outcome.truncated = True
            break
        outcome.triples.append(triple)
    return outcome
