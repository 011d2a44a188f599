"""A query worker process: opens the store read-only and answers one query at a time.

Queries run in separate processes because Oxigraph cannot interrupt a running query: when a query
overruns its time limit the endpoint kills the worker (and so the query) and starts a new one,
instead of leaving a thread burning CPU for a client that has gone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kgbuild.query.run import QueryError, engine_errors, evaluate, looks_like_update
from kgbuild.serve.negotiate import choose
from kgbuild.serve.stream import ResponseTooLarge, write_boolean, write_solutions, write_triples

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "xml": "application/sparql-results+xml",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# SERVICE makes the engine send the query to another endpoint: the endpoint never makes an
# outbound request (a web page could otherwise use a local endpoint to reach any address).
# Found in the text with strings, IRIs and comments removed; ?service and ex:service are not it.
_STRINGS_IRIS_COMMENTS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_SERVICE = re.compile(r"(?<![\w?$:])SERVICE\b", re.IGNORECASE)
REFUSED_SERVICE = (
    "SERVICE (federated query) is not allowed: this endpoint never makes outbound requests; "
    "query other endpoints from your client\n"
)
MAX_RESPONSE_BYTES = 64 << 20  # a reply over this is refused whatever its row count


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    body: bytes
    truncated: bool = False


def uses_service(text: str) -> bool:
    return bool(_SERVICE.search(_STRINGS_IRIS_COMMENTS.sub(" ", text)))


def answer(
    store: object, sparql: str, prefs: list[str], max_results: int, max_bytes: int = MAX_RESPONSE_BYTES
) -> Reply:
    """Run one query and serialise its (capped) result in the client's preferred format, the
    result streamed into the reply and the byte cap enforced as it is written (``stream``)."""
    if looks_like_update(sparql):
        return Reply(403, "text/plain; charset=utf-8", b"this endpoint is read-only: SPARQL updates are refused\n")
    if uses_service(sparql):
        return Reply(400, "text/plain; charset=utf-8", REFUSED_SERVICE.encode())
    truncated = False
    try:
        with engine_errors():
            result = evaluate(store, sparql)  # type: ignore[arg-type]
            if isinstance(result, ox.QueryBoolean):
                fmt = choose(prefs, "ask")
                body = write_boolean(result, fmt)
            elif isinstance(result, ox.QuerySolutions):
                fmt = choose(prefs, "select")
                body, truncated = write_solutions(result, fmt, max_results, max_bytes)
            else:
                fmt = choose(prefs, "graph")
                body, truncated = write_triples(result, fmt, max_results, max_bytes)
    except QueryError as e:
        return Reply(400, "text/plain; charset=utf-8", f"{e}\n".encode())
    except ResponseTooLarge as e:
        message = (
            f"the result passed this endpoint's {e.limit >> 20} MiB limit (stopped at {e.size >> 20} MiB); "
            "select fewer or shorter values (LIMIT, SUBSTR)\n"
        )
        return Reply(400, "text/plain; charset=utf-8", message.encode())
    return Reply(200, MEDIA_TYPES[fmt], body, truncated)


def worker_main(conn: Connection, store_dir: str, max_results: int) -> None:
    """Process entry point: report readiness, then answer (sparql, prefs) messages until None."""
    from kgbuild.store import StoreError, open_store

    try:
        store = open_store(store_dir)
    except StoreError as e:
        conn.send(("error", str(e)))
        return
    conn.send(("ready", ""))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        if message is None:
            return
        sparql, prefs = message
        try:
            conn.send(answer(store, sparql, prefs, max_results))
        except Exception as e:  # an unexpected failure answers this request, not kills the worker
            conn.send(Reply(500, "text/plain; charset=utf-8", f"internal error: {e!r}\n".encode()))
