"""Every named query and ask form answers on a synthetic store of more than a million triples
within a generous bound, so that a query which reads the whole graph fails here, not for a user.

The store is generated straight from records (no NLP); the figures themselves are the business
of ``kgbuild bench --queries``, this only catches scans. A bound answer costs a few lookups per
row (about a millisecond per row on a busy 2-core machine), so each query may take a second plus
a few milliseconds per row it returns; reading every comparison of this store (what counting the
most compared models used to do) took six seconds for eight rows, and a lineage walk from a
popular model longer still.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.query.synthetic import build_synthetic_store

from kgbuild.query.bench import ASK_QUESTIONS, run_query_bench
from kgbuild.query.library import list_queries
from kgbuild.store import open_store

PAPERS = 7_500  # about 1.16M quads
BASE_S = 1.0  # generous for a bound lookup, even on a shared machine
PER_ROW_S = 0.003  # a large answer (the hub model's 1,400 comparisons) costs per row, not a scan


@pytest.fixture(scope="module")
def big_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_synthetic_store(tmp_path_factory.mktemp("scale"), PAPERS)


def test_every_named_query_and_ask_form_answers_without_scanning(big_build: Path) -> None:
    assert len(open_store(big_build / "store")) >= 1_000_000
    report = run_query_bench(big_build, repeats=1, cli_runs=0)
    timed = {(t.kind, t.name): t for t in report.timings}
    assert {name for kind, name in timed if kind == "query"} == {q.name for q in list_queries()}
    assert {name for kind, name in timed if kind == "ask"} == set(ASK_QUESTIONS)
    slow = {
        f"{kind} {name} ({t.rows} rows)": round(t.p50_ms)
        for (kind, name), t in timed.items()
        if t.p50_ms > 1000 * (BASE_S + PER_ROW_S * t.rows)
    }
    assert not slow, f"slower than {BASE_S} s + {PER_ROW_S * 1000:.0f} ms/row on {report.quads:,} quads (ms): {slow}"
    # the questions found what the synthetic corpus holds
    assert timed[("ask", "compares-against")].total > 100  # type: ignore[operator]
    assert timed[("ask", "compares-against")].rows == 25  # one page of them
    assert timed[("ask", "leaderboard")].rows > 0
    assert timed[("ask", "papers-on-task")].rows > 0
    assert timed[("query", "lineage-descendants")].rows > 100  # the binary tree below the picked model
    assert timed[("query", "most-compared")].rows > 0 and timed[("query", "papers-per-benchmark")].rows > 0
