"""Answers a page at a time: a query that marks its key sub-select (``# page``) is read in two steps,
and every page put together is exactly what the query answers when run as plain SPARQL."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures.query.synthetic import build_synthetic_store

from kgbuild import cli
from kgbuild.query import api
from kgbuild.query.ask import ask
from kgbuild.query.library import list_queries, load_query
from kgbuild.query.names import NameIndex
from kgbuild.query.page import PageMarkError, pageable
from kgbuild.query.run import QueryError, QueryUsageError, bind_first, evaluate, run_query
from kgbuild.store import open_store
from kgbuild.store.names import NameTable, names_path

PAPERS = 1_000


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_synthetic_store(tmp_path_factory.mktemp("paging"), PAPERS)


@pytest.fixture(scope="module")
def store(out_dir: Path) -> ox.Store:
    return open_store(out_dir / "store")


@pytest.fixture(scope="module")
def index(out_dir: Path, store: ox.Store) -> NameIndex:
    return NameIndex(store, NameTable(names_path(out_dir)))


def _rows(rows: list[dict]) -> Counter:
    return Counter(tuple(sorted((k, str(v)) for k, v in row.items() if v is not None)) for row in rows)


def _plain(store: ox.Store, sparql: str, bindings: dict) -> list[dict]:
    """The query run as the SPARQL it is (the mark is only a comment to the engine)."""
    result = evaluate(store, sparql, bindings=bindings)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{name: solution[name] for name in names} for solution in result]  # type: ignore[union-attr]


PAGED = {
    "papers-on-task": "task number 3",
    "lineage-descendants": "Net1",
    "leaderboard": None,  # the most used benchmark, found below
    "papers-per-benchmark": "",
}


def test_the_shipped_queries_that_can_run_long_page() -> None:
    marked = {q.name for q in list_queries() if pageable(q.sparql) is not None}
    assert set(PAGED) <= marked


@pytest.mark.parametrize("name", sorted(PAGED))
def test_pages_put_together_are_the_plain_query(name: str, store: ox.Store, index: NameIndex) -> None:
    sparql = load_query(name).sparql
    target = PAGED[name]
    if target is None:
        rows = run_query(store, load_query("papers-per-benchmark").sparql, limit=1).rows
        target = rows[0]["benchmark_label"].value  # type: ignore[union-attr]
    bindings = {"target": ox.NamedNode(index.resolve(target)[0].iri)} if target else {}
    plain = _plain(store, sparql, bindings)
    everything = run_query(store, sparql, bindings=bindings)
    assert len(plain) > 6, "the fixture should give this query several pages"
    assert _rows(everything.rows) == _rows(plain)
    assert everything.total is not None and not everything.truncated
    pages, offset = [], 0
    while True:
        page = run_query(store, sparql, bindings=bindings, limit=3, offset=offset)
        assert page.total == everything.total
        pages.extend(page.rows)
        offset += 3
        if not page.truncated:
            break
    assert offset >= everything.total
    # in the same order as the whole answer, each row once
    assert [tuple(map(str, r.values())) for r in pages] == [tuple(map(str, r.values())) for r in everything.rows]


def test_a_page_past_the_end_is_empty_but_names_its_columns(store: ox.Store) -> None:
    sparql = load_query("papers-per-benchmark").sparql
    page = run_query(store, sparql, limit=10, offset=10**6)
    assert page.rows == [] and page.total and page.total > 10 and not page.truncated
    assert "benchmark_label" in page.variables


def test_an_unmarked_query_pages_by_rows(store: ox.Store) -> None:
    sparql = "SELECT ?p WHERE { ?p a kgo:Paper } ORDER BY ?p"
    whole = run_query(store, sparql)
    page = run_query(store, sparql, limit=5, offset=10)
    assert [r["p"] for r in page.rows] == [r["p"] for r in whole.rows[10:15]]
    assert page.truncated and page.total is None  # a stream cut at the page's end: the total is unknown
    assert whole.total == PAPERS


def test_negative_pages_are_refused(store: ox.Store) -> None:
    with pytest.raises(QueryUsageError):
        run_query(store, "SELECT * WHERE { ?s ?p ?o }", limit=-1)
    with pytest.raises(QueryUsageError):
        run_query(store, "SELECT * WHERE { ?s ?p ?o }", offset=-1)


@pytest.mark.parametrize(
    "question",
    [
        "what is derived from Net1?",
        "which papers address task number 3?",
        "who compares against GPT-4?",
        "what is Net700 based on?",
    ],
)
def test_ask_pages_put_together_are_every_answer(question: str, store: ox.Store, index: NameIndex) -> None:
    every = ask(store, question, index)
    assert every.total == len({a.key for a in every.answers}) and not every.more
    pages, offset = [], 0
    while True:
        page = ask(store, question, index, limit=4, offset=offset)
        assert page.total == every.total and page.offset == offset
        assert len({a.key for a in page.answers}) == min(4, every.total - offset)
        pages.extend(page.answers)
        offset += 4
        if not page.more:
            break
    assert [a.to_dict() for a in pages] == [a.to_dict() for a in every.answers]


def test_a_scoped_question_is_paged_after_the_period_is_applied(store: ox.Store, index: NameIndex) -> None:
    every = ask(store, "who compares against GPT-4 in 2025?", index)
    page = ask(store, "who compares against GPT-4 in 2025?", index, limit=3)
    assert page.total == every.total and [a.to_dict() for a in page.answers] == [a.to_dict() for a in every.answers[:3]]


def test_the_mark_is_found_around_braces_in_strings_and_comments() -> None:
    sparql = (
        'PREFIX x: <http://x/>\nSELECT ?a ?b WHERE {\n  {\n    SELECT ?a WHERE { ?a x:p "}{" } # } a brace\n'
        "    ORDER BY ?a\n    # page\n  }\n  ?a x:q ?b .\n}\n"
    )
    split = pageable(sparql)
    assert split is not None
    assert split.key_variables == ["a"]
    assert split.keys_query.strip().startswith("PREFIX x: <http://x/>")
    assert re.search(r"SELECT \?a WHERE \{ \?a x:p \"\}\{\" \}", split.keys_query)
    assert split.tail.strip().startswith("?a x:q ?b")


def test_a_mark_outside_a_group_is_an_error(store: ox.Store) -> None:
    with pytest.raises(PageMarkError):
        pageable("# page\nSELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="page"):
        run_query(store, "# page\nSELECT * WHERE { ?s ?p ?o }")


def test_a_bound_value_never_lands_in_front_of_a_sub_select() -> None:
    sparql = "SELECT * WHERE {\n  {\n    SELECT ?a WHERE { ?a ?p ?t }\n  }\n}"
    bound, _ = bind_first(sparql, {"t": ox.NamedNode("http://x/t")})
    assert re.search(r"\{\s*SELECT", bound), bound  # still "{ SELECT": a VALUES there is not SPARQL
    assert bound.count("VALUES") == 2  # the query's WHERE and the sub-select's


def test_the_command_line_pages_and_says_how_to_go_on(out_dir: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli.main, ["ask", "-o", str(out_dir), "--limit", "3", "what is derived from Net1?"])
    assert first.exit_code == 0, first.output
    assert re.search(r"Derived from Net1: \d+ descendants, 1–3 shown", first.output)
    assert "--offset 3 for the next page" in first.output
    every = runner.invoke(cli.main, ["ask", "-o", str(out_dir), "--all", "what is derived from Net1?"])
    assert "shown" not in every.output.splitlines()[0] and "more:" not in every.output
    nxt = runner.invoke(
        cli.main, ["ask", "-o", str(out_dir), "--json", "--limit", "3", "--offset", "3", "what is derived from Net1?"]
    )
    assert '"offset": 3' in nxt.output and '"more": true' in nxt.output
    query = runner.invoke(cli.main, ["query", "-o", str(out_dir), "papers-per-benchmark", "--limit", "5", "-f", "csv"])
    assert query.exit_code == 0
    assert len(query.stdout.strip().splitlines()) == 6  # a header and five answers
    assert re.search(r"answers 1–5 of \d+; --offset 5 for the next page", query.stderr)


def test_the_command_line_page_sizes_are_the_library_s() -> None:
    assert (cli.ASK_PAGE_SIZE, cli.QUERY_PAGE_SIZE) == (api.ASK_PAGE_SIZE, api.DEFAULT_LIMIT)


def test_rows_follow_the_key_order_whatever_the_outer_order(store: ox.Store) -> None:
    sparql = (
        "SELECT ?p ?id WHERE {\n  {\n    SELECT ?p WHERE { ?p a kgo:Paper } ORDER BY ?p\n    # page\n  }\n"
        "  ?p dcterms:identifier ?id .\n}\nORDER BY DESC(?id)\n"
    )
    keys = [r["p"] for r in run_query(store, "SELECT ?p WHERE { ?p a kgo:Paper } ORDER BY ?p").rows]
    page = run_query(store, sparql, limit=5, offset=2)
    assert [r["p"] for r in page.rows] == keys[2:7]


def test_a_parameter_with_several_values_answers_for_each(store: ox.Store, index: NameIndex) -> None:
    nets = [ox.NamedNode(index.resolve(name)[0].iri) for name in ("Net5", "Net6", "Net7")]
    sparql = "SELECT ?m ?label WHERE { ?m rdfs:label ?label }"
    outcome = run_query(store, sparql, bindings={"m": nets})
    assert sorted(r["label"].value for r in outcome.rows) == ["Net5", "Net6", "Net7"]  # type: ignore[union-attr]
    # and on a paged query, beside a parameter with one value
    descendants = load_query("lineage-descendants").sparql
    several = run_query(store, descendants, bindings={"target": nets[:1]}, limit=4, offset=2)
    single = run_query(store, descendants, bindings={"target": nets[0]}, limit=4, offset=2)
    assert single.rows and _rows(several.rows) == _rows(single.rows) and several.total == single.total


def test_a_question_paged_past_its_end_shows_nothing_and_says_so(store: ox.Store, index: NameIndex) -> None:
    for question in ("what is derived from Net1?", "who compares against GPT-4?"):
        past = ask(store, question, index, limit=5, offset=10**6)
        assert past.answers == [] and past.shown == 0 and not past.more and past.total > 0


def test_a_hash_inside_an_iri_is_not_a_comment() -> None:
    sparql = (
        "SELECT ?a ?b WHERE {\n  {\n    SELECT ?a WHERE { ?a <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?t }\n"
        "    ORDER BY ?a\n    # page\n  }\n  ?a <http://x/q> ?b .\n}\n"
    )
    split = pageable(sparql)
    assert split is not None and split.tail.strip().startswith("?a <http://x/q> ?b")
    assert split.keys_query.strip().endswith("ORDER BY ?a\n    # page")


def test_a_mark_in_a_group_that_is_not_a_sub_select_is_an_error() -> None:
    with pytest.raises(PageMarkError):
        pageable("SELECT * WHERE {\n  ?s ?p ?o .\n  # page\n}")
