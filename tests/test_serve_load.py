"""The endpoint under load over loopback: 16 clients on keep-alive connections with no error, and
``kgbuild bench --serve`` (the documented 30-second run, shortened here) printing its figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.query.lineage import build_lineage_store
from fixtures.serve.endpoint import serving

from kgbuild.cli import main
from kgbuild.serve import SparqlServer
from kgbuild.serve.load import CHEAP_QUERIES, run_load


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lineage_store(tmp_path_factory.mktemp("load"))


@pytest.fixture(scope="module")
def server(out_dir: Path) -> Iterator[SparqlServer]:
    with serving(out_dir, workers=2) as srv:
        yield srv


def test_sixteen_clients_for_a_while_without_error(server: SparqlServer) -> None:
    report = run_load(server.server_address[1], clients=16, seconds=3.0)
    figures = report.to_json()
    print(f"\n16 clients, 3 s: {figures}")
    assert report.errors == {}, figures
    assert report.requests >= 16 and figures["p50_ms"] is not None
    assert 2.9 <= report.seconds < 40  # bounded: every client stops by itself at the deadline


def test_every_cheap_query_is_answered(server: SparqlServer) -> None:
    for query in CHEAP_QUERIES:
        report = run_load(server.server_address[1], clients=1, seconds=0.2, queries=(query,))
        assert report.errors == {} and report.latencies, query


def test_errors_are_counted_not_hidden(server: SparqlServer) -> None:
    report = run_load(server.server_address[1], clients=2, seconds=0.3, queries=("SELECT nonsense",))
    assert not report.latencies and report.errors["HTTP 400"] == report.requests > 0


def test_bench_serve_prints_the_figures(out_dir: Path) -> None:
    result = CliRunner().invoke(main, ["bench", "--serve", "-o", str(out_dir), "--clients", "4", "--seconds", "1"])
    assert result.exit_code == 0, result.output
    assert "4 clients" in result.output and "req/s" in result.output and "p99" in result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["errors"] == 0 and data["requests"] > 0 and data["p99_ms"] >= data["p50_ms"] > 0


def test_bench_serve_without_a_build_exits_nonzero(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", "--serve", "-o", str(tmp_path / "none"), "--seconds", "1"])
    assert result.exit_code == 1 and "kgbuild build" in result.output
