"""The name index a build writes beside its store (``out/names.sqlite``): normal form -> entities.

Resolving a typed name (``gpt3``) used to read every label and alias from the store, about 230k
of them and 25 s at 75k papers, on every question. The build knows all names already, so it
writes them once into a small SQLite file keyed by ``records.normalise_name``; a question then
costs one indexed lookup. Near misses for an unknown name come from the same file: names that
start with what was typed, and (through a trigram full-text table) names that contain it.
"""

from __future__ import annotations

import difflib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kgbuild.records import normalise_name

if TYPE_CHECKING:  # the reader runs in query workers, which should not import networkx
    import networkx as nx

NAMES_FILENAME = "names.sqlite"
LABEL_TIER = 0  # the display label
ALIAS_TIER = 1  # an alias or a source id
_SCHEMA = """
CREATE TABLE entity (iri TEXT PRIMARY KEY, label TEXT NOT NULL, kind TEXT, papers INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE name (key TEXT NOT NULL, tier INTEGER NOT NULL, iri TEXT NOT NULL, PRIMARY KEY (key, tier, iri))
  WITHOUT ROWID;
CREATE VIRTUAL TABLE label_text USING fts5(key, iri UNINDEXED, tokenize='trigram');
"""


class NameIndexError(RuntimeError):
    """The name index is missing or unreadable."""


@dataclass(frozen=True)
class NamedEntity:
    iri: str
    label: str
    kind: str | None = None
    papers: int = 0


def names_path(out_dir: str | os.PathLike[str]) -> Path:
    return Path(out_dir) / NAMES_FILENAME


def entity_names(graph: nx.MultiDiGraph, base_iri: str) -> Iterator[tuple[NamedEntity, list[tuple[str, int]]]]:
    """Each entity node of ``graph`` with its (name, tier) pairs: the label, its aliases and ids."""
    from kgbuild.export import iris
    from kgbuild.graph.ids import strip_prefix

    base = iris.check_base(base_iri)
    for node, data in graph.nodes(data=True):
        if data.get("type") != "entity":
            continue
        key = strip_prefix(node)
        label = data.get("label") or key
        entity = NamedEntity(iris.entity_iri(base, key), label, data.get("kind"), int(data.get("papers") or 0))
        names = [(label, LABEL_TIER)]
        names += [(alias, ALIAS_TIER) for alias in data.get("aliases", [])]
        names += [(entity_id, ALIAS_TIER) for entity_id in data.get("ids", [key])]
        yield entity, names


def write_name_index(entries: Iterable[tuple[NamedEntity, list[tuple[str, int]]]], path: str | os.PathLike[str]) -> int:
    """Write the index of ``entries`` to ``path`` atomically; returns the number of entities."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    count = 0
    try:
        db = sqlite3.connect(tmp_name)
        try:
            db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            for entity, names in entries:
                count += 1
                db.execute(
                    "INSERT OR IGNORE INTO entity VALUES (?, ?, ?, ?)",
                    (entity.iri, entity.label, entity.kind, entity.papers),
                )
                # sorted: a set iterates in hash-seed order, and SQLite pages follow insertion order
                keys = {(normalise_name(name), tier) for name, tier in names}
                db.executemany(
                    "INSERT OR IGNORE INTO name VALUES (?, ?, ?)", [(k, t, entity.iri) for k, t in sorted(keys) if k]
                )
                label_key = normalise_name(entity.label)
                if label_key:
                    db.execute("INSERT INTO label_text VALUES (?, ?)", (label_key, entity.iri))
            db.commit()
        finally:
            db.close()
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return count


def write_graph_names(graph: nx.MultiDiGraph, out_dir: str | os.PathLike[str], base_iri: str) -> Path:
    """The build's step: the name index of ``graph`` into ``out_dir``; returns its path."""
    path = names_path(out_dir)
    write_name_index(entity_names(graph, base_iri), path)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class NameTable:
    """A read-only view of a name index file; each lookup is one indexed query."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise NameIndexError(f"no name index at {self.path}")
        try:
            # immutable: no locks, no journal; many readers at once (the build replaces the file whole)
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True, check_same_thread=False)
            self._db.execute("SELECT 1 FROM name LIMIT 1")
        except sqlite3.Error as e:
            raise NameIndexError(f"cannot read the name index at {self.path}: {e}") from e

    def close(self) -> None:
        self._db.close()

    def lookup(self, key: str) -> dict[int, list[NamedEntity]]:
        """Entities whose label (tier 0) or alias/id (tier 1) has the normal form ``key``."""
        found: dict[int, list[NamedEntity]] = {}
        rows = self._db.execute(
            "SELECT n.tier, e.iri, e.label, e.kind, e.papers FROM name n JOIN entity e ON e.iri = n.iri "
            "WHERE n.key = ? ORDER BY n.tier, e.label, e.iri",
            (key,),
        )
        for tier, iri, label, kind, papers in rows:
            found.setdefault(tier, []).append(NamedEntity(iri, label, kind, papers))
        return found

    def entity(self, iri: str) -> NamedEntity | None:
        row = self._db.execute("SELECT iri, label, kind, papers FROM entity WHERE iri = ?", (iri,)).fetchone()
        return NamedEntity(*row) if row else None

    def suggest(self, name: str, n: int = 6) -> list[str]:
        """Labels close to ``name``: similar spellings sharing its first letters, then labels containing it."""
        key = normalise_name(name)
        if not key:
            return []
        # candidates sharing the first two characters, most written about first: a bounded read
        prefix = key[:2]
        rows = self._db.execute(
            "SELECT n.key, e.label FROM name n JOIN entity e ON e.iri = n.iri "
            "WHERE n.key >= ? AND n.key < ? AND n.tier = 0 ORDER BY e.papers DESC LIMIT 5000",
            (prefix, prefix + "\U0010ffff"),
        ).fetchall()
        by_key = {k: label for k, label in rows}
        picks = [by_key[c] for c in difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.6)]
        if len(key) >= 3:  # the trigram table finds names containing what was typed (llama -> Code Llama)
            contained = self._db.execute(
                "SELECT e.label FROM label_text t JOIN entity e ON e.iri = t.iri WHERE label_text MATCH ? "
                "ORDER BY e.papers DESC, length(e.label) LIMIT ?",
                ('"' + key + '"', n * 2),
            ).fetchall()
            picks += [label for (label,) in contained if label not in picks]
        return picks[:n]
