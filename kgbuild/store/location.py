"""Where a build's store lives, and opening it read-only (pyoxigraph only; no RDF libraries)."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

STORE_DIRNAME = "store"
# RocksDB writes this file in every database directory; its presence says "this is a store".
STORE_MARKER = "CURRENT"


class StoreError(RuntimeError):
    """The store is missing, unreadable, or cannot be written where asked."""


def store_path(out_dir: str | os.PathLike[str]) -> Path:
    """The store directory of a build directory (``out/`` -> ``out/store``)."""
    return Path(out_dir) / STORE_DIRNAME


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    """Open a store read-only (many processes may do so at once; nothing can be written)."""
    target = Path(path)
    if not (target / STORE_MARKER).is_file():
        raise StoreError(f"no store at {target}; run 'kgbuild build -o {target.parent}' first")
    try:
        return ox.Store.read_only(str(target))
    except OSError as e:
        raise StoreError(f"cannot open the store at {target}: {e}") from e
