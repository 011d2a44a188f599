"""The persisted store: built once, swapped in whole, opened read-only, same quads as TriG."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from fixtures.graph.papers import paper_one, sample_extractions

from kgbuild.export import graph_to_quads, serialize
from kgbuild.graph import assemble
from kgbuild.store import StoreError, load_store, open_store, store_path

DERIVED = "https://w3id.org/kgbuild/derived"


def _exported(store: ox.Store) -> ox.Dataset:
    """The store without the graph the build derives from it (``store/derived.py``)."""
    return ox.Dataset(q for q in store if q.graph_name != ox.NamedNode(DERIVED))


def test_store_holds_the_trig_dataset_and_the_derived_graph(tmp_path: Path) -> None:
    graph = assemble(sample_extractions())
    count = load_store(graph, tmp_path / "store")
    store = open_store(tmp_path / "store")
    derived = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(DERIVED))))
    assert derived > 0 and count == len(graph_to_quads(graph)) + derived
    expected = ox.Dataset(ox.parse(serialize(graph, format="trig"), ox.RdfFormat.TRIG))
    assert _exported(store) == expected
    names = {g.value for g in store.named_graphs()}
    assert names == {
        "https://w3id.org/kgbuild/paper/p1",
        "https://w3id.org/kgbuild/paper/p2",
        "https://w3id.org/kgbuild/paper/2403.99999v2",
        DERIVED,
    }


def test_rebuild_replaces_the_store_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    load_store(assemble(sample_extractions()), tmp_path / "store")
    smaller = assemble([paper_one()])
    load_store(smaller, tmp_path / "store")
    assert len(_exported(open_store(tmp_path / "store"))) == len(graph_to_quads(smaller))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_store_is_read_only_and_shared(tmp_path: Path) -> None:
    load_store(assemble(sample_extractions()), tmp_path / "store")
    first, second = open_store(tmp_path / "store"), open_store(tmp_path / "store")
    assert len(first) == len(second) > 0
    with pytest.raises(Exception, match="read-write"):
        first.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="kgbuild build"):
        open_store(store_path(tmp_path))


def test_never_replaces_a_directory_that_is_not_a_store(tmp_path: Path) -> None:
    precious = tmp_path / "store"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="not a kgbuild store"):
        load_store(assemble(sample_extractions()), precious)
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_store_directory_gets_the_umask_mode(tmp_path) -> None:
    import os
    import stat

    import networkx as nx

    from kgbuild.store import load_store

    old = os.umask(0o022)
    try:
        load_store(nx.MultiDiGraph(), tmp_path / "store")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "store").stat().st_mode) == 0o755


def test_store_loaded_in_small_parts_holds_the_same_quads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = assemble(sample_extractions())
    quads = graph_to_quads(graph)
    assert not any(isinstance(term, ox.BlankNode) for quad in quads for term in quad)  # parts are safe
    whole = load_store(graph, tmp_path / "whole")
    import kgbuild.store.persist as persist

    monkeypatch.setattr(persist, "QUADS_PER_PART", 7)  # many parts, the last one short
    assert load_store(graph, tmp_path / "parts") == whole > len(quads) > 7  # the derived graph too
    assert ox.Dataset(open_store(tmp_path / "parts")) == ox.Dataset(open_store(tmp_path / "whole"))
