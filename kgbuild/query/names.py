"""Find entities and papers in the store by the names people type (``gpt3`` finds GPT-3).

Names are compared by their normal form (``records.normalise_name``: case, spacing and
punctuation do not matter; digits do), first against display labels, then against aliases and
source ids. Near misses are offered as suggestions.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pyoxigraph as ox

from kgbuild.query.run import run_query
from kgbuild.records import normalise_name

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


class NameIndex:
    """Every entity's label, aliases and ids, read from the store once."""

    def __init__(self, store: ox.Store) -> None:
        self._by_key: dict[str, dict[int, set[tuple[str, str]]]] = {}
        self._labels: dict[str, str] = {}
        for row in run_query(store, _NAMES_QUERY).rows:
            iri, label = row["entity"].value, row["label"].value  # type: ignore[union-attr]
            name, tier = row["name"].value, int(row["tier"].value)  # type: ignore[union-attr]
            self._labels[iri] = label
            key = normalise_name(name)
            if key:
                self._by_key.setdefault(key, {}).setdefault(tier, set()).add((iri, label))
        self._store = store

    def resolve(self, name: str) -> list[Match]:
        """Entities called ``name``: those whose label matches, else those with a matching alias."""
        text = name.strip()
        if text.startswith("<") and text.endswith(">"):
            iri = text[1:-1]
            if iri in self._labels:
                return [Match(iri, self._labels[iri])]
        tiers = self._by_key.get(normalise_name(text), {})
        for tier in sorted(tiers):
            return [Match(iri, label) for iri, label in sorted(tiers[tier], key=lambda m: (m[1], m[0]))]
        raise UnknownName(f"no entity called {name!r} in the graph", self.suggest(text))

    def suggest(self, name: str, n: int = 6) -> list[str]:
        """Known labels closest to ``name`` (by their normal forms, then as written)."""
        key = normalise_name(name)
        by_norm: dict[str, str] = {}
        for label in sorted(set(self._labels.values())):
            by_norm.setdefault(normalise_name(label), label)
        close = difflib.get_close_matches(key, list(by_norm), n=n, cutoff=0.6)
        picks = [by_norm[c] for c in close]
        if key:  # names that contain what was typed (``llama`` -> Llama 2, Code Llama)
            picks += sorted((lbl for k, lbl in by_norm.items() if key in k and lbl not in picks), key=len)
        return picks[:n]

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
