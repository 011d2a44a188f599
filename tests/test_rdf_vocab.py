"""The ontology file and the generated ``kgbuild/vocab.py`` must agree; the ontology is complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import PROV, SDO

from kgbuild.export.gen_vocab import DEFAULT_OUTPUT, KGO_IRI, main, render_vocab
from kgbuild.ontology import ontology_graph
from kgbuild.vocab import KGO

KGO_NS = Namespace(KGO_IRI)
MLS = Namespace("http://www.w3.org/ns/mls#")
XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


def test_vocab_module_matches_ontology() -> None:
    expected = render_vocab()
    actual = DEFAULT_OUTPUT.read_text(encoding="utf-8")
    assert actual == expected, "kgbuild/vocab.py is stale: run  python -m kgbuild.export.gen_vocab"


def test_check_mode(tmp_path: Path) -> None:
    assert main(["--check"]) == 0
    stale = tmp_path / "vocab.py"
    stale.write_text("# old\n", encoding="utf-8")
    assert main(["--check", "--output", str(stale)]) == 1
    assert main(["--output", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == render_vocab()


def test_namespace_refuses_unknown_terms() -> None:
    assert str(KGO.Paper) == KGO_IRI + "Paper"
    with pytest.raises(AttributeError):
        KGO.NoSuchTerm  # noqa: B018


def test_every_term_has_label_and_comment(ontology: Graph) -> None:
    terms = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(KGO_IRI)}
    assert len(terms) > 30
    for term in terms:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term


@pytest.mark.parametrize(
    ("term", "parent"),
    [
        (KGO_NS.Paper, SDO.ScholarlyArticle),
        (KGO_NS.Model, MLS.Model),
        (KGO_NS.Dataset, SDO.Dataset),
        (KGO_NS.Metric, MLS.EvaluationMeasure),
        (KGO_NS.Task, MLS.Task),
        (KGO_NS.Method, MLS.Algorithm),
        (KGO_NS.Result, MLS.ModelEvaluation),
        (KGO_NS.Evidence, PROV.Entity),
    ],
)
def test_class_alignment(ontology: Graph, term: URIRef, parent: URIRef) -> None:
    assert (term, RDF.type, OWL.Class) in ontology
    assert (term, RDFS.subClassOf, parent) in ontology


def test_property_alignment(ontology: Graph) -> None:
    assert (KGO_NS.basedOn, RDFS.subPropertyOf, PROV.wasDerivedFrom) in ontology
    assert (KGO_NS.variantOf, RDFS.subPropertyOf, KGO_NS.basedOn) in ontology
    assert (KGO_NS.value, RDFS.range, XSD_DECIMAL) in ontology
    for name in (
        "proposes",
        "comparesWith",
        "evaluatedOn",
        "trainedOn",
        "mentions",
        "hasResult",
        "resultModel",
        "resultBenchmark",
        "resultMetric",
        "hasEvidence",
    ):
        assert (KGO_NS[name], RDF.type, OWL.ObjectProperty) in ontology, name
    for name in (
        "valueText",
        "resultKind",
        "sentence",
        "charStart",
        "charEnd",
        "section",
        "component",
        "rule",
        "confidence",
    ):
        assert (KGO_NS[name], RDF.type, OWL.DatatypeProperty) in ontology, name
