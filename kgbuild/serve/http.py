"""The HTTP side of the endpoint: SPARQL 1.1 Protocol query operation over GET and POST.

* ``GET /sparql?query=...`` and ``POST /sparql`` with a form (``query=...``) or a
  ``application/sparql-query`` body; the result format follows ``Accept`` (or ``format=``).
* Updates (``update=`` forms, ``application/sparql-update`` bodies, update text as a query) are
  refused with 403: the store is opened read-only and the endpoint says so.
* Each query runs under a time limit (503 when exceeded) and returns at most ``max_results`` rows;
  a cut result says so in the ``X-Kgbuild-Truncated`` header.
* The server binds 127.0.0.1 only.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from kgbuild.serve.negotiate import preferences
from kgbuild.serve.pool import PoolBusy, PoolError, QueryPool, QueryTimeout
from kgbuild.serve.worker import Reply, looks_like_update
from kgbuild.store import store_path
from kgbuild.web import WebApp, wants_html

HOST = "127.0.0.1"
PATH = "/sparql"
MAX_BODY = 1 << 20  # a query larger than 1 MiB is not a query anyone types
TEXT = "text/plain; charset=utf-8"


class ServeError(RuntimeError):
    """The endpoint cannot start (no store, port in use)."""


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client never blocks shutdown

    web: WebApp  # the pages (kgbuild.web), set by make_server

    def __init__(self, port: int, pool: QueryPool, quiet: bool) -> None:
        self.pool = pool
        self.quiet = quiet
        super().__init__((HOST, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kgbuild-sparql/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        # web pages: every path but the protocol's, and /sparql itself for a browser without a query
        if (url.path not in (PATH, "/") or "query" not in params) and (
            url.path != PATH or ("update" not in params and wants_html(self.headers.get("Accept")))
        ):
            return self._page()
        if "update" in params:
            return self._refuse_update()
        if "query" not in params:
            return self._send(Reply(200, TEXT, _HELP.format(url=self.server.url).encode()))
        self._query(params)

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path not in (PATH, "/"):
            return self._send(Reply(404, TEXT, f"not found; the endpoint is {PATH}\n".encode()))
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True  # the unread body would poison a kept-alive connection
            return self._send(Reply(413, TEXT, b"request body too large\n"))
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if media == "application/sparql-update":
            return self._refuse_update()
        if media == "application/sparql-query":
            params["query"] = [body]
        elif media == "application/x-www-form-urlencoded":
            params.update(parse_qs(body, keep_blank_values=True))
        else:
            return self._send(Reply(415, TEXT, b"send application/sparql-query or a form with query=\n"))
        if "update" in params:
            return self._refuse_update()
        self._query(params)

    def do_HEAD(self) -> None:  # noqa: N802
        self._page()

    def _page(self) -> None:
        url = urlsplit(self.path)
        response = self.server.web.handle(self.command, url.path, url.query, self.headers)
        self.send_response(response.status, HTTPStatus(response.status).phrase)
        for name, value in response.all_headers():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def do_PUT(self) -> None:  # noqa: N802 - graph store writes do not exist here
        self._send(Reply(405, TEXT, b"read-only endpoint\n"), allow="GET, POST")

    do_DELETE = do_PUT
    do_PATCH = do_PUT

    def _refuse_update(self) -> None:
        self._send(Reply(403, TEXT, b"this endpoint is read-only: SPARQL updates are refused\n"))

    def _query(self, params: dict[str, list[str]]) -> None:
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return self._send(Reply(400, TEXT, b"exactly one non-empty query parameter is required\n"))
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self._send(
                Reply(
                    400,
                    TEXT,
                    b"default-graph-uri / named-graph-uri are not supported; use GRAPH ?paper { ... } in the query\n",
                )
            )
        sparql = queries[0]
        if looks_like_update(sparql):
            return self._refuse_update()
        explicit = (params.get("format") or params.get("output") or [None])[0]
        prefs = preferences(self.headers.get("Accept"), explicit)
        try:
            reply = self.server.pool.run(sparql, prefs)
        except QueryTimeout as e:
            return self._send(Reply(503, TEXT, f"{e}\n".encode()), retry_after="1")
        except PoolBusy as e:
            return self._send(Reply(503, TEXT, f"{e}\n".encode()), retry_after="1")
        except PoolError as e:
            return self._send(Reply(500, TEXT, f"{e}\n".encode()))
        self._send(reply)

    def _send(self, reply: Reply, allow: str | None = None, retry_after: str | None = None) -> None:
        self.send_response(reply.status, HTTPStatus(reply.status).phrase)
        self.send_header("Content-Type", reply.media_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Kgbuild-Result-Cap", str(self.server.pool.max_results))
        self.send_header("X-Kgbuild-Truncated", "true" if reply.truncated else "false")
        if allow:
            self.send_header("Allow", allow)
        if retry_after:
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        self.wfile.write(reply.body)


_HELP = """kgbuild SPARQL endpoint (read-only)

  GET  {url}?query=SELECT...        results as SPARQL JSON (Accept: text/csv for CSV, XML too)
  POST {url}  (form query=... or application/sparql-query)

The default graph is the union of all graphs; each paper's statements are in the named graph
of the paper's IRI:  SELECT * WHERE {{ GRAPH ?paper {{ ?s ?p ?o }} }} LIMIT 10
"""


def make_server(
    out_dir: str | os.PathLike[str],
    *,
    port: int = 0,
    timeout: float = 10.0,
    max_results: int = 10_000,
    workers: int = 2,
    quiet: bool = False,
) -> SparqlServer:
    """An endpoint for a build directory's store, bound to 127.0.0.1 (port 0: any free port)."""
    store = store_path(out_dir)
    try:
        pool = QueryPool(str(store), workers=workers, timeout=timeout, max_results=max_results)
    except (PoolError, ValueError) as e:
        raise ServeError(str(e)) from e
    try:
        server = SparqlServer(port, pool, quiet)
        server.web = WebApp(out_dir, pool)
        return server
    except OSError as e:
        pool.close()
        raise ServeError(f"cannot listen on {HOST}:{port}: {e.strerror or e}") from e


def serve_forever(
    out_dir: str | os.PathLike[str],
    *,
    port: int = 7878,
    timeout: float = 10.0,
    max_results: int = 10_000,
    workers: int = 2,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Run the endpoint until interrupted (Ctrl-C), then stop the workers."""
    if not store_path(out_dir).exists():
        raise ServeError(f"no store in {out_dir}; run 'kgbuild build -o {out_dir}' first")
    server = make_server(out_dir, port=port, timeout=timeout, max_results=max_results, workers=workers)
    if announce:
        announce(server.url)
    if threading.current_thread() is threading.main_thread():
        # `kill PID` stops the endpoint like Ctrl-C does, so the workers are stopped too
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
