"""SHACL: the exported graph conforms to the packaged shapes, and the shapes catch broken graphs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fixtures.graph.papers import sample_extractions
from fixtures.query.lineage import lineage_extractions
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH

from kgbuild.export import graph_to_rdf
from kgbuild.graph import assemble
from kgbuild.ontology import ontology_graph, shapes_graph, validate
from kgbuild.vocab import KGO

BASE = "https://w3id.org/kgbuild/"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


def _check(data: Graph, shapes: Graph) -> tuple[bool, str]:
    return validate(data, shapes)


@pytest.mark.parametrize("corpus", [sample_extractions, lineage_extractions], ids=["sample", "lineage"])
def test_exported_graph_conforms(shapes: Graph, corpus: Callable[[], list]) -> None:
    conforms, report = _check(graph_to_rdf(assemble(corpus())), shapes)
    assert conforms, report


def test_every_shape_targets_an_ontology_term(shapes: Graph) -> None:
    ontology = ontology_graph()
    defined = set(ontology.subjects()) | {RDF.Statement}
    targets = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH.targetSubjectsOf))
    targets |= set(shapes.objects(None, SH.targetObjectsOf))
    assert targets and targets <= defined, targets - defined


def _broken(edit: Callable[[Graph], None]) -> Graph:
    data = graph_to_rdf(assemble(sample_extractions()))
    edit(data)
    return data


def _first(data: Graph, rdf_type: URIRef) -> URIRef:
    return sorted(data.subjects(RDF.type, rdf_type))[0]  # type: ignore[return-value]


def _set(data: Graph, node: URIRef, prop: URIRef, value: Literal | None) -> None:
    data.remove((node, prop, None))
    if value is not None:
        data.add((node, prop, value))


BREAKAGES: dict[str, tuple[Callable[[Graph], None], str]] = {
    "confidence above 1": (lambda g: _set(g, _first(g, KGO.Evidence), KGO.confidence, Literal(1.5)), "confidence"),
    "span ends before it starts": (
        lambda g: _set(g, _first(g, KGO.Evidence), KGO.charEnd, Literal(-1)),
        "evidence span",
    ),
    "evidence from no paper": (lambda g: _set(g, _first(g, KGO.Evidence), KGO.inPaper, None), "exactly one paper"),
    "result without its written value": (lambda g: _set(g, _first(g, KGO.Result), KGO.valueText, None), "as written"),
    "result kind outside the list": (
        lambda g: _set(g, _first(g, KGO.Result), KGO.resultKind, Literal("relative")),
        "resultKind",
    ),
    "score that is not a decimal": (
        lambda g: _set(g, _first(g, KGO.Result), KGO.value, Literal("high")),
        "xsd:decimal",
    ),
    "entity with two labels": (
        lambda g: g.add(
            (URIRef(BASE + "entity/bert"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Bert"))
        ),
        "display label",
    ),
    "fact without evidence": (
        lambda g: g.add((URIRef(BASE + "entity/bert"), KGO.basedOn, URIRef(BASE + "entity/gpt-3"))),
        "no statement with evidence",
    ),
    "paper without a title": (
        lambda g: _set(g, URIRef(BASE + "paper/p1"), URIRef("http://purl.org/dc/terms/title"), None),
        "exactly one title",
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_shapes_catch_broken_graphs(shapes: Graph, name: str) -> None:
    edit, expected = BREAKAGES[name]
    conforms, report = _check(_broken(edit), shapes)
    assert not conforms
    assert expected in report, report
