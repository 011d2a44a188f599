"""A load test of the endpoint over loopback: N clients, each on one keep-alive connection,
sending cheap queries in a loop for a fixed time; requests/s, p50/p99 latency and every error.

``kgbuild bench --serve`` runs it against an endpoint it starts on a free 127.0.0.1 port (the
endpoint binds nothing else); the loops are bounded by time and stop by themselves.
"""

from __future__ import annotations

import http.client
import os
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Cheap queries: each reads a handful of rows through an index, whatever the size of the graph.
CHEAP_QUERIES: tuple[str, ...] = (
    "SELECT ?m ?label WHERE { ?m a kgo:Model ; rdfs:label ?label } LIMIT 10",
    "ASK { ?p a kgo:Paper }",
    "SELECT ?p ?title WHERE { ?p a kgo:Paper ; dcterms:title ?title } LIMIT 5",
    "SELECT ?b ?label WHERE { ?b a kgo:Benchmark ; rdfs:label ?label } LIMIT 10",
)


@dataclass
class LoadReport:
    clients: int
    seconds: float  # wall time of the whole run
    latencies: list[float] = field(default_factory=list)  # seconds, one per answered request
    errors: Counter[str] = field(default_factory=Counter)  # "HTTP 503", "ConnectionResetError", ...

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.errors.values())

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]

    def to_json(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "requests_per_s": round(len(self.latencies) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(statistics.median(self.latencies) * 1000, 1) if self.latencies else None,
            "p99_ms": round(self.percentile(0.99) * 1000, 1) if self.latencies else None,
            "max_ms": round(max(self.latencies) * 1000, 1) if self.latencies else None,
        }


def _client(
    port: int, queries: tuple[str, ...], deadline: float, offset: int, report: LoadReport, lock: threading.Lock
) -> None:
    """One client: a keep-alive connection to 127.0.0.1 (reopened after an error) until ``deadline``."""
    connection: http.client.HTTPConnection | None = None
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    i = offset
    while time.monotonic() < deadline:
        path = "/sparql?" + urllib.parse.urlencode({"query": queries[i % len(queries)]})
        i += 1
        start = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                latencies.append(time.perf_counter() - start)
            else:
                errors[f"HTTP {response.status}"] += 1
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as e:
            errors[type(e).__name__] += 1
            if connection is not None:
                connection.close()
            connection = None
    if connection is not None:
        connection.close()
    with lock:
        report.latencies.extend(latencies)
        report.errors.update(errors)


def run_load(
    port: int, clients: int = 16, seconds: float = 30.0, queries: tuple[str, ...] = CHEAP_QUERIES
) -> LoadReport:
    """``clients`` threads querying the endpoint on 127.0.0.1:``port`` for ``seconds``."""
    if clients < 1 or seconds <= 0:
        raise ValueError("clients and seconds must be positive")
    report = LoadReport(clients, 0.0)
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=_client, args=(port, queries, deadline, n, report, lock), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)  # a request started before the deadline may take up to its timeout
    report.seconds = time.monotonic() - started
    return report


def bench_serve(
    out_dir: str | os.PathLike[str], clients: int = 16, seconds: float = 30.0, workers: int = 2
) -> LoadReport:
    """Start the endpoint of ``out_dir`` on a free loopback port, load it, stop it."""
    from kgbuild.serve.http import make_server

    server = make_server(out_dir, port=0, quiet=True, workers=workers)
    thread = threading.Thread(target=server.serve_forever, name="bench-endpoint", daemon=True)
    thread.start()
    try:
        return run_load(server.server_address[1], clients, seconds)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def format_load_report(report: LoadReport) -> str:
    import json

    data = report.to_json()
    lines = [
        f"endpoint load: {data['clients']} clients for {data['seconds']} s, {data['requests']} requests, "
        f"{data['errors']} errors{' ' + str(data['error_kinds']) if data['errors'] else ''}",
        f"  {data['requests_per_s']} req/s   p50 {data['p50_ms']} ms   p99 {data['p99_ms']} ms   max {data['max_ms']} ms",
        json.dumps(data, sort_keys=True),
    ]
    return "\n".join(lines)
