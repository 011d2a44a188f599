"""The SPARQL endpoint over loopback with a real client (SPARQLWrapper): GET and POST, JSON/CSV/XML,
a result cap, refused updates, a timed-out query, and a clean shutdown."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.query.lineage import build_lineage_store
from fixtures.serve.endpoint import serving
from SPARQLWrapper import CSV, GET, JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kgbuild.serve import ServeError, SparqlServer, make_server
from kgbuild.store import open_store

TIMEOUT = 1.5  # the endpoint's query time limit in these tests
CAP = 5
CLIENT_TIMEOUT = 20  # no request in this file may hang longer than this
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # ~400^4 joins


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lineage_store(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def server(out_dir: Path) -> Iterator[SparqlServer]:
    with serving(out_dir, timeout=TIMEOUT, max_results=CAP, workers=2) as srv:
        yield srv


def _client(server: SparqlServer, query: str, fmt: str = JSON, method: str = GET) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url)
    client.setTimeout(CLIENT_TIMEOUT)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def test_binds_loopback_only(server: SparqlServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("method", [GET, POST])
def test_select_json(server: SparqlServer, method: str) -> None:
    query = "SELECT ?label WHERE { ?m a kgo:Model ; rdfs:label ?label } ORDER BY ?label LIMIT 3"
    result = _client(server, query, method=method).queryAndConvert()
    assert [b["label"]["value"] for b in result["results"]["bindings"]] == ["AlphaNet", "BetaNet", "BetaNet-13B"]


def test_post_directly_and_named_graph_provenance(server: SparqlServer) -> None:
    client = _client(
        server,
        """
        PREFIX kgo: <https://w3id.org/kgbuild/ontology#>
        SELECT ?paper WHERE { GRAPH ?paper { ?s kgo:comparesWith ?o } } ORDER BY ?paper""",
        method=POST,
    )
    client.setRequestMethod(POSTDIRECTLY)
    papers = [b["paper"]["value"] for b in client.queryAndConvert()["results"]["bindings"]]
    assert papers == [f"https://w3id.org/kgbuild/paper/{p}" for p in ("cat", "cmp-alias", "cmp-variant")]


def test_csv_xml_ask_and_construct(server: SparqlServer) -> None:
    query = "SELECT ?id WHERE { ?p a kgo:Paper ; dcterms:identifier ?id } ORDER BY ?id LIMIT 2"
    assert _client(server, query, CSV).queryAndConvert() == b"id\r\nalpha\r\nbeta\r\n"
    xml = _client(server, query, XML).queryAndConvert()
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == ["alpha", "beta"]
    assert _client(server, "ASK { ?s kgo:basedOn ?o }").queryAndConvert()["boolean"] is True
    turtle = _client(server, "CONSTRUCT { ?s kgo:basedOn ?o } WHERE { ?s kgo:basedOn ?o }", TURTLE).queryAndConvert()
    assert b"basedOn" in turtle


def test_results_are_capped_and_say_so(server: SparqlServer) -> None:
    response = _client(server, "SELECT * WHERE { ?s ?p ?o }").query()
    assert response.info()["x-kgbuild-truncated"] == "true"
    assert response.info()["x-kgbuild-result-cap"] == str(CAP)
    assert len(response.convert()["results"]["bindings"]) == CAP


def test_updates_are_refused(server: SparqlServer, out_dir: Path) -> None:
    before = _client(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").queryAndConvert()
    client = _client(server, "INSERT DATA { <urn:x> <urn:y> <urn:z> }", method=POST)  # sent as update=
    client.setRequestMethod(URLENCODED)
    with pytest.raises(urllib.error.HTTPError) as info:
        client.query()
    assert info.value.code == 403 and b"read-only" in info.value.read()
    direct = urllib.request.Request(
        server.url,
        data=b"DELETE WHERE { ?s ?p ?o }",
        method="POST",
        headers={"Content-Type": "application/sparql-update"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(direct, timeout=CLIENT_TIMEOUT)
    assert info.value.code == 403
    disguised = "PREFIX ex: <urn:ex:>\nDELETE WHERE { ?s ?p ?o }"  # an update sent as a query
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{server.url}?{urllib.parse.urlencode({'query': disguised})}", timeout=CLIENT_TIMEOUT)
    assert info.value.code == 403
    after = _client(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").queryAndConvert()
    assert after == before and len(open_store(out_dir / "store")) > 0


def test_slow_query_times_out_and_the_endpoint_recovers(server: SparqlServer) -> None:
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as info:
        _client(server, SLOW).query()
    elapsed = time.monotonic() - started
    assert info.value.code == 503 and b"stopped after" in info.value.read()
    assert TIMEOUT <= elapsed < TIMEOUT + 5
    # the killed worker is replaced: the next queries are answered
    for _ in range(3):
        assert _client(server, "ASK { ?s ?p ?o }").queryAndConvert()["boolean"] is True


def test_bad_requests(server: SparqlServer) -> None:
    with pytest.raises(QueryBadFormed):
        _client(server, "SELECT ?s WHERE { ?s ?p }").query()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server.url.replace("/sparql", "/elsewhere"), timeout=CLIENT_TIMEOUT)
    assert info.value.code == 404
    with urllib.request.urlopen(server.url, timeout=CLIENT_TIMEOUT) as response:  # no query: a help text
        assert b"read-only" in response.read()
    put = urllib.request.Request(server.url, data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(put, timeout=CLIENT_TIMEOUT)
    assert info.value.code == 405


def test_concurrent_requests(server: SparqlServer) -> None:
    answers: list[bool] = []

    def one() -> None:
        answers.append(_client(server, "ASK { ?s kgo:proposes ?o }").queryAndConvert()["boolean"])

    threads = [threading.Thread(target=one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(CLIENT_TIMEOUT)
    assert answers == [True] * 6


def test_no_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="kgbuild build"):
        make_server(tmp_path, port=0, quiet=True)


def test_close_stops_every_worker(out_dir: Path) -> None:
    srv = make_server(out_dir, port=0, timeout=TIMEOUT, workers=2, quiet=True)
    workers = list(srv.pool._all)  # noqa: SLF001 - checking the processes this test started
    srv.server_close()
    assert workers and all(w.process.poll() is not None for w in workers)
    assert srv.pool._all == set()  # noqa: SLF001
