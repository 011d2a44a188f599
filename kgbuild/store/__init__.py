"""The persisted Oxigraph store that queries run against (``out/store/``)."""

from kgbuild.store.persist import STORE_DIRNAME, StoreError, load_store, open_store, store_path

__all__ = ["STORE_DIRNAME", "StoreError", "load_store", "open_store", "store_path"]
