"""The endpoint's replies written as the solutions stream in: same bytes as the whole-result
writers, and a reply over the byte cap stopped while it is written, not after."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from fixtures.query.lineage import build_lineage_store

from kgbuild.query.results import to_csv, to_json, to_xml
from kgbuild.query.run import run_query
from kgbuild.serve.worker import MEDIA_TYPES, answer
from kgbuild.store import open_store

SELECT = "SELECT ?s ?label ?n WHERE { ?s rdfs:label ?label OPTIONAL { ?s kgo:papers ?n } } ORDER BY ?s"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    return open_store(build_lineage_store(tmp_path_factory.mktemp("stream")) / "store")


@pytest.mark.parametrize(
    ("fmt", "whole"), [("json", to_json), ("csv", to_csv), ("xml", to_xml)], ids=["json", "csv", "xml"]
)
def test_streamed_reply_equals_the_whole_result_writer(store: ox.Store, fmt: str, whole) -> None:
    reply = answer(store, SELECT, [fmt], max_results=10_000)
    assert reply.status == 200 and reply.media_type == MEDIA_TYPES[fmt]
    expected = whole(run_query(store, SELECT)).encode("utf-8")
    assert reply.body == expected and len(expected) > 500


def test_streamed_formats_parse_and_hold_every_row(store: ox.Store) -> None:
    rows = len(run_query(store, SELECT).rows)
    assert len(json.loads(answer(store, SELECT, ["json"], 10_000).body)["results"]["bindings"]) == rows
    assert len(list(csv.reader(io.StringIO(answer(store, SELECT, ["csv"], 10_000).body.decode())))) == rows + 1
    tsv = answer(store, SELECT, ["tsv"], 10_000).body.decode().splitlines()
    assert tsv[0] == "?s\t?label\t?n" and len(tsv) == rows + 1
    root = ET.fromstring(answer(store, SELECT, ["xml"], 10_000).body)
    assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == rows


def test_row_cap_says_truncated(store: ox.Store) -> None:
    reply = answer(store, SELECT, ["json"], max_results=3)
    assert reply.truncated and len(json.loads(reply.body)["results"]["bindings"]) == 3
    construct = answer(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", ["nt"], max_results=3)
    assert construct.truncated and construct.body.count(b"\n") == 3


ROWS, VALUE_CHARS = 400, 25_000  # 10 MB of values in all
CAP = 1 << 20


@pytest.fixture(scope="module")
def big_store() -> ox.Store:
    big = ox.Store()
    predicate = ox.NamedNode("urn:p")
    big.extend(
        ox.Quad(ox.NamedNode(f"urn:s{i}"), predicate, ox.Literal(f"{i:05d}" + "x" * VALUE_CHARS)) for i in range(ROWS)
    )
    return big


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml", "nt", "turtle"])
def test_reply_over_the_cap_is_stopped_while_written(big_store: ox.Store, fmt: str) -> None:
    """The whole result is 10 MB; with a 1 MiB cap the worker never holds more than about the cap."""
    query = (
        "CONSTRUCT { ?s <urn:p> ?o } WHERE { ?s <urn:p> ?o }"
        if fmt in ("nt", "turtle")
        else "SELECT ?s ?o WHERE { ?s <urn:p> ?o }"
    )
    whole = run_query(big_store, query)
    assert len(whole) == ROWS  # the full result really is ten times the cap
    del whole
    tracemalloc.start()
    try:
        reply = answer(big_store, query, [fmt], max_results=10_000, max_bytes=CAP)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reply.status == 400 and b"1 MiB limit" in reply.body
    assert peak < 4 * CAP, f"peak {peak >> 10} KiB while answering"


def test_reply_under_the_cap_is_whole(big_store: ox.Store) -> None:
    reply = answer(big_store, "SELECT ?o WHERE { ?s <urn:p> ?o } LIMIT 20", ["json"], 10_000, max_bytes=CAP)
    assert reply.status == 200 and len(json.loads(reply.body)["results"]["bindings"]) == 20


def test_query_errors_are_400(store: ox.Store) -> None:
    reply = answer(store, "SELECT ?s WHERE { ?s ?p }", ["json"], 10_000)
    assert reply.status == 400 and b"not a valid SPARQL query" in reply.body
