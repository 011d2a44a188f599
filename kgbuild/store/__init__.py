"""The persisted Oxigraph store that queries run against (``out/store/``).

Names resolve lazily: opening a store for queries needs only pyoxigraph, while writing one pulls
in the RDF exporter (rdflib, networkx), which query workers should not pay for at start-up.
"""

from __future__ import annotations

from typing import Any

_OPEN = ("STORE_DIRNAME", "StoreError", "open_store", "store_path")
_PERSIST = ("load_store", "load_store_file")
__all__ = [*_OPEN, *_PERSIST]


def __getattr__(name: str) -> Any:
    if name in _OPEN:
        from kgbuild.store import location

        return getattr(location, name)
    if name in _PERSIST:
        from kgbuild.store import persist

        return getattr(persist, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
