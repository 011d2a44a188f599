"""SPARQL runner, result formats, the named-query library, and ``kgbuild query``/``export``/``build``."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures.query.lineage import COMPARING_PAPERS, build_lineage_store

from kgbuild.cli import main
from kgbuild.query import QueryError, run_query
from kgbuild.query.api import query_build
from kgbuild.query.library import LibraryError, list_queries, load_query
from kgbuild.query.results import render, to_csv, to_json, to_xml
from kgbuild.query.run import QueryUsageError
from kgbuild.store import open_store

SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lineage_store(tmp_path_factory.mktemp("query"))


@pytest.fixture(scope="module")
def store(out_dir: Path) -> ox.Store:
    return open_store(out_dir / "store")


def test_select_ask_construct(store: ox.Store) -> None:
    select = run_query(store, "SELECT ?m WHERE { ?m a kgo:Model } ORDER BY ?m")
    assert select.form == "select" and select.variables == ["m"] and len(select.rows) == 11
    assert run_query(store, "ASK { ?p kgo:proposes ?m }").boolean is True
    graph = run_query(store, "CONSTRUCT { ?a kgo:basedOn ?b } WHERE { ?a kgo:basedOn ?b }")
    assert graph.form == "graph" and len(graph.triples) == 5


def test_limit_cuts_and_says_so(store: ox.Store) -> None:
    outcome = run_query(store, "SELECT * WHERE { ?s ?p ?o }", limit=4)
    assert len(outcome.rows) == 4 and outcome.truncated
    assert not run_query(store, "SELECT ?m WHERE { ?m a kgo:Benchmark }", limit=4).truncated


def test_invalid_queries_are_query_errors(store: ox.Store) -> None:
    with pytest.raises(QueryError, match="not a valid SPARQL query"):
        run_query(store, "SELECT ?s WHERE { ?s ?p }")


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX ex: <urn:x#>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
        "load <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
    ],
)
def test_updates_are_refused_as_updates_not_as_syntax_errors(store: ox.Store, update: str) -> None:
    before = len(store)
    with pytest.raises(QueryUsageError, match="updates are not allowed") as info:
        run_query(store, update)
    assert "syntax" not in str(info.value) and "valid SPARQL" not in str(info.value)
    assert len(store) == before


def test_result_formats(store: ox.Store) -> None:
    outcome = run_query(
        store,
        """SELECT ?label ?value WHERE { ?r kgo:valueText ?label ; kgo:value ?value }
                                  ORDER BY ?value""",
    )
    data = json.loads(to_json(outcome))
    assert data["head"]["vars"] == ["label", "value"]
    first = data["results"]["bindings"][0]
    assert first["label"] == {"type": "literal", "value": "12.0"}  # plain string: no datatype
    # Oxigraph keeps decimals in canonical form ("12.0" -> "12"); the written form is valueText
    assert first["value"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert float(first["value"]["value"]) == 12.0
    text = to_csv(outcome)
    assert text.startswith("label,value\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows] == ["label", "12.0", "71.5%"] and float(rows[2][1]) == 71.5
    root = ET.fromstring(to_xml(outcome))
    assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["label", "value"]
    assert len(list(root.iter(f"{SRX}result"))) == 2
    assert json.loads(to_json(run_query(store, "ASK { ?s ?p ?o }"))) == {"head": {}, "boolean": True}
    assert "(2 rows)" in render(outcome, "table")


def test_every_named_query_is_documented_and_runs(out_dir: Path) -> None:
    queries = list_queries()
    assert {
        "compares-against",
        "comparisons",
        "lineage-ancestors",
        "lineage-descendants",
        "results-on-benchmark",
        "most-compared",
        "papers-per-benchmark",
        "evaluations",
        "proposers",
        "trained-on",
        "paper-facts",
    } <= {q.name for q in queries}
    samples = {"entity": "AlphaNet", "paper": "alpha"}
    for query in queries:
        assert query.description, query.name
        params = {p.name: samples[p.kind] for p in query.params if p.required}
        query_build(out_dir, query.name, params)  # runs without error


def test_named_query_answers(out_dir: Path) -> None:
    most = query_build(out_dir, "most-compared")
    assert [(r["entity_label"].value, int(r["papers"].value)) for r in most.rows][:1] == [("GPT-3", 2)]
    against = query_build(out_dir, "compares-against", {"target": "gpt 3"})
    assert {r["paper_id"].value for r in against.rows} == COMPARING_PAPERS
    results = query_build(out_dir, "results-on-benchmark", {"target": "BenchA"})
    assert [(r["model_label"].value, r["score"].value) for r in results.rows] == [("AlphaNet", "71.5%")]
    facts = query_build(out_dir, "paper-facts", {"paper": "delta"})  # read from the paper's named graph
    assert [(r["subject_label"].value, r["object_label"].value) for r in facts.rows] == [("DeltaNet", "GammaNet")]


def test_parameter_errors(out_dir: Path) -> None:
    with pytest.raises(QueryError, match="needs --param target"):
        query_build(out_dir, "compares-against")
    with pytest.raises(QueryError, match="no parameter 'entity'"):
        query_build(out_dir, "compares-against", {"entity": "GPT-3"})
    with pytest.raises(QueryError, match="did you mean: GammaNet"):
        query_build(out_dir, "lineage-ancestors", {"target": "GamaNet"})
    with pytest.raises(QueryError, match="no named query"):
        query_build(out_dir, "no-such-query")
    with pytest.raises(LibraryError):
        load_query("../etc/passwd")


def test_query_from_file_and_text(out_dir: Path, tmp_path: Path) -> None:
    rq = tmp_path / "mine.rq"
    rq.write_text("SELECT ?l WHERE { ?x kgo:proposes ?e . ?e rdfs:label ?l } ORDER BY ?l", encoding="utf-8")
    labels = [r["l"].value for r in query_build(out_dir, str(rq)).rows]
    assert labels == ["AlphaNet", "BetaNet", "CatNet", "DogNet"]
    # a parameter fixes a projected variable (Oxigraph substitutes only those)
    inline = query_build(
        out_dir, "SELECT ?t ?id WHERE { ?p dcterms:title ?t ; dcterms:identifier ?id }", {"id": "gamma"}
    )
    assert [r["t"].value for r in inline.rows] == ["GammaNet"]


def test_cli_query_one_line_text_longer_than_a_file_name(out_dir: Path) -> None:
    # the text is tried as a path first; a name over 255 bytes made the OS refuse (ENAMETOOLONG)
    long_query = "SELECT ?title WHERE { ?paper a kgo:Paper ; dcterms:title ?title ; dcterms:identifier ?id . " + (
        'FILTER(?id IN ("gamma", "delta", "no-such-paper-at-all-but-it-makes-the-line-longer", "and-another-id-that-no-paper-has-either-in-this-small-graph")) } ORDER BY ?title'
    )
    assert len(long_query) > 255 and "\n" not in long_query
    answered = CliRunner().invoke(main, ["query", "-o", str(out_dir), long_query, "-f", "csv"])
    assert answered.exit_code == 0, answered.output
    assert answered.output.splitlines()[1:] == ["DeltaNet", "GammaNet"]


def test_cli_query(out_dir: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["query", "--list"])
    assert listed.exit_code == 0 and "compares-against -p target=…" in listed.output
    as_json = runner.invoke(
        main, ["query", "-o", str(out_dir), "lineage-ancestors", "-p", "target=DeltaNet", "-f", "json"]
    )
    assert as_json.exit_code == 0, as_json.output
    assert len(json.loads(as_json.output)["results"]["bindings"]) == 3
    as_csv = runner.invoke(
        main, ["query", "-o", str(out_dir), "SELECT ?s WHERE { ?s a kgo:Paper }", "-f", "csv", "--limit", "2"]
    )
    assert as_csv.exit_code == 0 and as_csv.stdout_bytes.count(b"\r\n") == 3
    bad = runner.invoke(main, ["query", "-o", str(out_dir), "SELECT nonsense"])
    assert bad.exit_code != 0 and "not a valid SPARQL query" in bad.output
    bad_param = runner.invoke(main, ["query", "-o", str(out_dir), "comparisons", "-p", "source"])
    assert bad_param.exit_code != 0 and "NAME=VALUE" in bad_param.output


def test_cli_build_then_query_on_a_tiny_input(tmp_path: Path) -> None:
    source = tmp_path / "papers.jsonl"
    source.write_text(
        json.dumps(
            {"title": "FooNet: Fast Answers", "abstract": "We propose FooNet. FooNet outperforms GPT-3 on SQuAD."}
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(source), "-o", str(out), "--quiet"])
    assert built.exit_code == 0, built.output
    assert (out / "store" / "CURRENT").is_file()
    assert (out / "names.sqlite").is_file()  # the name index ask and query look names up in
    turtle = (out / "graph.ttl").read_bytes()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["outputs"]["store"] == str(out / "store")
    answered = runner.invoke(
        main, ["query", "-o", str(out), "SELECT ?t WHERE { ?p a kgo:Paper ; dcterms:title ?t }", "-f", "csv"]
    )
    assert answered.exit_code == 0 and "FooNet: Fast Answers" in answered.output
    exported = runner.invoke(main, ["export", "-o", str(out), "-f", "trig", "-f", "turtle"])
    assert exported.exit_code == 0, exported.output
    assert (out / "graph.trig").is_file()
    assert exported.output.count("wrote") == 2
    assert (out / "graph.ttl").read_bytes() == turtle  # export from the records = the build's Turtle


def test_cli_construct_as_json_is_json_ld_and_as_csv_a_usage_error(out_dir: Path) -> None:
    runner = CliRunner()
    construct = "CONSTRUCT { ?a kgo:basedOn ?b } WHERE { ?a kgo:basedOn ?b }"
    as_json = runner.invoke(main, ["query", "-o", str(out_dir), construct, "-f", "json"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)  # JSON-LD, not N-Triples or Turtle
    assert isinstance(document, list) and document
    parsed = ox.Store()
    parsed.load(as_json.stdout_bytes, format=ox.RdfFormat.JSON_LD)
    assert len(parsed) == 5  # the five basedOn triples of the fixture graph
    as_table = runner.invoke(main, ["query", "-o", str(out_dir), construct])
    assert as_table.exit_code == 0 and "basedOn" in as_table.stdout
    as_csv = runner.invoke(main, ["query", "-o", str(out_dir), construct, "-f", "csv"])
    assert as_csv.exit_code == 2
    assert "no CSV form" in as_csv.output and "-f json (JSON-LD)" in as_csv.output
    assert not as_csv.stdout.startswith("<")


def test_cli_update_is_refused_as_an_update(out_dir: Path) -> None:
    refused = CliRunner().invoke(main, ["query", "-o", str(out_dir), "INSERT DATA { <urn:a> <urn:b> <urn:c> }"])
    assert refused.exit_code == 2
    assert "updates are not allowed" in refused.output and "not a valid SPARQL" not in refused.output


@pytest.mark.parametrize(
    ("query", "param", "expected"),
    [
        ("SELECT ?s WHERE { ?s a kgo:Paper }", "foo=bar", "the query has no variable ?foo to bind (its variables: s)"),
        ("SELECT * { ?s a kgo:Paper }", "foo=bar", "the query has no variable ?foo"),
        ("DESCRIBE ?s { ?s a kgo:Paper }", "x=1", "the query has no variable ?x"),
        ("SELECT ?s WHERE { ?s a kgo:Paper }", "fo o=bar", "a parameter is a query variable's name"),
        ("compares-against", "foo=bar", "query 'compares-against' has no parameter 'foo'; it takes: target"),
    ],
)
def test_cli_unknown_parameter_is_a_usage_error_without_engine_internals(
    out_dir: Path, query: str, param: str, expected: str
) -> None:
    result = CliRunner().invoke(main, ["query", "-o", str(out_dir), query, "-p", param])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "projection" not in result.output and "cannot run the query" not in result.output


def test_cli_parameter_binds_a_query_without_where_keyword(out_dir: Path) -> None:
    """``SELECT * { … }`` has no WHERE: the value still reaches its group (it used to go to the
    engine's substitution, which refuses a variable outside the projection)."""
    result = CliRunner().invoke(
        main,
        ["query", "-o", str(out_dir), "SELECT ?id { ?p a kgo:Paper ; dcterms:identifier ?id }", "-p", "p=<urn:none>"],
    )
    assert result.exit_code == 0, result.output
    assert "(0 rows)" in result.output


def test_no_shipped_query_is_taken_for_an_update() -> None:
    """A query's header comment ("each hop with its evidence") once matched the update check at
    its word "with": the endpoint refused the shipped query as an update."""
    from kgbuild.query.run import looks_like_update

    assert [q.name for q in list_queries() if looks_like_update(q.sparql)] == []
    assert looks_like_update("# each hop with its evidence\nINSERT DATA { <urn:a> <urn:b> <urn:c> }")
