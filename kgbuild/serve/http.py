"""The HTTP side of the endpoint: SPARQL 1.1 Protocol query operation over GET and POST.

* ``GET /sparql?query=...`` and ``POST /sparql`` with a form (``query=...``) or a
  ``application/sparql-query`` body; the result format follows ``Accept`` (or ``format=``).
* Updates (``update=`` forms, ``application/sparql-update`` bodies, update text as a query) are
  refused with 403: the store is opened read-only and the endpoint says so. ``SERVICE`` is
  refused with 400: the endpoint never makes an outbound request.
* Each query runs under a time limit (503 when exceeded) and returns at most ``max_results`` rows
  and ``MAX_RESPONSE_BYTES`` bytes; a cut result says so in the ``X-Kgbuild-Truncated`` header.
* Results as SPARQL JSON, XML, CSV or TSV; CORS is open (``Access-Control-Allow-Origin: *``,
  preflight OPTIONS) so browser clients can query; HEAD works; GET without a query returns the
  SPARQL service description (Turtle).
* The server binds 127.0.0.1 only and answers only requests whose Host is that address or
  localhost (a DNS-rebinding page cannot reach it). Request bodies over 1 MiB are refused (413)
  whatever the headers say; idle and slow connections are closed after ``IDLE_SECONDS``.
* When a rebuild replaces the store, the workers are restarted on the new one, and the web pages
  read the new one too.
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
from kgbuild.serve.worker import REFUSED_SERVICE, Reply, looks_like_update, uses_service
from kgbuild.store import store_path
from kgbuild.web import WebApp, wants_html

HOST = "127.0.0.1"
PATH = "/sparql"
MAX_BODY = 1 << 20  # a query larger than 1 MiB is not a query anyone types
TEXT = "text/plain; charset=utf-8"
# A connection that sends nothing for this long is closed: idle keep-alive sockets and slow
# clients cannot pile up until no new client gets in.
IDLE_SECONDS = 15.0
# Open connections at most; one more is told 503 and closed at once (threads are the resource).
MAX_CONNECTIONS = 256
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


class ServeError(RuntimeError):
    """The endpoint cannot start (no store, port in use)."""


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client never blocks shutdown
    request_queue_size = 128  # the listen backlog: bursts of new connections wait, not fail

    web: WebApp  # the pages (kgbuild.web), set by make_server

    def __init__(
        self, port: int, pool: QueryPool, quiet: bool, store: str | None = None, idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self.pool = pool
        self.idle_seconds = idle_seconds
        self.quiet = quiet
        self.store = store
        self._store_id = _identity(store)
        self._reopen_lock = threading.Lock()
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__((HOST, port), _Handler)

    def process_request(self, request, client_address) -> None:  # noqa: ANN001 - socketserver's signature
        if not self._connections.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:  # noqa: ANN001
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def allowed_hosts(self) -> set[str]:
        port = self.server_address[1]
        names = (HOST, "localhost")
        return {*names, *(f"{name}:{port}" for name in names)}

    def current_pool(self) -> QueryPool:
        """The pool, restarted on the new store first when a rebuild has replaced the store directory."""
        if self.store is None or _identity(self.store) == self._store_id:
            return self.pool
        with self._reopen_lock:
            found = _identity(self.store)
            if found != self._store_id and found is not None:
                old = self.pool
                self.pool = QueryPool(self.store, workers=old.workers, timeout=old.timeout, max_results=old.max_results)
                self._store_id = found
                sys.stderr.write(
                    f"the store at {self.store} was replaced by a rebuild; now answering from the new one\n"
                )
                old.close()
        return self.pool

    def current_web(self) -> WebApp:
        """The pages, reopened on the new store when a rebuild has replaced it (like the pool)."""
        pool = self.current_pool()
        if self.web.pool is not pool:
            with self._reopen_lock:
                if self.web.pool is not pool:
                    self.web = WebApp(self.web.site.out_dir, pool)
        return self.web

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        # typeshed allows bytes for AF_UNIX addresses; this server binds AF_INET/AF_INET6 (text hosts)
        return f"http://{host}:{port}{PATH}"  # type: ignore[str-bytes-safe]

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kgbuild-sparql/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        if not self.server.quiet:
            line = f"{self.address_string()} - {format % args}"
            # the request line is the client's text: escape controls so it cannot drive the terminal
            sys.stderr.write("".join(c if c.isprintable() else repr(c)[1:-1] for c in line) + "\n")

    head_only = False

    def setup(self) -> None:
        # StreamRequestHandler sets it on the socket (every read); typeshed declares it class-wide,
        # but the handler reads it from the instance, which is what a per-server limit needs
        self.timeout = self.server.idle_seconds  # type: ignore[misc]
        super().setup()

    def _host_refused(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        if not host or host in self.server.allowed_hosts():
            return False
        self.close_connection = True
        self._send(Reply(403, TEXT, f"Host {host!r} is not this endpoint's address ({self.server.url})\n".encode()))
        return True

    def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflight
        if self._host_refused():
            return
        self._send(Reply(204, TEXT, b""), allow=ALLOWED_METHODS)

    def do_HEAD(self) -> None:  # noqa: N802
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self._host_refused():
            return
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
            return self._send(service_description(self.server.url, self.headers.get("Accept")))
        self._query(params)

    def _body_length(self) -> int | None:
        """The declared body length, or None after answering a request whose body cannot be read safely."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._send(Reply(411, TEXT, b"send a Content-Length (chunked bodies are not accepted)\n"))
            return None
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not raw.isdigit():  # "-1", "1e9", "12, 12": never trusted
            self.close_connection = True
            self._send(Reply(400, TEXT, f"bad Content-Length {raw[:40]!r}\n".encode()))
            return None
        if int(raw) > MAX_BODY:
            self.close_connection = True  # the unread body would poison a kept-alive connection
            self._send(Reply(413, TEXT, f"request body over {MAX_BODY >> 20} MiB\n".encode()))
            return None
        return int(raw)

    def do_POST(self) -> None:  # noqa: N802
        if self._host_refused():
            return
        url = urlsplit(self.path)
        if url.path not in (PATH, "/"):
            return self._send(Reply(404, TEXT, f"not found; the endpoint is {PATH}\n".encode()))
        length = self._body_length()
        if length is None:
            return
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

    def _page(self) -> None:
        url = urlsplit(self.path)
        # an email.message.Message: read-only and case-insensitive, all WebApp asks of a Mapping (.get)
        response = self.server.current_web().handle(self.command, url.path, url.query, self.headers)  # type: ignore[arg-type]
        self.send_response(response.status, HTTPStatus(response.status).phrase)
        for name, value in response.all_headers():
            self.send_header(name, value)
        self.end_headers()
        if not self.head_only:
            self.wfile.write(response.body)

    def do_PUT(self) -> None:  # noqa: N802 - graph store writes do not exist here
        self._send(Reply(405, TEXT, b"read-only endpoint\n"), allow=ALLOWED_METHODS)

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
        if uses_service(sparql):
            return self._send(Reply(400, TEXT, REFUSED_SERVICE.encode()))
        explicit = next(iter(params.get("format") or params.get("output") or []), None)
        prefs = preferences(self.headers.get("Accept"), explicit)
        try:
            reply = self.server.current_pool().run(sparql, prefs)
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
        # open CORS: the endpoint is read-only and public data, and browser SPARQL clients need it
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "X-Kgbuild-Truncated, X-Kgbuild-Result-Cap")
        if allow:
            self.send_header("Allow", allow)
            self.send_header("Access-Control-Allow-Methods", allow)
            self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
            self.send_header("Access-Control-Max-Age", "86400")
        if retry_after:
            self.send_header("Retry-After", retry_after)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not self.head_only:
            self.wfile.write(reply.body)


_HELP = """kgbuild SPARQL endpoint (read-only)

  GET  {url}?query=SELECT...        results as SPARQL JSON (Accept: text/csv, text/tab-separated-values, XML too)
  POST {url}  (form query=... or application/sparql-query)

The default graph is the union of all graphs; each paper's statements are in the named graph
of the paper's IRI:  SELECT * WHERE {{ GRAPH ?paper {{ ?s ?p ?o }} }} LIMIT 10
"""

_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .

<{url}> a sd:Service ;
    sd:endpoint <{url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat formats:SPARQL_Results_JSON, formats:SPARQL_Results_XML, formats:SPARQL_Results_CSV,
        formats:SPARQL_Results_TSV, formats:Turtle, formats:N-Triples, formats:JSON-LD, formats:RDF_XML .
"""


def service_description(url: str, accept: str | None) -> Reply:
    """The SPARQL service description (Turtle) headed by the usage notes as comments; served as
    text/plain to a browser (so it shows rather than downloads), else as text/turtle."""
    notes = "".join(f"# {line}".rstrip() + "\n" for line in _HELP.format(url=url).splitlines())
    body = (notes + "\n" + _DESCRIPTION.format(url=url)).encode()
    wants_page = "text/html" in (accept or "") or "text/plain" in (accept or "")
    return Reply(200, TEXT if wants_page else "text/turtle; charset=utf-8", body)


def _identity(store: str | None) -> tuple[int, int] | None:
    """The store directory's (device, inode): a rebuild swaps in a new directory, so it changes."""
    if store is None:
        return None
    try:
        info = os.stat(store)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def make_server(
    out_dir: str | os.PathLike[str],
    *,
    port: int = 0,
    timeout: float = 10.0,
    max_results: int = 10_000,
    workers: int = 2,
    quiet: bool = False,
    idle_seconds: float = IDLE_SECONDS,
) -> SparqlServer:
    """An endpoint for a build directory's store, bound to 127.0.0.1 (port 0: any free port)."""
    store = store_path(out_dir)
    try:
        pool = QueryPool(str(store), workers=workers, timeout=timeout, max_results=max_results)
    except (PoolError, ValueError) as e:
        raise ServeError(str(e)) from e
    try:
        server = SparqlServer(port, pool, quiet, str(store), idle_seconds)
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
