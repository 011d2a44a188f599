"""The SPARQL console's side of the server: the named queries as examples, and running a query.

A query typed in the console runs through the endpoint's worker pool when there is one (so it
gets the same time limit and row cap as ``/sparql``), else in this process with a row cap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kgbuild.query.library import NamedQuery
from kgbuild.query.run import QueryError, run_query
from kgbuild.web.site import Site

ROW_CAP = 500
DEFAULT_QUERY = """SELECT ?label ?kind WHERE {
  ?entity a kgo:Entity ; rdfs:label ?label ; a ?kind .
  FILTER(?kind != kgo:Entity)
}
LIMIT 20"""


@dataclass
class ConsoleOutcome:
    variables: list[str] = field(default_factory=list)
    rows: list[list[dict[str, Any] | None]] = field(default_factory=list)  # SPARQL JSON terms
    boolean: bool | None = None
    text: str | None = None  # a graph result, as N-Triples
    error: str | None = None
    truncated: bool = False
    seconds: float = 0.0


def examples(queries: list[NamedQuery], sample: str | None) -> list[dict[str, str]]:
    """Each named query as runnable text; a required parameter is filled with ``sample``, a real entity."""
    out = []
    for query in queries:
        text = query.sparql
        required = [p for p in query.params if p.required]
        if required:
            if sample is None or any(p.kind != "entity" for p in required):
                continue
            # a trailing VALUES binds the parameter for this run, like --param does
            text = text.rstrip() + "\nVALUES ?" + required[0].name + " { <" + sample + "> }\n"
        out.append({"name": query.name, "description": query.description, "sparql": text})
    return out


def run(site: Site, sparql: str, pool: Any = None) -> ConsoleOutcome:
    if pool is not None:
        return _run_in_pool(sparql, pool)
    try:
        outcome = run_query(site.store, sparql, limit=ROW_CAP)
    except QueryError as e:
        return ConsoleOutcome(error=str(e))
    from kgbuild.query.results import term_json

    result = ConsoleOutcome(truncated=outcome.truncated, seconds=outcome.seconds)
    if outcome.form == "ask":
        result.boolean = outcome.boolean
    elif outcome.form == "select":
        result.variables = outcome.variables
        result.rows = [
            [None if (term := r.get(v)) is None else term_json(term) for v in outcome.variables] for r in outcome.rows
        ]
    else:
        result.text = "\n".join(str(t) + " ." for t in outcome.triples)
    return result


def _run_in_pool(sparql: str, pool: Any) -> ConsoleOutcome:
    from kgbuild.serve.pool import PoolBusy, PoolError, QueryTimeout
    from kgbuild.serve.worker import looks_like_update

    if looks_like_update(sparql):
        return ConsoleOutcome(error="this endpoint is read-only: SPARQL updates are refused")
    try:
        reply = pool.run(sparql, ["json", "nt"])
    except (QueryTimeout, PoolBusy, PoolError) as e:
        return ConsoleOutcome(error=str(e))
    body = reply.body.decode("utf-8", errors="replace")
    if reply.status != 200:
        return ConsoleOutcome(error=body.strip())
    if "json" not in reply.media_type:
        return ConsoleOutcome(text=body, truncated=reply.truncated)
    data = json.loads(body)
    if "boolean" in data:
        return ConsoleOutcome(boolean=bool(data["boolean"]))
    variables = data["head"]["vars"]
    rows = [[b.get(v) for v in variables] for b in data["results"]["bindings"]]
    return ConsoleOutcome(variables=variables, rows=rows[:ROW_CAP], truncated=reply.truncated or len(rows) > ROW_CAP)
