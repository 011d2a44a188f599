"""The endpoint under abuse and its web conventions, over loopback with raw sockets and urllib:
no outbound request (SERVICE), Host checked, body limits whatever the headers, idle connections
closed, bounded responses, a slow query not blocking cheap ones, CORS/HEAD/TSV/service
description, a rebuilt store picked up, and 16 concurrent clients with no error."""

from __future__ import annotations

import json
import shutil
import socket
import statistics
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib
from fixtures.query.lineage import build_lineage_store
from fixtures.serve.endpoint import serving

from kgbuild.serve import SparqlServer
from kgbuild.serve.worker import answer
from kgbuild.store import open_store

TIMEOUT = 1.5
CHEAP = "SELECT ?label WHERE { ?m a kgo:Model ; rdfs:label ?label } ORDER BY ?label LIMIT 3"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lineage_store(tmp_path_factory.mktemp("abuse"))


def _serve(out_dir: Path, **options: object) -> Iterator[SparqlServer]:
    with serving(out_dir, timeout=TIMEOUT, **options) as srv:
        yield srv


@pytest.fixture(scope="module")
def server(out_dir: Path) -> Iterator[SparqlServer]:
    yield from _serve(out_dir, workers=2, idle_seconds=1.0)


def _raw(server: SparqlServer, request: bytes, timeout: float = 10) -> bytes:
    """Send ``request`` as it is and read until the server closes or stops sending."""
    with socket.create_connection(server.server_address[:2], timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and b"Connection: close" not in b"".join(chunks):
                    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
                    length = next(
                        (int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")),
                        0,
                    )
                    if len(body) >= length:
                        break
        except TimeoutError:
            pass
    return b"".join(chunks)


def _status(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def _get(server: SparqlServer, query: str | None, headers: dict[str, str] | None = None, method: str = "GET"):
    url = server.url + ("?" + urllib.parse.urlencode({"query": query}) if query else "")
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_service_is_refused_and_no_outbound_request_is_made(server: SparqlServer) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        for query in (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
            f"select * {{ service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
        ):
            status, _, body = _get(server, query)
            assert status == 400 and b"SERVICE" in body and b"outbound" in body
            form = urllib.parse.urlencode({"query": query}).encode()
            post = urllib.request.Request(server.url, data=form, headers={"Origin": "http://evil.example"})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(post, timeout=20)
            assert refused.value.code == 400
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody called
    finally:
        listener.close()
    # a variable or a string called service is no SERVICE clause
    status, _, _ = _get(server, 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }')
    assert status == 200


def test_host_header_must_name_this_endpoint(server: SparqlServer) -> None:
    port = server.server_address[1]
    path = "/sparql?" + urllib.parse.urlencode({"query": CHEAP})
    for host, expected in (("evil.example", 403), (f"attacker.test:{port}", 403), (f"localhost:{port}", 200)):
        response = _raw(server, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert _status(response) == expected, (host, response[:200])


def test_body_limits_hold_whatever_the_headers_say(server: SparqlServer) -> None:
    head = "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
    for extra, expected in (
        ("Content-Length: -1\r\n", 400),
        ("Content-Length: 1e9\r\n", 400),
        (f"Content-Length: {300 << 20}\r\n", 413),
        ("Transfer-Encoding: chunked\r\n", 411),
    ):
        response = _raw(server, (head + extra + "\r\n").encode() + b"SELECT")
        assert _status(response) == expected, (extra, response[:200])


def test_idle_and_slow_connections_are_closed(server: SparqlServer) -> None:
    start = time.monotonic()
    with socket.create_connection(server.server_address[:2], timeout=10) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\n")  # and then nothing more
        assert sock.recv(1024) == b""  # the server hung up
    assert time.monotonic() - start < 5
    status, _, _ = _get(server, CHEAP)
    assert status == 200


def test_response_size_is_bounded_in_bytes(out_dir: Path) -> None:
    store = open_store(out_dir / "store")
    query = 'SELECT ?big WHERE { ?s ?p ?o BIND(CONCAT(STR(?s), "----------------------------------") AS ?big) }'
    reply = answer(store, query, ["json"], max_results=10_000, max_bytes=2_000)
    assert reply.status == 400 and b"limit" in reply.body
    assert answer(store, query, ["json"], max_results=10_000).status == 200


def test_a_slow_query_does_not_hold_up_cheap_ones(server: SparqlServer) -> None:
    slow = threading.Thread(target=_get, args=(server, SLOW))
    slow.start()
    time.sleep(0.2)
    waits = []
    for _ in range(5):
        start = time.monotonic()
        status, _, _ = _get(server, CHEAP)
        waits.append(time.monotonic() - start)
        assert status == 200
    slow.join(20)
    assert max(waits) < TIMEOUT, waits


def test_cors_preflight_head_and_tsv(server: SparqlServer) -> None:
    status, headers, _ = _get(server, CHEAP)
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, body = _get(
        server,
        None,
        {"Origin": "http://yasgui.example", "Access-Control-Request-Method": "POST"},
        method="OPTIONS",
    )
    assert status == 204 and body == b""
    assert headers["Access-Control-Allow-Origin"] == "*" and "POST" in headers["Access-Control-Allow-Methods"]
    status, headers, body = _get(server, CHEAP, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    status, headers, body = _get(server, CHEAP, {"Accept": "text/tab-separated-values"})
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    lines = body.decode().splitlines()
    assert lines[0] == "?label" and lines[1] == '"AlphaNet"' and len(lines) == 4


def test_get_without_query_is_a_service_description(server: SparqlServer) -> None:
    status, headers, body = _get(server, None, {"Accept": "text/turtle"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (rdflib.URIRef(server.url), sd.endpoint, rdflib.URIRef(server.url)) in graph
    assert (rdflib.URIRef(server.url), sd.supportedLanguage, sd.SPARQL11Query) in graph


def test_a_rebuilt_store_is_picked_up(out_dir: Path, tmp_path: Path) -> None:
    from kgbuild.store import load_store_file

    copy = tmp_path / "out"
    shutil.copytree(out_dir, copy)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for srv in _serve(copy, workers=1):
        before = int(json.loads(_get(srv, count)[2])["results"]["bindings"][0]["n"]["value"])
        nquads = tmp_path / "new.nq"
        nquads.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
        load_store_file(nquads, copy / "store")  # what a rebuild does: a new directory swapped in
        after = int(json.loads(_get(srv, count)[2])["results"]["bindings"][0]["n"]["value"])
        assert (before, after) == (before, 1) and before > 1


def test_sixteen_concurrent_clients_without_error(server: SparqlServer) -> None:
    per_client = 25
    latencies: list[float] = []

    def client() -> list[float]:
        times = []
        for _ in range(per_client):
            start = time.perf_counter()
            status, _, _ = _get(server, CHEAP)
            times.append(time.perf_counter() - start)
            assert status == 200
        return times

    start = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        for times in pool.map(lambda _: client(), range(16)):
            latencies.extend(times)
    elapsed = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"\n16 clients x {per_client}: {len(latencies) / elapsed:.0f} req/s, "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
    )
    assert len(latencies) == 16 * per_client
