"""A build over a corpus broken in every way we know (tests/fixtures/hostile.py): no crash, not one
valid paper lost, every output parses, every export format round-trips, hostile text stays text."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures.graph.rdfcheck import assert_isomorphic
from fixtures.hostile import write_hostile_corpus
from rdflib import RDF, Dataset, Graph, Namespace

from kgbuild.cli import main

KGO = Namespace("https://w3id.org/kgbuild/ontology#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated.*:DeprecationWarning")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], str]:
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    valid = write_hostile_corpus(corpus)
    out = root / "out"
    result = CliRunner().invoke(main, ["build", str(corpus), "-o", str(out), "--quiet", "--processes", "1"])
    return out, valid, result.output + f"\n(exit {result.exit_code})"


def test_no_crash_and_errors_reported(built: tuple[Path, list[str], str]) -> None:
    out, _, output = built
    assert output.endswith("(exit 1)"), output  # built, with record and file errors
    problems = [json.loads(line) for line in (out / "problems.jsonl").read_text().splitlines()]
    messages = " | ".join(p["message"] for p in problems)
    for expected in ("decompression bomb", "nested too deeply", "unterminated quote", "truncated gzip", "symlink loop"):
        assert expected in messages
    assert any(p["path"].endswith("paper.pdf") and "not read" in p["message"] for p in problems)


def test_not_one_valid_paper_is_lost(built: tuple[Path, list[str], str]) -> None:
    out, valid, _ = built
    extracted = [json.loads(line)["paper"]["title"] for line in (out / "extractions.jsonl").open(encoding="utf-8")]
    assert sorted(extracted) == sorted(valid)
    graph = Graph().parse(out / "graph.ttl", format="turtle")
    titles = {str(graph.value(paper, DCTERMS.title)) for paper in graph.subjects(RDF.type, KGO.Paper)}
    assert titles == set(valid)
    assert json.loads((out / "summary.json").read_text())["papers"] == len(valid) == 31


def test_every_output_parses_and_exports_round_trip(built: tuple[Path, list[str], str]) -> None:
    out, valid, _ = built
    reference = Graph().parse(out / "graph.ttl", format="turtle")
    store = ox.Store.read_only(str(out / "store"))
    papers = store.query(
        "SELECT DISTINCT ?p WHERE { ?p a <https://w3id.org/kgbuild/ontology#Paper> }", use_default_graph_as_union=True
    )
    assert len(list(papers)) == 31
    del store
    result = CliRunner().invoke(main, ["export", "-o", str(out), *(f"-f{f}" for f in ("turtle", "nt", "json-ld"))])
    assert result.exit_code == 0, result.output
    for name, fmt in (("graph.nt", "nt"), ("graph.jsonld", "json-ld")):
        path = next(out.glob(name.replace(".", ".*")))
        assert_isomorphic(reference, Graph().parse(path, format=fmt))
        list(ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip("."))))
    result = CliRunner().invoke(main, ["export", "-o", str(out), "-f", "trig", "-f", "nquads"])
    assert result.exit_code == 0, result.output
    for path in [*out.glob("graph.trig"), *out.glob("graph.nq")]:
        dataset = Dataset().parse(path, format="trig" if path.suffix == ".trig" else "nquads")
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        assert_isomorphic(reference, union)


def test_hostile_strings_are_text_in_the_html(built: tuple[Path, list[str], str]) -> None:
    out, _, _ = built
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "\x1b" not in html and "\x00" not in html
