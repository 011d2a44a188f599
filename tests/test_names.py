"""The name index a build writes: lookups match the store's names, no scan, and old builds say they are slow."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fixtures.query.lineage import build_lineage_store

from kgbuild.cli import main
from kgbuild.query.api import ask_build
from kgbuild.query.names import NameIndex, UnknownName
from kgbuild.records import normalise_name
from kgbuild.store import open_store
from kgbuild.store.names import NAMES_FILENAME, NameTable


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lineage_store(tmp_path_factory.mktemp("names"))


@pytest.fixture(scope="module")
def store(out_dir: Path) -> ox.Store:
    return open_store(out_dir / "store")


def _store_names(store: ox.Store) -> set[str]:
    query = """SELECT DISTINCT ?name WHERE { ?e a kgo:Entity .
               { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } UNION { ?e dcterms:identifier ?name } }"""
    return {s["name"].value for s in store.query(query, use_default_graph_as_union=True, prefixes=_PREFIXES)}  # type: ignore[index,union-attr]


_PREFIXES = {
    "kgo": "https://w3id.org/kgbuild/ontology#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
}


def test_every_name_in_the_store_resolves_through_the_index_as_through_a_scan(out_dir: Path, store: ox.Store) -> None:
    indexed = NameIndex.for_build(out_dir, store)
    scanned = NameIndex(store)  # no table: reads every name from the store
    assert indexed.indexed and not scanned.indexed
    names = _store_names(store)
    assert len(names) > 20
    for name in sorted(names):
        assert indexed.resolve(name) == scanned.resolve(name), name
        assert indexed.resolve(name.upper().replace("-", " ")) == indexed.resolve(name)  # the normal form


def test_index_lookup_is_one_keyed_read(out_dir: Path) -> None:
    table = NameTable(out_dir / NAMES_FILENAME)
    plan = " ".join(
        row[3]
        for row in table._db.execute(
            "EXPLAIN QUERY PLAN SELECT n.tier, e.iri FROM name n JOIN entity e ON e.iri = n.iri WHERE n.key = ?",
            ("gpt3",),
        )
    )
    assert "SCAN" not in plan and "SEARCH" in plan  # an index search, never a scan of all names
    assert {e.label for e in table.lookup(normalise_name("GPT 3"))[1]} == {"GPT-3"}  # "gpt3" is an alias
    assert table.lookup("nosuchname") == {}


def test_unknown_names_get_suggestions_from_the_index(out_dir: Path, store: ox.Store) -> None:
    index = NameIndex.for_build(out_dir, store)
    with pytest.raises(UnknownName) as info:
        index.resolve("GamaNet")
    assert "GammaNet" in info.value.suggestions
    with pytest.raises(UnknownName) as info:
        index.resolve("Net-13")  # contained in a longer name
    assert "BetaNet-13B" in info.value.suggestions


def test_iri_names_resolve_with_their_label(out_dir: Path, store: ox.Store) -> None:
    index = NameIndex.for_build(out_dir, store)
    gpt3 = index.resolve("GPT-3")[0]
    assert index.resolve(f"<{gpt3.iri}>") == [gpt3]
    assert NameIndex(store).resolve(f"<{gpt3.iri}>") == [gpt3]


def test_a_build_without_an_index_still_answers_and_says_it_is_slow(tmp_path: Path) -> None:
    old = build_lineage_store(tmp_path / "old", with_names=False)
    warnings: list[str] = []
    result = ask_build(old, "who proposed BetaNet?", warn=warnings.append)
    assert [a.paper_id for a in result.answers] == ["beta"]
    assert len(warnings) == 1 and "no name index" in warnings[0] and "rebuild" in warnings[0]
    cli = CliRunner().invoke(main, ["ask", "-o", str(old), "who proposed BetaNet?"])
    assert cli.exit_code == 0 and "warning: this build has no name index" in cli.stderr
    quiet = CliRunner().invoke(main, ["ask", "-o", str(build_lineage_store(tmp_path / "new")), "who proposed BetaNet?"])
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
