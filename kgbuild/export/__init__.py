"""Export stage: the assembled graph as RDF (Turtle, N-Triples, ...), using the kgbuild ontology.

Names are resolved lazily so that ``python -m kgbuild.export.gen_vocab`` still runs when
``kgbuild/vocab.py`` (which the RDF writer imports) is missing or stale.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_BASE_IRI", "ExportError", "graph_to_rdf", "serialize", "write_rdf"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kgbuild.export import rdf

        return getattr(rdf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
