"""Find entities and papers in the store by the names people type (``gpt3`` finds GPT-3).

Names are compared by their normal form (``records.normalise_name``: case, spacing and
punctuation do not matter; digits do), first against display labels, then against aliases and
source ids. Near misses are offered as suggestions. A build writes the names into an index
(``kgbuild.store.names``) so that a lookup never reads every name in the graph.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from kgbuild.query.run import run_query
from kgbuild.records import normalise_name
from kgbuild.store.names import NAMES_FILENAME, NameTable, names_path

_NAMES_QUERY = """
SELECT ?entity ?label ?name ?tier WHERE {
  ?entity a kgo:Entity ; rdfs:label ?label .
  { ?entity rdfs:label ?name BIND(0 AS ?tier) }
  UNION { ?entity skos:altLabel ?name BIND(1 AS ?tier) }
  UNION { ?entity dcterms:identifier ?name BIND(1 AS ?tier) }
}
"""
_PAPER_QUERY = """
SELECT ?paper ?title ?key WHERE {
  ?paper a kgo:Paper ; dcterms:title ?title .
  { ?paper dcterms:identifier ?key } UNION { ?paper kgo:arxivId ?key }
}
"""


class UnknownName(LookupError):
    """A name that matches nothing; ``suggestions`` are the closest known names."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


@dataclass(frozen=True)
class Match:
    iri: str
    label: str


NO_INDEX_WARNING = (
    "this build has no name index ({file}, written by newer builds): every question reads all names "
    "in the graph first, which takes seconds to minutes on a large graph; rebuild to make it fast"
)


class NameIndex:
    """Entities by the names people type: one lookup in the build's name index per name.

    Without an index (a build by an older kgbuild, or a bare store), every label, alias and id
    is read from the store once, on the first lookup: correct, but slow on a large graph.
    """

    def __init__(self, store: ox.Store, table: NameTable | None = None) -> None:
        self._store = store
        self._table = table
        self._scan: _ScannedNames | None = None

    @classmethod
    def for_build(
        cls, out_dir: str | os.PathLike[str], store: ox.Store, warn: Callable[[str], None] | None = None
    ) -> NameIndex:
        """The index of a build directory; ``warn`` hears when there is none and lookups will be slow."""
        path = names_path(out_dir)
        if path.is_file():
            return cls(store, NameTable(path))
        if warn is not None:
            warn(NO_INDEX_WARNING.format(file=NAMES_FILENAME))
        return cls(store)

    @property
    def indexed(self) -> bool:
        return self._table is not None

    def _scanned(self) -> _ScannedNames:
        if self._scan is None:
            self._scan = _ScannedNames(self._store)
        return self._scan

    def resolve(self, name: str) -> list[Match]:
        """Entities called ``name``: those whose label matches, else those with a matching alias."""
        text = name.strip()
        if text.startswith("<") and text.endswith(">"):
            found = self._label_of(text[1:-1])
            if found is not None:
                return [found]
        if self._table is not None:
            tiers = {
                t: [(e.iri, e.label) for e in ents] for t, ents in self._table.lookup(normalise_name(text)).items()
            }
        else:
            tiers = {t: list(ms) for t, ms in self._scanned().by_key.get(normalise_name(text), {}).items()}
        for tier in sorted(tiers):
            return [Match(iri, label) for iri, label in sorted(set(tiers[tier]), key=lambda m: (m[1], m[0]))]
        raise UnknownName(f"no entity called {name!r} in the graph", self.suggest(text))

    def label_of(self, iri: str) -> Match | None:
        """The entity with this IRI and its label; None when there is none."""
        return self._label_of(iri)

    def _label_of(self, iri: str) -> Match | None:
        if self._table is not None:
            entity = self._table.entity(iri)
            return Match(entity.iri, entity.label) if entity else None
        rows = run_query(
            self._store,
            "SELECT ?label ?e WHERE { ?e a kgo:Entity ; rdfs:label ?label } LIMIT 1",
            bindings={"e": ox.NamedNode(iri)},
        ).rows
        return Match(iri, rows[0]["label"].value) if rows else None  # type: ignore[union-attr]

    def suggest(self, name: str, n: int = 6) -> list[str]:
        """Known labels closest to ``name`` (by their normal forms, then as written)."""
        if self._table is not None:
            return self._table.suggest(name, n)
        return self._scanned().suggest(name, n)

    def resolve_paper(self, value: str) -> Match:
        text = value.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        for row in run_query(self._store, _PAPER_QUERY, bindings={"key": ox.Literal(text)}).rows:
            return Match(row["paper"].value, row["title"].value)  # type: ignore[union-attr]
        rows = (
            run_query(
                self._store,
                "SELECT ?title ?paper WHERE { ?paper a kgo:Paper ; dcterms:title ?title }",
                bindings={"paper": ox.NamedNode(text)},
            ).rows
            if "://" in text or text.startswith("urn:")
            else []
        )
        if rows:
            return Match(text, rows[0]["title"].value)  # type: ignore[union-attr]
        raise UnknownName(f"no paper with id, arXiv id or IRI {value!r}", [])


class _ScannedNames:
    """Every entity's label, aliases and ids, read from the store in one pass (builds without an index)."""

    def __init__(self, store: ox.Store) -> None:
        self.by_key: dict[str, dict[int, set[tuple[str, str]]]] = {}
        self.labels: dict[str, str] = {}
        for row in run_query(store, _NAMES_QUERY).rows:
            iri, label = row["entity"].value, row["label"].value  # type: ignore[union-attr]
            name, tier = row["name"].value, int(row["tier"].value)  # type: ignore[union-attr]
            self.labels[iri] = label
            key = normalise_name(name)
            if key:
                self.by_key.setdefault(key, {}).setdefault(tier, set()).add((iri, label))

    def suggest(self, name: str, n: int) -> list[str]:
        key = normalise_name(name)
        by_norm: dict[str, str] = {}
        for label in sorted(set(self.labels.values())):
            by_norm.setdefault(normalise_name(label), label)
        close = difflib.get_close_matches(key, list(by_norm), n=n, cutoff=0.6)
        picks = [by_norm[c] for c in close]
        if key:  # names that contain what was typed (``llama`` -> Llama 2, Code Llama)
            picks += sorted((lbl for k, lbl in by_norm.items() if key in k and lbl not in picks), key=len)
        return picks[:n]
