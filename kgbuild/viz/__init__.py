"""Viz stage: the assembled graph as a self-contained, offline, interactive HTML page."""

from kgbuild.viz.html import PHYSICS_MAX_NODES, VizError, VizSummary, render_html, select_nodes, write_html

__all__ = ["PHYSICS_MAX_NODES", "VizError", "VizSummary", "render_html", "select_nodes", "write_html"]
