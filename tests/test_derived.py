"""The derived graph the build adds to its store: counts, main metrics, model-level comparisons and
the lineage closure, each checked against the same answer worked out from the statements."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pyoxigraph as ox
import pytest
from fixtures.graph.papers import ev
from fixtures.query.lineage import build_lineage_store

from kgbuild.export.iris import DEFAULT_BASE_IRI, entity_iri
from kgbuild.graph import assemble
from kgbuild.query.api import query_build
from kgbuild.query.ask import ask
from kgbuild.query.names import NameIndex
from kgbuild.query.run import run_query
from kgbuild.records import PAPER_SUBJECT, Entity, Paper, PaperExtraction, Relation, Result
from kgbuild.store import load_store, open_store
from kgbuild.store.derived import MAX_HOPS, lineage_closure, lineage_edges
from kgbuild.store.names import write_graph_names


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lineage_store(tmp_path_factory.mktemp("derived"), with_answers=True)


@pytest.fixture(scope="module")
def store(out_dir: Path) -> ox.Store:
    return open_store(out_dir / "store")


def _pairs(store: ox.Store, sparql: str) -> set[tuple[str, ...]]:
    rows = run_query(store, sparql).rows
    return {tuple(term.value for term in row.values()) for row in rows}  # type: ignore[union-attr]


def test_counts_are_those_counted_from_the_statements(store: ox.Store) -> None:
    compared = _pairs(
        store,
        "SELECT ?e (COUNT(DISTINCT ?paper) AS ?n) WHERE { ?st rdf:predicate kgo:comparesWith ; rdf:object ?e ; "
        "kgo:hasEvidence/kgo:inPaper ?paper } GROUP BY ?e",
    )
    assert compared and _pairs(store, "SELECT ?e ?n WHERE { ?e kgo:comparedInPapers ?n }") == compared
    used = _pairs(
        store,
        "SELECT ?b (COUNT(DISTINCT ?paper) AS ?n) WHERE { { SELECT DISTINCT ?b ?paper WHERE { "
        "{ ?st rdf:predicate kgo:evaluatedOn ; rdf:object ?b ; kgo:hasEvidence/kgo:inPaper ?paper } UNION "
        "{ ?paper kgo:hasResult/kgo:resultBenchmark ?b } } } } GROUP BY ?b",
    )
    assert used and _pairs(store, "SELECT ?b ?n WHERE { ?b kgo:benchmarkPapers ?n }") == used


def test_model_level_comparisons_name_what_the_comparing_paper_proposes(store: ox.Store) -> None:
    rows = _pairs(
        store,
        "SELECT ?by ?against ?stated WHERE { ?c kgo:comparer/rdfs:label ?by ; kgo:compared/rdfs:label ?against ; "
        "kgo:statedBy ?stated }",
    )
    assert ("FoxNet", "GPT-3", "proposing paper") in rows  # "We compare against GPT-3" in the paper proposing FoxNet
    assert ("FoxNet", "CatNet", "entity") in rows
    # every comparison statement's evidence is there, once per comparing entity
    statements = _pairs(store, "SELECT ?ev WHERE { ?st rdf:predicate kgo:comparesWith ; kgo:hasEvidence ?ev }")
    assert _pairs(store, "SELECT DISTINCT ?ev WHERE { ?c kgo:comparer ?x ; kgo:hasEvidence ?ev }") == statements


def test_lineage_closure_keeps_the_fewest_hops_and_the_steps_on_shortest_paths() -> None:
    # b -> a, c -> b, c -> a (a shortcut), d -> c, a -> d (a cycle)
    edges = [("s1", "b", "a"), ("s2", "c", "b"), ("s3", "c", "a"), ("s4", "d", "c"), ("s5", "a", "d")]
    got = {(d, a): (hops, first, last) for d, a, hops, first, last in lineage_closure(edges)}
    assert got[("c", "a")] == (1, ["s3"], ["s3"])  # the shortcut, not c -> b -> a
    assert got[("d", "a")] == (2, ["s4"], ["s3"])
    assert got[("a", "b")] == (3, ["s5"], ["s2"])  # a -> d -> c -> b
    assert all(d != a for d, a in got)  # the cycle does not make an entity its own ancestor


def test_lineage_closure_stops_at_the_hop_bound() -> None:
    chain = [(f"s{i}", f"n{i + 1}", f"n{i}") for i in range(MAX_HOPS + 3)]
    reached = {a: hops for d, a, hops, _, _ in lineage_closure(chain) if d == f"n{MAX_HOPS + 3}"}
    assert max(reached.values()) == MAX_HOPS and len(reached) == MAX_HOPS


def test_lineage_answers_list_each_entity_once_at_its_fewest_hops(out_dir: Path, store: ox.Store) -> None:
    index = NameIndex.for_build(out_dir, store)
    for question in ("what is derived from AlphaNet?", "what is DeltaNet based on?", "what is OmegaNet based on?"):
        answers = ask(store, question, index).answers
        assert answers
        hops: dict[str | None, set[int]] = {}
        for answer in answers:
            hops.setdefault(answer.entity, set()).add(answer.details["hops"])
            assert answer.evidence and answer.paper_id
        assert all(len(h) == 1 for h in hops.values()), hops


def _benchmark_with_two_metrics() -> list[PaperExtraction]:
    """BenchM: one accuracy result (the metric named first) and two perplexity results."""
    out = []
    for pid, model, metric, value in (
        ("m1", "AcNet", "accuracy", 91.0),
        ("m2", "PxNet", "perplexity", 7.5),
        ("m3", "QxNet", "perplexity", 6.2),
    ):
        text = f"We propose {model}. {model} reaches {value} {metric} on BenchM."
        p = Paper(paper_id=pid, title=model, abstract=text, published="2025-01-01")
        out.append(
            PaperExtraction(
                p,
                [
                    Entity(model.lower(), model, "MODEL", evidence=[ev(p, "abstract", model)]),
                    Entity("benchm", "BenchM", "BENCHMARK", evidence=[ev(p, "abstract", "BenchM")]),
                    Entity(metric, metric, "METRIC", evidence=[ev(p, "abstract", metric)]),
                ],
                [Relation("proposes", PAPER_SUBJECT, model.lower(), ev(p, "abstract", f"We propose {model}"))],
                [Result(model.lower(), "benchm", metric, str(value), value, "absolute", ev(p, "abstract", str(value)))],
            )
        )
    return out


def test_best_model_is_read_from_the_benchmarks_main_metric(tmp_path: Path) -> None:
    graph = assemble(_benchmark_with_two_metrics())
    load_store(graph, tmp_path / "store")
    write_graph_names(graph, tmp_path, DEFAULT_BASE_IRI)
    store = open_store(tmp_path / "store")
    board = ask(store, "what is the best model on BenchM?", NameIndex.for_build(tmp_path, store)).answers
    # perplexity has the most results: its best (lowest) comes first, before accuracy's single result
    assert [(a.entity, a.details["metric"]) for a in board] == [
        ("QxNet", "perplexity"),
        ("PxNet", "perplexity"),
        ("AcNet", "accuracy"),
    ]
    rows = query_build(tmp_path, "leaderboard", {"target": "BenchM"}).rows
    assert [r["main_metric"].value for r in rows] == ["true", "true", "false"]  # type: ignore[union-attr]


def test_a_lineage_statement_shared_by_many_papers_is_read_once(tmp_path: Path) -> None:
    # Each paper's graph holds its own copy of the shared statement; joined over the union of all
    # graphs the statement's three patterns met every copy (papers cubed: 1.7M rows here).
    papers = []
    for n in range(120):
        p = Paper(
            paper_id=f"v{n}", title=f"Study {n}", abstract="VarNet is a variant of BaseNet.", published="2025-01-01"
        )
        papers.append(
            PaperExtraction(
                p,
                [
                    Entity("varnet", "VarNet", "MODEL", evidence=[ev(p, "abstract", "VarNet")]),
                    Entity("basenet", "BaseNet", "MODEL", evidence=[ev(p, "abstract", "BaseNet")]),
                ],
                [Relation("variant_of", "varnet", "basenet", ev(p, "abstract", "VarNet is a variant of BaseNet"))],
                [],
            )
        )
    load_store(assemble(papers), tmp_path / "store")
    edges = lineage_edges(open_store(tmp_path / "store"))
    iri = partial(entity_iri, DEFAULT_BASE_IRI)
    assert [(child, parent) for _, child, parent in edges] == [(f"<{iri('varnet')}>", f"<{iri('basenet')}>")]
