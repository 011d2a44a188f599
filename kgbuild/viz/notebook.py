"""A view shown inline in Jupyter: the same self-contained page, in a sandboxed iframe."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import networkx as nx

from kgbuild.viz.html import render_view
from kgbuild.viz.view import ViewSpec


@dataclass(frozen=True)
class InlineView:
    """Anything with ``_repr_html_`` is drawn by Jupyter; no IPython import is needed here."""

    page: str
    height: int = 640

    def _repr_html_(self) -> str:
        # srcdoc keeps the page's own CSP and isolates its script from the notebook's; escaping
        # the whole page for the attribute is what keeps its untrusted text inert.
        return (
            f'<iframe srcdoc="{escape(self.page, quote=True)}" sandbox="allow-scripts allow-popups" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ddd"></iframe>'
        )


def inline(graph: nx.MultiDiGraph, spec: ViewSpec | None = None, height: int = 640) -> InlineView:
    """The interactive view of ``graph`` for a notebook cell, e.g. ``inline(g, ViewSpec(focus="GPT-3"))``."""
    page, _numbers = render_view(graph, spec or ViewSpec())
    return InlineView(page, height)
