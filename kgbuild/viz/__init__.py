"""Viz stage: the assembled graph as a self-contained, offline, interactive HTML page."""

from kgbuild.viz.html import (
    PHYSICS_MAX_NODES,
    VizSummary,
    render_html,
    render_view,
    select_nodes,
    write_html,
    write_view,
)
from kgbuild.viz.notebook import InlineView, inline
from kgbuild.viz.source import load_graph, view_build
from kgbuild.viz.view import View, ViewSpec, VizError, resolve_focus, select_view

__all__ = [
    "PHYSICS_MAX_NODES",
    "InlineView",
    "View",
    "ViewSpec",
    "VizError",
    "VizSummary",
    "inline",
    "load_graph",
    "render_html",
    "render_view",
    "resolve_focus",
    "select_nodes",
    "select_view",
    "view_build",
    "write_html",
    "write_view",
]
