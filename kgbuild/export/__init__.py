"""Export stage: the assembled graph as RDF (Turtle, N-Triples, JSON-LD, TriG, N-Quads).

Names are resolved lazily so that ``python -m kgbuild.export.gen_vocab`` still runs when
``kgbuild/vocab.py`` (which the RDF writer imports) is missing or stale.
"""

from __future__ import annotations

from typing import Any

_RDF_NAMES = (
    "DEFAULT_BASE_IRI",
    "ExportError",
    "graph_to_dataset",
    "graph_to_quads",
    "graph_to_rdf",
    "prefix_map",
    "serialize",
    "write_rdf",
)
_FILES_NAMES = ("export_extractions", "read_extractions")
__all__ = [*_RDF_NAMES, *_FILES_NAMES]


def __getattr__(name: str) -> Any:
    if name in _RDF_NAMES:
        from kgbuild.export import rdf

        return getattr(rdf, name)
    if name in _FILES_NAMES:
        from kgbuild.export import files

        return getattr(files, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
