"""A build over a corpus broken in every way we know (tests/fixtures/hostile.py): no crash, not one
valid paper lost, every output parses, every export format round-trips, hostile text stays text."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from fixtures.hostile import write_hostile_corpus

from kgbuild.cli import main

# rdflib's JSON-LD parser uses its deprecated ConjunctiveGraph API internally
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


def _triples(path: Path) -> set[tuple[str, str, str]]:
    """The file's triples (graph names dropped), parsed strictly by Oxigraph. kgbuild writes no
    blank nodes, so two files are isomorphic exactly when these sets are equal."""
    if path.suffix == ".jsonld":
        # Oxigraph's JSON-LD parser buffers at most 16 MiB per value, less than the 10 MB abstract
        # takes escaped; rdflib reads it, and its terms print in N-Triples syntax like Oxigraph's
        graph = rdflib.Dataset().parse(path, format="json-ld")
        return {(s.n3(), p.n3(), o.n3()) for s, p, o, _ in graph.quads((None, None, None, None))}
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    triples = set()
    for quad in ox.parse(path=str(path), format=fmt):
        assert not any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object))
        triples.add((str(quad.subject), str(quad.predicate), str(quad.object)))
    return triples


def test_not_one_valid_paper_is_lost(built: tuple[Path, list[str], str]) -> None:
    out, valid, _ = built
    extracted = [json.loads(line)["paper"]["title"] for line in (out / "extractions.jsonl").open(encoding="utf-8")]
    assert sorted(extracted) == sorted(valid)
    store = ox.Store.read_only(str(out / "store"))
    rows = store.query(
        "SELECT ?title WHERE { ?p a <https://w3id.org/kgbuild/ontology#Paper> ; <http://purl.org/dc/terms/title> ?title }",
        use_default_graph_as_union=True,
    )
    assert sorted(row["title"].value for row in rows) == sorted(valid)
    assert json.loads((out / "summary.json").read_text())["papers"] == len(valid) == 31


def test_every_output_parses_and_exports_round_trip(built: tuple[Path, list[str], str]) -> None:
    out, _, _ = built
    reference = _triples(out / "graph.ttl")
    formats = ("turtle", "nt", "json-ld", "trig", "nquads")
    result = CliRunner().invoke(main, ["export", "-o", str(out), *(f"-f{f}" for f in formats)])
    assert result.exit_code == 0, result.output
    written = [Path(line.removeprefix("wrote ")) for line in result.output.splitlines() if line.startswith("wrote ")]
    assert len(written) == len(formats)
    for path in written:
        assert _triples(path) == reference, path.name


def test_hostile_strings_are_text_in_the_html(built: tuple[Path, list[str], str]) -> None:
    out, _, _ = built
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "\x1b" not in html and "\x00" not in html
