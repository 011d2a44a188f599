"""Golden outputs: the extraction of a fixed set of abstracts, and the RDF of a fixture graph.

A refactor must leave both unchanged; a change of behaviour shows as a diff to review and commit.
Regenerate them after a reviewed change with ``make golden`` (which sets KGBUILD_UPDATE_GOLDEN=1
and runs this module).
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest
from fixtures.graph.papers import sample_extractions
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kgbuild.export.rdf import graph_to_rdf, serialize
from kgbuild.graph import assemble
from kgbuild.ingest import load_papers
from kgbuild.nlp.extract import Extractor

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KGBUILD_UPDATE_GOLDEN") == "1"
# the first papers of the bundled corpus, in load order: every listing layout is among them
GOLDEN_PAPERS = 40


def _readable(jsonl: str) -> list[str]:
    """One JSON value per line is unreadable in a diff: each record pretty-printed instead."""
    return [line for record in jsonl.splitlines() for line in json.dumps(json.loads(record), indent=1).splitlines()]


def _check_jsonl(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            _readable(expected), _readable(actual), f"{path.name} (golden)", f"{path.name} (now)", lineterm="", n=2
        )
        pytest.fail("output differs from the golden file (make golden regenerates it):\n" + "\n".join(list(diff)[:120]))


def _check_graph(path: Path, actual: Graph) -> None:
    if UPDATE:
        # sorted lines, so a regenerated file differs from the old one only where the graph does
        lines = sorted(line for line in actual.serialize(format="nt").splitlines() if line.strip())
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = Graph().parse(path, format="nt")
    if not isomorphic(expected, actual):
        _, only_golden, only_now = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = [f"- {' '.join(t.n3() for t in triple)}" for triple in sorted(only_golden)][:40]
        lines += [f"+ {' '.join(t.n3() for t in triple)}" for triple in sorted(only_now)][:40]
        pytest.fail(f"RDF differs from {path.name} (make golden regenerates it):\n" + "\n".join(lines))


@pytest.mark.slow
def test_extraction_of_the_golden_papers() -> None:
    papers = load_papers().papers[:GOLDEN_PAPERS]
    assert len(papers) == GOLDEN_PAPERS
    records = [e.to_dict() for e in Extractor().extract(papers)]
    for record in records:  # where the checkout lives is no part of the output
        for source in record["paper"]["sources"]:
            source["path"] = Path(source["path"]).name
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]
    _check_jsonl(GOLDEN / "extractions.jsonl", "\n".join(lines) + "\n")


def test_rdf_of_the_fixture_graph() -> None:
    _check_graph(GOLDEN / "graph.nt", graph_to_rdf(assemble(sample_extractions())))


def test_streamed_turtle_and_nquads_say_what_the_golden_rdf_says() -> None:
    """The build's streaming writer and the rdflib writer spell the same mapping: same triples."""
    graph = assemble(sample_extractions())
    golden = Graph().parse(GOLDEN / "graph.nt", format="nt")
    turtle = Graph().parse(data=serialize(graph, "turtle"), format="turtle")
    quads = Dataset()
    quads.parse(data=serialize(graph, "nquads"), format="nquads")
    union = Graph()
    for s, p, o, _ in quads.quads():
        union.add((s, p, o))
    assert isomorphic(golden, turtle)
    assert isomorphic(golden, union)
