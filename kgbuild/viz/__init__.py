"""Viz stage: the assembled graph as a self-contained, offline, interactive HTML page.

Names resolve lazily: the web pages use ``kgbuild.viz.style`` alone and should not pay for
importing networkx and pyvis on their first request.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "PHYSICS_MAX_NODES": "html",
    "VizSummary": "html",
    "render_html": "html",
    "render_view": "html",
    "select_nodes": "html",
    "write_html": "html",
    "write_view": "html",
    "InlineView": "notebook",
    "inline": "notebook",
    "load_graph": "source",
    "view_build": "source",
    "View": "view",
    "ViewSpec": "view",
    "VizError": "view",
    "resolve_focus": "view",
    "select_view": "view",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"kgbuild.viz.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
