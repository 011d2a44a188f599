"""The knowledge graph as one self-contained, offline, interactive HTML page (pyvis/vis-network)."""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import networkx as nx
from jinja2.utils import htmlsafe_json_dumps
from pyvis.network import Network

from kgbuild.atomic import write_text_atomic
from kgbuild.viz import style
from kgbuild.viz.fold import fold_papers
from kgbuild.viz.layout import layout, separate_boxes
from kgbuild.viz.template import PAGE, environment, explorer_css, explorer_js, vis_css, vis_js
from kgbuild.viz.view import DEFAULT_MAX_NODES, View, ViewSpec, VizError, resolve_focus, select_view

# Above this many shown nodes the force simulation is off: vis-network's physics takes seconds
# at a few hundred nodes and minutes at thousands, while the precomputed layout draws at once.
PHYSICS_MAX_NODES = 40
# Above this many drawn edges the relation is only named on hover: labels on every edge of a
# big view are an unreadable grey mass and slow every redraw.
EDGE_LABEL_MAX_EDGES = 120
# Left-out nodes the page's search still finds: the best-connected ones. Every node of a 75k-paper
# graph made graph.html 28 MB; the search list is now bounded whatever the graph's size.
SEARCH_MAX_OMITTED = 4000
# Pixels per sqrt(node) in the precomputed layout: tight enough that a fitted ~100-node view
# draws its labels at a readable size, loose enough that neighbouring labels rarely collide.
ENTITY_SPACING = 110.0
# Width / height the components are packed to: the drawing area of a 1400x900 page is ~1.5 wide,
# and packing holes make the result taller than asked, so ask for wider.
PAGE_ASPECT = 2.6
LABEL_FONT = 30  # node label size in layout pixels; a ~100-node view is fitted at ~0.45 zoom
MAX_NODE = 12.0
LINEAGE_RELATIONS = frozenset({"based_on", "variant_of"})


@dataclass(frozen=True)
class VizSummary:
    path: str
    nodes_total: int
    nodes_shown: int
    nodes_omitted: int
    edges_shown: int  # drawn edges; parallel facts of one relation are drawn as one edge
    physics: bool
    focus: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def select_nodes(graph: nx.MultiDiGraph, max_nodes: int) -> list[str]:
    """The nodes to draw: all of them, or the ``max_nodes`` of highest degree (ties by id)."""
    return select_view(graph, ViewSpec(max_nodes=max_nodes)).nodes


def _paper_ids(graph: nx.MultiDiGraph, node: str) -> list[str]:
    """Papers a node was read in: the provenance of its edges (a paper node is its own)."""
    data = graph.nodes[node]
    if data.get("type") == "paper":
        return [node.split(":", 1)[1]]
    if data.get("type") == "result":
        return [str(data.get("paper_id"))]
    found = {str(d["paper_id"]) for _, _, d in graph.in_edges(node, data=True) if d.get("paper_id")}
    found |= {str(d["paper_id"]) for _, _, d in graph.out_edges(node, data=True) if d.get("paper_id")}
    return sorted(found)


def _best_evidence(graph: nx.MultiDiGraph, node: str) -> Mapping[str, Any] | None:
    """The most telling sentence about a node: a non-``mentions`` fact of highest confidence."""
    incident = [d for _, _, d in graph.in_edges(node, data=True)] + [d for _, _, d in graph.out_edges(node, data=True)]
    with_text = [d for d in incident if d.get("sentence")]
    if not with_text:
        return None
    return min(
        with_text,
        key=lambda d: (
            d.get("relation") == "mentions",
            -(d.get("confidence") or 0.0),
            str(d.get("paper_id")),
            d.get("start") or 0,
        ),
    )


def _grouped_edges(
    graph: nx.MultiDiGraph, edges: list[tuple[str, str, str]]
) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for u, v, key in edges:
        data = graph.edges[u, v, key]
        groups.setdefault((u, v, str(data.get("relation", key))), []).append(data)
    return dict(sorted(groups.items()))


def _search_names(graph: nx.MultiDiGraph, node: str) -> list[str]:
    """Names the page's search box matches: label, aliases, and for papers the arXiv id."""
    data = graph.nodes[node]
    names = [str(data.get("label") or node)] + [str(a) for a in data.get("aliases", [])]
    if data.get("arxiv_id"):
        names.append(str(data["arxiv_id"]))
    return names


def build_network(
    graph: nx.MultiDiGraph,
    view: View,
    physics: bool,
    paper_titles: Mapping[str, str],
    hierarchical: bool = False,
    source: nx.MultiDiGraph | None = None,
) -> Network:
    """A pyvis Network holding the view's nodes and edges, styled and positioned.

    ``hierarchical``: a lineage view, laid out top-down by vis-network (what is built on
    something sits below it), so no positions are computed here.
    """
    source = graph if source is None else source  # the unfolded graph, papers and all
    net = Network(directed=True, cdn_resources="in_line")
    grouped = _grouped_edges(graph, view.edges)
    positions = (
        {}
        if hierarchical
        else layout(view.nodes, [(u, v) for u, v, _ in grouped], spacing=ENTITY_SPACING, aspect=PAGE_ASPECT)
    )
    if positions:
        # label boxes at the page's font size: a node's label sits under it
        boxes: dict[Hashable, tuple[float, float]] = {
            n: (
                max(LABEL_FONT * 0.6 * len(style.short_label(graph.nodes[n].get("label") or n)), 2 * MAX_NODE),
                LABEL_FONT * 1.3 + 2 * style.node_size(graph.degree(n)),
            )
            for n in view.nodes
        }
        positions = separate_boxes(positions, boxes)
    focus = set(view.focus)
    for node in view.nodes:
        data = graph.nodes[node]
        cat = style.category(data)
        x, y = positions.get(node, (None, None))
        # an entity's papers and best sentence come from the full graph: mentions included
        papers = _paper_ids(source, node)
        colour = style.CATEGORY_COLOURS[cat]
        net.add_node(
            node,
            label=style.short_label(data.get("label") or node),
            title=style.node_title(
                data, [paper_titles.get(p, p) for p in papers], _best_evidence(source, node), paper_titles
            ),
            size=style.node_size(graph.degree(node)) * (0.7 if cat == "result" else 1.0),
            shape=style.CATEGORY_SHAPES[cat],
            color={
                "background": colour,
                "border": "#222" if node in focus else colour,
                "highlight": {"background": colour, "border": "#000"},
            },
            borderWidth=4 if node in focus else 1,
            **({"x": x, "y": y} if x is not None else {}),
            group=cat,
            # below: read by the page's script (search, filters, details panel), not by vis
            kgNames=_search_names(graph, node),
            kgPapers=papers,
            kgUrl=data.get("url") if data.get("type") == "paper" else None,
        )
    labelled = len(grouped) <= EDGE_LABEL_MAX_EDGES
    for i, ((u, v, relation), occurrences) in enumerate(grouped.items()):
        colour = style.relation_colour(relation)
        # the papers behind an edge are its evidence count: "compares with ×12"
        n_papers = len({str(o.get("paper_id")) for o in occurrences})
        label = style.relation_label(relation) + (f" ×{n_papers}" if n_papers > 1 else "")
        extra: dict[str, Any] = {"label": label} if labelled else {}
        net.add_edge(
            u,
            v,
            id=f"e{i}",
            title=style.edge_title(relation, occurrences, paper_titles),
            width=round(min(1 + 1.5 * math.log2(len(occurrences)), 8), 2) if occurrences else 1,
            color={"color": colour, "highlight": "#000", "hover": "#333"},
            arrows="to",
            kgRelation=relation,
            kgPapers=sorted({str(o["paper_id"]) for o in occurrences if o.get("paper_id")}),
            **extra,
        )
    # A plain dict is passed through to the page as JSON by pyvis' get_network_data().
    net.options = {
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": not physics},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "font": {"size": 20, "color": "#555", "strokeWidth": 5, "strokeColor": "#fff", "align": "top"},
        },
        # large enough to read at the zoom a ~100-node view fits 1400x900 at
        "nodes": {"font": {"size": LABEL_FONT, "strokeWidth": 6, "strokeColor": "#fff"}},
        "groups": {
            cat: {"color": colour, "shape": style.CATEGORY_SHAPES[cat]}
            for cat, colour in style.CATEGORY_COLOURS.items()
        },
        # positions are given: vis' own initial layout pass would only cost time
        "layout": {"improvedLayout": False}
        if not hierarchical
        else {
            "hierarchical": {
                "enabled": True,
                "direction": "DU",  # edges point from the derived entity up to its base
                "sortMethod": "directed",
                "levelSeparation": 130,
                "nodeSpacing": 170,
            }
        },
        # small views only: springs about as long as the layout's spacing, so the simulation
        # relaxes overlaps instead of pulling the precomputed picture together
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -6000,
                "springLength": 140,
                "springConstant": 0.03,
                "avoidOverlap": 0.2,
            },
            "stabilization": {"enabled": True, "iterations": 150},
        },
    }
    return net


def _legend(
    graph: nx.MultiDiGraph, view: View, edge_data: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    counts = Counter(style.category(graph.nodes[n]) for n in view.nodes)
    kinds = [
        {
            "key": cat,
            "label": style.CATEGORY_LABELS[cat],
            "colour": colour,
            "shape": style.CATEGORY_SHAPES[cat],
            "count": counts.get(cat, 0),
        }
        for cat, colour in style.CATEGORY_COLOURS.items()
    ]
    rel_counts = Counter(e["kgRelation"] for e in edge_data)
    relations = [
        {"key": rel, "label": style.relation_label(rel), "colour": style.relation_colour(rel), "count": n}
        for rel, n in sorted(rel_counts.items())
    ]
    return kinds, relations


def _json(value: Any) -> str:
    # htmlsafe_json_dumps escapes < > & ' as \u00XX, so data can never close the <script>
    return htmlsafe_json_dumps(value, dumps=json.dumps, sort_keys=True)


def _heading(graph: nx.MultiDiGraph, view: View, spec: ViewSpec) -> str:
    if not view.focus:
        return "kgbuild knowledge graph"
    labels = ", ".join(str(graph.nodes[n].get("label") or n) for n in view.focus)
    return f"kgbuild knowledge graph: {labels} ({spec.hops} hop{'s' if spec.hops != 1 else ''})"


def _entity_level(graph: nx.MultiDiGraph, spec: ViewSpec) -> bool:
    """Papers fold into edges unless asked for, or unless the focus or a kind filter names them."""
    if spec.papers or any(k.strip().lower() in ("paper", "result") for k in spec.kinds):
        return False
    if spec.focus is not None:
        focus = resolve_focus(graph, spec.focus)
        return not any(graph.nodes[n].get("type") in ("paper", "result") for n in focus)
    return True


def render_view(graph: nx.MultiDiGraph, spec: ViewSpec) -> tuple[str, dict[str, Any]]:
    """The page text for ``spec`` and the numbers that go into its ``VizSummary``."""
    source = graph
    if _entity_level(graph, spec):
        graph = fold_papers(graph)
    else:
        spec = replace(spec, papers=True)
    view = select_view(graph, spec)
    lineage = bool(spec.relations) and {graph.edges[e].get("relation") for e in view.edges} <= LINEAGE_RELATIONS
    hierarchical = lineage and bool(view.edges)
    physics = len(view.nodes) <= PHYSICS_MAX_NODES and not hierarchical
    paper_titles = {
        n.split(":", 1)[1]: str(d.get("title") or "") for n, d in source.nodes(data=True) if d.get("type") == "paper"
    }
    net = build_network(graph, view, physics, paper_titles, hierarchical, source)
    node_data, edge_data, _heading_, _height, _width, options = net.get_network_data()
    kinds, relations = _legend(graph, view, edge_data)
    referenced = sorted({p for item in node_data + edge_data for p in item["kgPapers"]})
    papers = {
        pid: {
            "title": paper_titles.get(pid, pid),
            "url": source.nodes[f"paper:{pid}"].get("url") if f"paper:{pid}" in source else None,
        }
        for pid in referenced
    }
    # Left-out nodes stay findable: the search says they exist and how to show them.
    findable = sorted(view.omitted, key=lambda n: (-graph.degree(n), str(n)))[:SEARCH_MAX_OMITTED]
    omitted = [
        [style.short_label(graph.nodes[n].get("label") or n), style.category(graph.nodes[n]), _search_names(graph, n)]
        for n in sorted(findable, key=str)
    ]
    total = graph.number_of_nodes()
    n_papers = len(paper_titles)
    level = (
        "papers are folded into the edges (hover an edge for them; kgbuild viz --papers draws them)"
        if not spec.papers
        else "papers and results drawn as nodes"
    )
    stats = (
        f"{n_papers} papers, {total} {'entities' if not spec.papers else 'nodes'}, {graph.number_of_edges()} "
        f"facts; this view draws {len(node_data)} nodes and {len(edge_data)} edges; {level}."
    )
    page = (
        environment()
        .from_string(PAGE)
        .render(
            heading=_heading(graph, view, spec),
            stats=stats,
            notes=view.notes,
            cap_note=view.cap_note,
            kinds=kinds,
            relations=relations,
            nodes=_json(node_data),
            edges=_json(edge_data),
            options=_json(json.loads(options)),
            papers=_json(papers),
            omitted=_json(omitted),
            physics="true" if physics else "false",
            vis_js=vis_js(),
            vis_css=vis_css(),
            explorer_js=explorer_js(),
            explorer_css=explorer_css(),
        )
    )
    numbers = {
        "nodes_total": total,
        "nodes_shown": len(node_data),
        "nodes_omitted": total - len(node_data),
        "edges_shown": len(edge_data),
        "physics": physics,
        "focus": list(view.focus),
        "notes": list(view.notes) + ([view.cap_note] if view.cap_note else []),
    }
    return page, numbers


def render_html(
    graph: nx.MultiDiGraph, max_nodes: int = DEFAULT_MAX_NODES, papers: bool = False
) -> tuple[str, dict[str, Any]]:
    """The default (whole-graph, capped) page; see ``render_view`` for focused and filtered ones."""
    return render_view(graph, ViewSpec(max_nodes=max_nodes, papers=papers))


def write_view(graph: nx.MultiDiGraph, path: str | os.PathLike[str], spec: ViewSpec) -> VizSummary:
    """Write the page for ``spec`` atomically; it works offline, from a file:// URL."""
    page, numbers = render_view(graph, spec)
    write_text_atomic(path, page)
    return VizSummary(path=os.fspath(path), **numbers)


def write_html(
    graph: nx.MultiDiGraph, path: str | os.PathLike[str], max_nodes: int = DEFAULT_MAX_NODES, papers: bool = False
) -> VizSummary:
    """Write the default interactive view (what ``kgbuild build`` puts in graph.html)."""
    return write_view(graph, path, ViewSpec(max_nodes=max_nodes, papers=papers))


__all__ = [
    "PHYSICS_MAX_NODES",
    "VizError",
    "VizSummary",
    "build_network",
    "render_html",
    "render_view",
    "select_nodes",
    "write_html",
    "write_view",
]
