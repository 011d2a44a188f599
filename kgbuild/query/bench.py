"""``kgbuild bench --queries``: how fast every named query and every ask form answers on one build.

Each query or question runs ``repeats`` times against the build's store, opened once (as ``serve``
or a notebook would hold it); the table gives p50 and p95 per query, and the last line is the
same as JSON for scripts. Parameters are picked from the build itself: the model, benchmark,
dataset and task that most papers name (from the build's name index) and the entity most others
are based on, so the figures are those of the questions people ask most. ``ask`` from the command line (a fresh process: start-up, opening
the store, one question) is timed too.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kgbuild.query.api import ASK_PAGE_SIZE, DEFAULT_LIMIT, bind_params
from kgbuild.query.ask import ask
from kgbuild.query.library import list_queries, load_query
from kgbuild.query.names import NameIndex
from kgbuild.query.run import Binding, run_query
from kgbuild.store import open_store, store_path
from kgbuild.store.names import NameTable, names_path

# The kind of entity each named query's required parameter takes (paper: a paper id).
QUERY_TARGETS: dict[str, str] = {
    "compares-against": "MODEL",
    "compared-with": "MODEL",
    "comparisons": "MODEL",
    "evaluations": "MODEL",
    "lineage-ancestors": "LINEAGE",
    "lineage-descendants": "LINEAGE",
    "proposers": "MODEL",
    "results-on-benchmark": "BENCHMARK",
    "leaderboard": "BENCHMARK",
    "trained-on": "DATASET",
    "papers-on-task": "TASK",
    "paper-facts": "paper",
    # the web pages' own queries
    "web-entity": "MODEL",
    "web-entity-papers": "MODEL",
    "web-comparisons": "MODEL",
    "web-evaluations": "MODEL",
    "web-comparison-evidence": "MODEL",
    "web-evidence": "MODEL",  # takes evidence nodes: bound to a model it finds nothing, but must not scan
    "web-lineage-up": "LINEAGE",
    "web-lineage-down": "LINEAGE",
    "web-label": "MODEL",
    "web-leaderboard": "BENCHMARK",
    "web-paper": "paper",
}
# A web query whose page always binds an optional parameter to the entities it lists (a page of
# them): parameter, the query listing them (same target), its column. Left free, the query answers
# for every compared entity at once, which no page asks.
BOUND_AS_THE_PAGE: dict[str, tuple[str, str, str]] = {"web-comparison-evidence": ("other", "web-comparisons", "other")}
WEB_PAGE_SIZE = 25  # the web pages' long lists: 25 at a time
# One question per ask form; {x} is the most written-about entity of the kind.
ASK_QUESTIONS: dict[str, tuple[str, str]] = {
    "compares-against": ("MODEL", "who compares against {x}?"),
    "compares-against (2025)": ("MODEL", "who compares against {x} in 2025?"),
    "compared-by": ("MODEL", "what does {x} compare against?"),
    "derived-from": ("LINEAGE", "what is derived from {x}?"),
    "based-on": ("LINEAGE", "what is {x} based on?"),
    "evaluated-on": ("MODEL", "which benchmarks was {x} evaluated on?"),
    "proposed-by": ("MODEL", "who proposed {x}?"),
    "trained-on": ("DATASET", "which models were trained on {x}?"),
    "leaderboard": ("BENCHMARK", "what is the best model on {x}?"),
    "papers-on-task": ("TASK", "which papers address {x}?"),
}


class QueryBenchError(RuntimeError):
    """The build has no store or no name index to bench."""


@dataclass
class Timed:
    name: str
    kind: str  # "query" or "ask"
    params: str
    seconds: list[float]
    rows: int
    total: int | None = None  # answers in all (the rows are one page of them)

    @property
    def p50_ms(self) -> float:
        return 1000 * statistics.median(self.seconds)

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.seconds)
        return 1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class QueryBenchReport:
    build: str
    quads: int
    repeats: int
    timings: list[Timed] = field(default_factory=list)
    ask_cli_s: list[float] = field(default_factory=list)
    open_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "build": self.build,
            "quads": self.quads,
            "repeats": self.repeats,
            "open_store_s": round(self.open_s, 3),
            "queries": {
                t.name: {"p50_ms": round(t.p50_ms, 1), "p95_ms": round(t.p95_ms, 1), "rows": t.rows, "total": t.total}
                for t in self.timings
                if t.kind == "query"
            },
            "ask": {
                t.name: {"p50_ms": round(t.p50_ms, 1), "p95_ms": round(t.p95_ms, 1), "rows": t.rows, "total": t.total}
                for t in self.timings
                if t.kind == "ask"
            },
            "ask_cli_s": [round(s, 2) for s in self.ask_cli_s],
        }


def _most_named(table: NameTable, kind: str) -> str | None:
    row = table._db.execute(  # the index holds each entity's paper count: no store scan
        "SELECT label FROM entity WHERE kind = ? ORDER BY papers DESC, label LIMIT 1", (kind,)
    ).fetchone()
    return row[0] if row else None


def _timed(run: Callable[[], tuple[int, int | None]], repeats: int) -> tuple[list[float], int, int | None]:
    """Seconds of each run, and the rows and total answers of the last."""
    seconds: list[float] = []
    rows, total = 0, None
    for _ in range(repeats):
        start = time.perf_counter()
        rows, total = run()
        seconds.append(time.perf_counter() - start)
    return seconds, rows, total


def _most_built_on(store: ox.Store) -> str | None:
    """The entity most others are based on (setup, not timed: one pass over the based-on triples)."""
    rows = run_query(
        store,
        "SELECT ?label (COUNT(?x) AS ?n) WHERE { ?x kgo:basedOn ?e . ?e rdfs:label ?label } "
        "GROUP BY ?e ?label ORDER BY DESC(?n) ?label LIMIT 1",
    ).rows
    return rows[0]["label"].value if rows else None  # type: ignore[union-attr]


def _a_paper(store: ox.Store) -> str | None:
    rows = run_query(store, "SELECT ?id WHERE { ?p a kgo:Paper ; dcterms:identifier ?id } LIMIT 1").rows
    return rows[0]["id"].value if rows else None  # type: ignore[union-attr]


def run_query_bench(
    out_dir: str | os.PathLike[str], repeats: int = 7, cli_runs: int = 2, progress: Callable[[str], None] | None = None
) -> QueryBenchReport:
    """Time every named query and ask form on the build in ``out_dir``."""
    path = names_path(out_dir)
    if not path.is_file():
        raise QueryBenchError(f"no name index at {path}: rebuild with this kgbuild ('kgbuild build -o {out_dir}')")
    started = time.perf_counter()
    store = open_store(store_path(out_dir))
    table = NameTable(path)
    index = NameIndex(store, table)
    opened = time.perf_counter() - started
    # counting the quads reads the whole store (seconds at 75k papers): not part of opening it
    report = QueryBenchReport(str(out_dir), len(store), repeats, open_s=opened)
    picks: dict[str, str | None] = {
        kind: _most_named(table, kind) for kind in ("MODEL", "BENCHMARK", "DATASET", "TASK")
    }
    picks["paper"] = _a_paper(store)
    picks["LINEAGE"] = _most_built_on(store) or picks["MODEL"]
    for named in list_queries():
        wanted = QUERY_TARGETS.get(named.name)
        required = [p for p in named.params if p.required]
        params: dict[str, str] = {}
        if required:
            value = picks.get(wanted or "")
            if value is None:
                continue  # nothing of that kind in the build
            params[required[0].name] = value
        elif named.params and wanted:  # optional parameters (comparisons): bench the bound form people use
            value = picks.get(wanted)
            if value is not None:
                params[named.params[0].name] = value
        bindings: dict[str, Binding] = dict(bind_params(named, params, index))
        if named.name in BOUND_AS_THE_PAGE:
            param, source, column = BOUND_AS_THE_PAGE[named.name]
            found = run_query(store, load_query(source).sparql, bindings=bindings).column(column)
            listed = [v for v in dict.fromkeys(found) if isinstance(v, ox.NamedNode)][:WEB_PAGE_SIZE]
            bindings[param] = listed
            params[param] = f"the first {len(listed)} of {source}"
        if progress:
            progress(f"query {named.name} {params}")

        def run(sparql: str = named.sparql, bindings: dict[str, Binding] = bindings) -> tuple[int, int | None]:
            outcome = run_query(store, sparql, bindings=bindings, limit=DEFAULT_LIMIT)
            return len(outcome.rows), outcome.total

        seconds, rows, total = _timed(run, repeats)
        report.timings.append(Timed(named.name, "query", _describe(params), seconds, rows, total))
    for name, (kind, template) in ASK_QUESTIONS.items():
        if picks.get(kind) is None:
            continue
        question = template.format(x=picks[kind])
        if progress:
            progress(f"ask {question}")

        def answers(q: str = question) -> tuple[int, int | None]:
            result = ask(store, q, index, limit=ASK_PAGE_SIZE)
            return len(result.answers), result.total

        seconds, rows, total = _timed(answers, repeats)
        report.timings.append(Timed(name, "ask", question, seconds, rows, total))
    if cli_runs and picks.get("MODEL"):
        question = ASK_QUESTIONS["compares-against"][1].format(x=picks["MODEL"])
        for _ in range(cli_runs):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "kgbuild.cli", "ask", "-o", str(out_dir), question],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise QueryBenchError(f"'kgbuild ask' failed: {done.stderr.strip()[-500:]}")
            report.ask_cli_s.append(time.perf_counter() - start)
    return report


def _describe(params: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items())


def format_query_report(report: QueryBenchReport) -> str:
    """A table for people, then the JSON object as the last line for scripts."""
    width = max([len(t.name) for t in report.timings] + [10])
    lines = [
        f"build: {report.build} ({report.quads:,} quads; store opened in {report.open_s * 1000:.0f} ms)",
        f"each run {report.repeats} times in one process, store open; one page each "
        f"({DEFAULT_LIMIT:,} answers of a query, {ASK_PAGE_SIZE} of a question; 'of': answers in all)",
        "",
        f"{'':<6}{'name':<{width}}{'p50 ms':>9}{'p95 ms':>9}{'rows':>7}{'of':>8}  parameters / question",
    ]
    for t in report.timings:
        total = "?" if t.total is None else str(t.total)
        lines.append(f"{t.kind:<6}{t.name:<{width}}{t.p50_ms:>9.1f}{t.p95_ms:>9.1f}{t.rows:>7}{total:>8}  {t.params}")
    if report.ask_cli_s:
        runs = ", ".join(f"{s:.2f}" for s in report.ask_cli_s)
        lines += ["", f"kgbuild ask from the command line (process start included): {runs} s"]
    lines.append(json.dumps(report.to_json(), sort_keys=True))
    return "\n".join(lines)
