"""The knowledge graph as one self-contained, offline, interactive HTML page (pyvis/vis-network)."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
from jinja2.utils import htmlsafe_json_dumps
from pyvis.network import Network

from kgbuild.atomic import write_text_atomic
from kgbuild.viz import style
from kgbuild.viz.template import PAGE, environment, vis_css, vis_js

# Above this many shown nodes the force simulation is switched off: positions come from a
# seeded spring layout computed here, so big pages open instantly and identically every time.
PHYSICS_MAX_NODES = 150
LAYOUT_SEED = 42


@dataclass(frozen=True)
class VizSummary:
    path: str
    nodes_total: int
    nodes_shown: int
    nodes_omitted: int
    edges_shown: int  # drawn edges; parallel facts of one relation are drawn as one edge
    physics: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class VizError(ValueError):
    """Bad arguments to the HTML writer."""


def select_nodes(graph: nx.MultiDiGraph, max_nodes: int) -> list[str]:
    """The nodes to draw: all of them, or the ``max_nodes`` of highest degree (ties by id)."""
    if max_nodes < 1:
        raise VizError(f"max_nodes must be at least 1, got {max_nodes}")
    ranked = sorted(graph.nodes, key=lambda n: (-graph.degree(n), str(n)))
    return sorted(ranked[:max_nodes], key=str)


def layout(graph: nx.MultiDiGraph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    """Seeded spring layout in pixels; the same graph always gets the same picture."""
    simple = nx.Graph()
    simple.add_nodes_from(nodes)
    kept = set(nodes)
    simple.add_edges_from(sorted({(u, v) for u, v in graph.edges() if u in kept and v in kept and u != v}))
    scale = 60.0 * max(1.0, len(nodes) ** 0.5)
    try:
        pos = nx.spring_layout(simple, seed=LAYOUT_SEED, scale=scale)
    except ImportError:
        # networkx needs SciPy for >= 500 nodes, which kgbuild does not depend on
        pos = nx.circular_layout(simple, scale=scale)
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}


def _grouped_edges(graph: nx.MultiDiGraph, kept: set[str]) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        if u in kept and v in kept:
            groups.setdefault((u, v, str(data.get("relation", key))), []).append(data)
    return dict(sorted(groups.items()))


def build_network(graph: nx.MultiDiGraph, nodes: list[str], physics: bool) -> Network:
    """A pyvis Network holding the chosen nodes and their edges, styled and positioned."""
    net = Network(directed=True, cdn_resources="in_line")
    positions = layout(graph, nodes)
    for node in nodes:
        data = graph.nodes[node]
        cat = style.category(data)
        x, y = positions[node]
        net.add_node(
            node,
            label=style.short_label(data.get("label") or node),
            title=style.node_title(data),
            size=style.node_size(graph.degree(node)),
            shape="dot",
            x=x,
            y=y,
            group=cat,  # colour comes from the group, as in the legend
        )
    for (u, v, relation), occurrences in _grouped_edges(graph, set(nodes)).items():
        net.add_edge(
            u,
            v,
            title=style.edge_title(relation, occurrences),
            width=round(1 + len(occurrences) ** 0.5, 2),
            color=style.EDGE_COLOUR,
            arrows="to",
        )
    # A plain dict is passed through to the page as JSON by pyvis' get_network_data().
    net.options = {
        "interaction": {"hover": True, "tooltipDelay": 150},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}},
        "nodes": {"font": {"size": 12}},
        "groups": {cat: {"color": colour} for cat, colour in style.CATEGORY_COLOURS.items()},
        "physics": {"enabled": physics, "stabilization": {"enabled": True, "iterations": 200}},
    }
    return net


def render_html(graph: nx.MultiDiGraph, max_nodes: int = 400) -> tuple[str, dict[str, Any]]:
    """The page text and the numbers that go into its ``VizSummary``."""
    nodes = select_nodes(graph, max_nodes)
    physics = len(nodes) <= PHYSICS_MAX_NODES
    net = build_network(graph, nodes, physics)
    node_data, edge_data, _heading, _height, _width, options = net.get_network_data()
    total = graph.number_of_nodes()
    omitted = total - len(nodes)
    counts = Counter(style.category(graph.nodes[n]) for n in nodes)
    legend = [
        {"label": style.CATEGORY_LABELS[cat], "colour": colour, "count": counts.get(cat, 0)}
        for cat, colour in style.CATEGORY_COLOURS.items()
    ]
    note = (
        f"Showing {len(nodes)} of {total} nodes: {omitted} lower-degree nodes were left out "
        f"(limit {max_nodes})."
        if omitted
        else None
    )
    papers = sum(1 for n in graph.nodes if graph.nodes[n].get("type") == "paper")
    stats = f"{papers} papers, {total} nodes, {graph.number_of_edges()} edges."
    page = environment().from_string(PAGE).render(
        heading="kgbuild knowledge graph",
        stats=stats,
        note=note,
        legend=legend,
        # htmlsafe_json_dumps escapes < > & ' as \\u00XX, so data can never close the <script>
        nodes=htmlsafe_json_dumps(node_data, dumps=json.dumps, sort_keys=True),
        edges=htmlsafe_json_dumps(edge_data, dumps=json.dumps, sort_keys=True),
        options=htmlsafe_json_dumps(json.loads(options), dumps=json.dumps, sort_keys=True),
        vis_js=vis_js(),
        vis_css=vis_css(),
    )
    numbers = {
        "nodes_total": total,
        "nodes_shown": len(nodes),
        "nodes_omitted": omitted,
        "edges_shown": len(edge_data),
        "physics": physics,
    }
    return page, numbers


def write_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str], max_nodes: int = 400) -> VizSummary:
    """Write the interactive view atomically; works offline, from a file:// URL."""
    page, numbers = render_html(graph, max_nodes)
    write_text_atomic(path, page)
    return VizSummary(path=os.fspath(path), **numbers)


__all__ = ["VizError", "VizSummary", "render_html", "select_nodes", "write_html"]
