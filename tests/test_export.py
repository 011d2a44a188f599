"""Export formats: every format round-trips to the same graph, bytes are stable, TriG has one
named graph per paper so provenance is queryable with GRAPH, and export reads a build's records."""

from __future__ import annotations

import json
import random
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from fixtures.graph.papers import sample_extractions
from fixtures.graph.rdfcheck import assert_isomorphic
from rdflib import RDF, Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kgbuild.export import (
    DEFAULT_BASE_IRI,
    ExportError,
    export_extractions,
    graph_to_dataset,
    graph_to_quads,
    graph_to_rdf,
    serialize,
)
from kgbuild.export.serializers import FORMATS, canonical_format
from kgbuild.graph import assemble
from kgbuild.vocab import KGO

BASE = DEFAULT_BASE_IRI
OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "json-ld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
PAPERS = ("p1", "p2", "2403.99999v2")
# rdflib's own TriG/N-Quads/JSON-LD parsers use its deprecated ConjunctiveGraph API internally
pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated.*:DeprecationWarning")


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return assemble(sample_extractions())


@pytest.fixture(scope="module")
def rdf(graph: nx.MultiDiGraph) -> Graph:
    return graph_to_rdf(graph)


def _union(dataset: Dataset) -> Graph:
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_round_trips_through_rdflib(graph: nx.MultiDiGraph, rdf: Graph, fmt: str) -> None:
    data = serialize(graph, format=fmt)
    if FORMATS[fmt].datasets:
        parsed = Dataset()
        parsed.parse(data=data, format=fmt)
        assert_isomorphic(rdf, _union(parsed))
    else:
        assert_isomorphic(rdf, Graph().parse(data=data, format=fmt))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_parses_strictly_in_oxigraph(graph: nx.MultiDiGraph, rdf: Graph, fmt: str) -> None:
    # a second, independent parser sees the same distinct triples
    quads = list(ox.parse(serialize(graph, format=fmt), OX_FORMATS[fmt]))
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    assert len(triples) == len(rdf)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_same_input_gives_identical_bytes(graph: nx.MultiDiGraph, fmt: str) -> None:
    first = serialize(graph, format=fmt)
    shuffled = sample_extractions()
    random.Random(11).shuffle(shuffled)
    shuffled.reverse()
    assert serialize(assemble(shuffled), format=fmt) == first


def test_trig_has_one_named_graph_per_paper(graph: nx.MultiDiGraph, rdf: Graph) -> None:
    dataset = Dataset()
    dataset.parse(data=serialize(graph, format="trig"), format="trig")
    assert_isomorphic(graph_to_dataset(graph).graph(DATASET_DEFAULT_GRAPH_ID), dataset.graph(DATASET_DEFAULT_GRAPH_ID))
    names = {str(g.identifier) for g in dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID}
    assert names == {f"{BASE}paper/{p}" for p in PAPERS}
    p1 = dataset.graph(URIRef(BASE + "paper/p1"))
    assert (URIRef(BASE + "paper/p1"), KGO.proposes, URIRef(BASE + "entity/foonet")) in p1
    assert (URIRef(BASE + "entity/foonet"), KGO.comparesWith, URIRef(BASE + "entity/bert")) in p1
    # entity descriptions are shared, not owned by a paper
    default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    assert (URIRef(BASE + "entity/gpt-3"), RDF.type, KGO.Model) in default
    assert (URIRef(BASE + "entity/gpt-3"), RDF.type, KGO.Model) not in p1


def test_a_fact_stated_by_two_papers_is_in_both_graphs() -> None:
    two = [sample_extractions()[0], sample_extractions()[0]]
    two[1].paper.paper_id = "p1-copy"
    for relation in two[1].relations:
        relation.evidence = relation.evidence.__class__(**{**relation.evidence.to_dict(), "paper_id": "p1-copy"})
    quads = graph_to_quads(assemble(two))
    fact = (URIRef(BASE + "entity/foonet"), KGO.basedOn, URIRef(BASE + "entity/gpt-3"))
    graphs = {str(g) for s, p, o, g in quads if (s, p, o) == fact}
    assert graphs == {BASE + "paper/p1", BASE + "paper/p1-copy"}


def test_provenance_is_queryable_with_graph(graph: nx.MultiDiGraph) -> None:
    store = ox.Store()
    store.load(serialize(graph, format="trig"), ox.RdfFormat.TRIG)
    rows = store.query(
        """
        PREFIX kgo: <https://w3id.org/kgbuild/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?paper ?sentence ?start ?end WHERE {
          GRAPH ?paper {
            ?s kgo:comparesWith <https://w3id.org/kgbuild/entity/gpt-3> .
            ?st rdf:subject ?s ; rdf:object <https://w3id.org/kgbuild/entity/gpt-3> ;
                rdf:predicate kgo:comparesWith ; kgo:hasEvidence ?ev .
            ?ev kgo:sentence ?sentence ; kgo:charStart ?start ; kgo:charEnd ?end .
          }
        } ORDER BY ?paper
        """
    )
    got = [(r["paper"].value, r["sentence"].value, int(r["start"].value), int(r["end"].value)) for r in rows]
    assert got == [
        (BASE + "paper/2403.99999v2", "中文模型 is evaluated on ImageNet and compared with GPT 3.", 34, 53),
        (BASE + "paper/p2", 'We compare OpenAI GPT3 with "Q<>#%" Net ü on ImageNet-21k.', 3, 22),
    ]


def test_custom_base_iri_in_every_format(graph: nx.MultiDiGraph) -> None:
    for fmt in FORMATS:
        data = serialize(graph, format=fmt, base_iri="urn:kg:")
        assert b"urn:kg:paper/p1" in data, fmt
        assert BASE.encode() not in data.replace(b"https://w3id.org/kgbuild/ontology#", b""), fmt


def test_format_names_and_unknown_formats(graph: nx.MultiDiGraph) -> None:
    assert canonical_format("TTL") == "turtle" and canonical_format("jsonld") == "json-ld"
    assert canonical_format("n-quads") == "nquads" and canonical_format("csv") is None
    with pytest.raises(ExportError, match="csv"):
        serialize(graph, format="csv")


def _write_extractions(path: Path) -> Path:
    lines = [json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) for e in sample_extractions()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_export_extractions_writes_each_format(tmp_path: Path, graph: nx.MultiDiGraph) -> None:
    source = _write_extractions(tmp_path / "extractions.jsonl")
    written = export_extractions(source, tmp_path / "out", formats=["ttl", "nt", "jsonld", "trig"])
    assert sorted(p.name for p in written.values()) == ["graph.jsonld", "graph.nt", "graph.trig", "graph.ttl"]
    for fmt, path in written.items():
        assert path.read_bytes() == serialize(graph, format=fmt), fmt
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_export_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="kgbuild build"):
        export_extractions(tmp_path / "missing.jsonl", tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"paper": {}}\n', encoding="utf-8")
    with pytest.raises(ExportError, match=r"bad.jsonl:1"):
        export_extractions(bad, tmp_path)
    with pytest.raises(ExportError, match="unknown format"):
        export_extractions(_write_extractions(tmp_path / "ok.jsonl"), tmp_path, formats=["yaml"])
    assert not (tmp_path / "graph.ttl").exists()


def test_cli_export_uses_the_base_iri_the_build_was_made_with(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kgbuild.cli import main

    source = tmp_path / "papers.jsonl"
    record = {"title": "FooNet: Fast Answers", "abstract": "We propose FooNet. FooNet outperforms GPT-3 on SQuAD."}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    base = "https://example.org/kg/"
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(source), "-o", str(out), "--quiet", "--base-iri", base])
    assert built.exit_code == 0, built.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["base_iri"] == base
    turtle = (out / "graph.ttl").read_bytes()

    exported = runner.invoke(main, ["export", "-o", str(out), "-f", "turtle", "-f", "nt"])
    assert exported.exit_code == 0, exported.output
    assert (out / "graph.ttl").read_bytes() == turtle  # the same IRIs as the build's own Turtle
    subjects = {line.split(" ", 1)[0] for line in (out / "graph.nt").read_text(encoding="utf-8").splitlines()}
    assert f"<{base}paper/" in " ".join(subjects)
    assert not any(s.startswith("<https://w3id.org/kgbuild/paper/") for s in subjects)
    store = ox.Store.read_only(str(out / "store"))
    store_subjects = {f"<{q.subject.value}>" for q in store if isinstance(q.subject, ox.NamedNode)}
    assert subjects <= store_subjects | {s for s in subjects if s.startswith("_:")}

    same = runner.invoke(main, ["export", "-o", str(out), "-f", "turtle", "--base-iri", base])
    assert same.exit_code == 0 and (out / "graph.ttl").read_bytes() == turtle

    other = runner.invoke(main, ["export", "-o", str(out), "-f", "turtle", "--base-iri", "https://other.example/"])
    assert other.exit_code == 2
    assert "differs from the base IRI this build was made with (https://example.org/kg/" in other.output
    assert (out / "graph.ttl").read_bytes() == turtle  # refused before anything was written
