"""``kgbuild serve``: the built store as a read-only SPARQL 1.1 Protocol endpoint on localhost.

Names resolve lazily so that a query worker process (``kgbuild.serve.child``) imports only what
answering needs, not the HTTP server.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServeError", "SparqlServer", "make_server", "serve_forever"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kgbuild.serve import http

        return getattr(http, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
