"""RDF export: round trip, determinism, valid IRIs for odd ids, provenance, ontology coverage."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
from fixtures.graph.papers import CJK_ID, ODD_ID, XSS_TITLE, sample_extractions
from fixtures.graph.rdfcheck import assert_isomorphic
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from kgbuild.export import DEFAULT_BASE_IRI, ExportError, graph_to_rdf, serialize, write_rdf
from kgbuild.export.iris import ILLEGAL_IRI_CHARS, entity_iri, segment
from kgbuild.graph import assemble
from kgbuild.ontology import ontology_graph
from kgbuild.records import PAPER_SUBJECT, RELATION_KINDS, Entity, Paper, PaperExtraction, Relation
from kgbuild.vocab import KGO

BASE = DEFAULT_BASE_IRI
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return assemble(sample_extractions())


@pytest.fixture(scope="module")
def rdf(graph: nx.MultiDiGraph) -> Graph:
    return graph_to_rdf(graph)


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD parser
@pytest.mark.parametrize("fmt", ["turtle", "nt", "xml", "json-ld"])
def test_round_trip(rdf: Graph, graph: nx.MultiDiGraph, fmt: str) -> None:
    data = serialize(graph, format=fmt)
    parsed = Graph().parse(data=data, format=fmt)
    assert_isomorphic(rdf, parsed)


def test_same_graph_gives_identical_bytes(graph: nx.MultiDiGraph) -> None:
    first = serialize(graph)
    assert serialize(graph) == first
    shuffled = sample_extractions()
    random.Random(7).shuffle(shuffled)
    shuffled.reverse()
    assert serialize(assemble(shuffled)) == first  # not even paper order changes a byte


def test_every_iri_is_valid(rdf: Graph, graph: nx.MultiDiGraph) -> None:
    for triple in rdf:
        for term in triple:
            if isinstance(term, URIRef):
                assert not ILLEGAL_IRI_CHARS.search(str(term)), term
                assert str(term).isascii(), term
    # a strict, independent parser accepts the Turtle and sees the same number of triples
    strict = list(pyoxigraph.parse(serialize(graph), pyoxigraph.RdfFormat.TURTLE))
    assert len(strict) == len(rdf)


def test_odd_ids_get_stable_percent_encoded_iris(rdf: Graph) -> None:
    odd = URIRef(entity_iri(BASE, ODD_ID))
    assert str(odd) == BASE + "entity/%22Q%3C%3E%23%25%22%20Net%20%C3%BC"
    assert (odd, RDFS.label, Literal(ODD_ID)) in rdf
    assert (odd, RDF.type, KGO.Method) in rdf
    assert (URIRef(entity_iri(BASE, CJK_ID)), RDFS.label, Literal("中文模型")) in rdf
    # injective: ids a slug would conflate keep distinct IRIs
    ids = ["a b", "a-b", "a%20b", "A B", ".", "..", "a/b", "a#b"]
    assert len({segment(i) for i in ids}) == len(ids)
    assert segment(".") == "%2E" and "/" not in segment("a/b")


def test_literals_are_plain_strings(rdf: Graph) -> None:
    p2 = URIRef(BASE + "paper/p2")
    assert rdf.value(p2, URIRef("http://purl.org/dc/terms/title")) == Literal(XSS_TITLE)
    p1 = URIRef(BASE + "paper/p1")
    assert rdf.value(p1, URIRef("http://purl.org/dc/terms/issued")) == Literal("2024-01-02", datatype=XSD_DATE)
    assert rdf.value(p1, URIRef("https://schema.org/url")) == URIRef("https://arxiv.org/abs/2401.00001")


def test_fact_has_triple_statement_and_evidence(rdf: Graph) -> None:
    paper, foonet = URIRef(BASE + "paper/p1"), URIRef(BASE + "entity/foonet")
    assert (paper, KGO.proposes, foonet) in rdf
    rows = list(
        rdf.query(
            """
            SELECT ?section ?sentence ?start ?end ?rule ?confidence ?component WHERE {
              ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate kgo:proposes ; rdf:object ?o ;
                  kgo:hasEvidence ?ev .
              ?ev a kgo:Evidence ; kgo:inPaper ?s ; kgo:section ?section ; kgo:sentence ?sentence ;
                  kgo:charStart ?start ; kgo:charEnd ?end ; kgo:rule ?rule ;
                  kgo:confidence ?confidence ; kgo:component ?component .
            } ORDER BY ?section
            """,
            initNs={"kgo": KGO._NS, "rdf": RDF},
            initBindings={"s": paper, "o": foonet},
        )
    )
    assert [(str(r.section), str(r.rule), int(r.start), int(r.end)) for r in rows] == [
        ("abstract", "we-propose", 0, 17),
        ("title", "title-colon", 0, 6),
    ]
    assert str(rows[0].sentence) == "We propose FooNet, a model based on GPT-3."
    assert rows[0].confidence.toPython() == Decimal("0.9")


def test_merged_entity_keeps_all_ids_and_aliases(rdf: Graph) -> None:
    gpt3 = URIRef(BASE + "entity/gpt-3")
    ids = {str(o) for o in rdf.objects(gpt3, URIRef("http://purl.org/dc/terms/identifier"))}
    assert ids == {"gpt-3", "gpt3", "openai-gpt3"}
    alt = {str(o) for o in rdf.objects(gpt3, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))}
    assert "GPT3" in alt and "OpenAI GPT3" in alt
    assert (URIRef(BASE + "entity/openai-gpt3"), None, None) not in rdf


def test_results(rdf: Graph) -> None:
    rows = list(
        rdf.query(
            """
            SELECT ?r ?value ?text ?kind ?model ?bench ?metric ?sentence WHERE {
              ?paper kgo:hasResult ?r .
              ?r a kgo:Result ; kgo:valueText ?text ; kgo:resultKind ?kind ; kgo:resultModel ?model ;
                 kgo:resultBenchmark ?bench ; kgo:hasEvidence/kgo:sentence ?sentence .
              OPTIONAL { ?r kgo:value ?value }
              OPTIONAL { ?r kgo:resultMetric ?metric }
            } ORDER BY ?text
            """,
            initNs={"kgo": KGO._NS},
        )
    )
    assert [(str(r.text), r.value.toPython(), str(r.kind)) for r in rows] == [
        ("+3.9", Decimal("3.9"), "delta"),
        ("84.8%", Decimal("84.8"), "absolute"),
    ]
    assert rows[0].model == URIRef(BASE + "paper/p2") and rows[0].metric is None
    assert rows[1].model == URIRef(BASE + "entity/foonet")
    assert rows[1].metric == URIRef(BASE + "entity/accuracy")


def test_every_kgo_term_used_is_defined_in_the_ontology(rdf: Graph) -> None:
    ontology = ontology_graph()
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    used = {p for p in rdf.predicates() if str(p).startswith(str(KGO._NS))}
    used |= {o for o in rdf.objects(None, RDF.type) if str(o).startswith(str(KGO._NS))}
    assert used and used <= defined, used - defined


def test_every_relation_kind_has_a_property() -> None:
    for kind in RELATION_KINDS:
        paper = Paper("k", "T", "X uses Y.")
        extraction = PaperExtraction(
            paper, [Entity("x", "X", "MODEL"), Entity("y", "Y", "DATASET")], [Relation(kind, "x", "y", _evidence())]
        )
        rdf = graph_to_rdf(assemble([extraction]))
        assert len(list(rdf.triples((URIRef(BASE + "entity/x"), None, URIRef(BASE + "entity/y"))))) == 1, kind


def _evidence():
    from kgbuild.records import Evidence

    return Evidence("k", "abstract", "X uses Y.", 0, 0, 9, "test", "r", 0.5)


def test_unknown_relation_kind_is_an_error() -> None:
    paper = Paper("u", "T", "A")
    extraction = PaperExtraction(
        paper, [Entity("x", "X", "MODEL")], [Relation("invents", PAPER_SUBJECT, "x", _evidence())]
    )
    with pytest.raises(ExportError, match="invents"):
        graph_to_rdf(assemble([extraction]))


@pytest.mark.parametrize("base", ["w3id.org/kgbuild/", "https://example.org/kg", "https://exa mple.org/"])
def test_bad_base_iri(graph: nx.MultiDiGraph, base: str) -> None:
    with pytest.raises(ExportError):
        graph_to_rdf(graph, base_iri=base)


def test_custom_base_iri(graph: nx.MultiDiGraph) -> None:
    rdf = graph_to_rdf(graph, base_iri="urn:kg:")
    assert (URIRef("urn:kg:paper/p1"), RDF.type, KGO.Paper) in rdf


def test_write_rdf_is_atomic(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    size = write_rdf(graph, out)
    assert out.stat().st_size == size
    assert out.read_bytes() == serialize(graph)
    with pytest.raises(ExportError):
        write_rdf(graph, out, format="no-such-format")
    assert out.read_bytes() == serialize(graph)  # a failed write leaves the old file alone
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]
