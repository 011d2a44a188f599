"""Which part of the graph a page shows: a focus (ego graph), kind and relation filters, a node cap.

The selection is done here, in Python, so the browser only ever receives a view it can draw
quickly, and every page says in words what it leaves out and how to see it.
"""

from __future__ import annotations

import difflib
import shlex
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kgbuild.graph import HAS_RESULT, RESULT_BENCHMARK, RESULT_METRIC, RESULT_MODEL, VARIANT_OF
from kgbuild.graph.ids import strip_prefix
from kgbuild.records import RELATION_KINDS, normalise_name
from kgbuild.viz import style
from kgbuild.viz.fold import connection_counts

# The default view has to be readable at 1400x900 (labels included): about a hundred nodes.
DEFAULT_MAX_NODES = 100
KNOWN_RELATIONS: tuple[str, ...] = (
    *RELATION_KINDS,
    VARIANT_OF,
    HAS_RESULT,
    RESULT_MODEL,
    RESULT_BENCHMARK,
    RESULT_METRIC,
)


class VizError(ValueError):
    """Bad arguments to the HTML writer: unknown focus, kind or relation, or an impossible cap."""


@dataclass(frozen=True)
class ViewSpec:
    """What to show. Kinds are legend categories (``paper``, ``model``, ``result``…), any case."""

    max_nodes: int = DEFAULT_MAX_NODES
    focus: str | None = None
    hops: int = 2
    kinds: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    papers: bool = False  # draw papers and results as nodes (else folded into edges as evidence)

    def describe(self) -> str:
        """The view as the ``kgbuild viz`` options that produce it."""
        parts = []
        if self.focus is not None:
            parts += ["--focus", shlex.quote(self.focus), "--hops", str(self.hops)]
        for kind in self.kinds:
            parts += ["--kind", kind]
        for relation in self.relations:
            parts += ["--relation", relation]
        if self.papers:
            parts.append("--papers")
        return " ".join(parts)


@dataclass(frozen=True)
class View:
    nodes: list[str]  # shown, sorted by id
    edges: list[tuple[str, str, str]]  # shown (u, v, key), relation filter applied
    focus: list[str]  # the node(s) the focus name resolved to
    matched: int  # nodes that pass focus and filters, before the cap
    omitted: list[str]  # every graph node not shown (for the page's search)
    notes: list[str] = field(default_factory=list)  # what the focus and filters chose
    cap_note: str | None = None  # what the node cap left out, and how to see it


def _categories(kinds: Iterable[str]) -> tuple[str, ...]:
    wanted = []
    for kind in kinds:
        key = kind.strip().lower()
        if key not in style.CATEGORY_LABELS:
            raise VizError(f"unknown kind {kind!r}; choose from {', '.join(style.CATEGORY_LABELS)}")
        wanted.append(key)
    return tuple(sorted(set(wanted)))


def _relations(graph: nx.MultiDiGraph, relations: Iterable[str]) -> tuple[str, ...]:
    known = set(KNOWN_RELATIONS) | {str(d.get("relation", k)) for _, _, k, d in graph.edges(keys=True, data=True)}
    wanted = []
    for relation in relations:
        key = relation.strip().lower().replace(" ", "_").replace("-", "_")
        if key not in known:
            raise VizError(f"unknown relation {relation!r}; choose from {', '.join(sorted(known))}")
        wanted.append(key)
    return tuple(sorted(set(wanted)))


def _names(node: str, data: Mapping[str, Any]) -> list[str]:
    """Every string a reader may use to name a node: label, aliases, ids, paper title and arXiv id."""
    names = [str(data.get("label") or ""), strip_prefix(node)]
    names += [str(a) for a in data.get("aliases", [])]
    names += [str(i) for i in data.get("ids", [])]
    if data.get("arxiv_id"):
        names.append(str(data["arxiv_id"]))
    return [n for n in names if n]


def resolve_focus(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """Nodes called ``name``: label matches first; aliases only when no label matches.

    Names compare in the guideline's normal form (``gpt 3`` = ``GPT-3``). An alias shared by
    several nodes (``ImageNet`` for ImageNet-1k and -21k) focuses on all of them.
    """
    if name in graph:
        return [name]
    key = normalise_name(name)
    if not key:  # a name with no ASCII letters or digits (e.g. CJK) compares as written
        key = name.strip().casefold()

    def norm(text: str) -> str:
        return normalise_name(text) or text.strip().casefold()

    by_label = sorted(n for n, d in graph.nodes(data=True) if norm(str(d.get("label") or "")) == key)
    if by_label:
        return by_label
    by_alias = sorted(n for n, d in graph.nodes(data=True) if any(norm(a) == key for a in _names(n, d)))
    if by_alias:
        return by_alias
    labels = sorted({str(d.get("label")) for _, d in graph.nodes(data=True) if d.get("type") == "entity"})
    close = difflib.get_close_matches(name, labels, n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise VizError(f"no entity or paper is called {name!r}{hint}")


def _kept_edges(graph: nx.MultiDiGraph, relations: Sequence[str]) -> list[tuple[str, str, str]]:
    return [
        (u, v, k)
        for u, v, k, d in graph.edges(keys=True, data=True)
        if not relations or str(d.get("relation", k)) in relations
    ]


def _breakdown(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> str:
    counts = Counter(style.category(graph.nodes[n]) for n in nodes)
    return ", ".join(style.count_of(c, counts[c]) for c in style.CATEGORY_LABELS if counts[c])


def select_view(graph: nx.MultiDiGraph, spec: ViewSpec) -> View:
    """Apply focus, filters and cap, in that order. The focus node(s) are always shown.

    Relations filter the edges that exist (so hops only follow them); kinds filter the nodes
    shown (so "benchmarks within two hops of GPT-3" still walks through papers).
    """
    if spec.max_nodes < 1:
        raise VizError(f"max_nodes must be at least 1, got {spec.max_nodes}")
    if spec.hops < 0:
        raise VizError(f"hops must be 0 or more, got {spec.hops}")
    kinds = _categories(spec.kinds)
    relations = _relations(graph, spec.relations)
    edges = _kept_edges(graph, relations)
    linked: nx.Graph[str] = nx.Graph()
    linked.add_nodes_from(graph.nodes)
    linked.add_edges_from((u, v) for u, v, _ in edges if u != v)

    focus = resolve_focus(graph, spec.focus) if spec.focus is not None else []
    if focus:
        distance = nx.multi_source_dijkstra_path_length(linked, set(focus), cutoff=spec.hops)
    else:
        distance = {n: 0 for n in graph.nodes}
        if relations:  # a relation view is about the nodes that relation links
            distance = {n: 0 for n in graph.nodes if linked.degree(n) > 0}
    candidates = [n for n in distance if not kinds or n in focus or style.category(graph.nodes[n]) in kinds]
    # nearest to the focus first, then the best-connected; ids break ties so pages are stable.
    # Entity level: best-connected by comparisons and evaluations (papers' worth of them), so the
    # default view of a large graph is its most compared models and most used benchmarks, not
    # the metrics and tasks every paper mentions.
    connections = connection_counts(graph) if not spec.papers else Counter()
    ranked = sorted(candidates, key=lambda n: (distance[n], -connections[n], -graph.degree(n), str(n)))
    if not focus and not spec.papers and not relations:
        ranked = _connected_first(graph, ranked, connections, spec.max_nodes)
    shown = sorted(ranked[: spec.max_nodes], key=str)
    kept = set(shown)
    view_edges = sorted((u, v, k) for u, v, k in edges if u in kept and v in kept)
    omitted = sorted((n for n in graph.nodes if n not in kept), key=str)

    notes = []
    if focus:
        labels = ", ".join(str(graph.nodes[n].get("label") or n) for n in focus)
        notes.append(
            f"Focus: {labels} and what lies within {spec.hops} hop{'s' if spec.hops != 1 else ''} of it "
            f"({len(distance)} of {graph.number_of_nodes()} nodes)."
        )
    if kinds:
        notes.append("Only these kinds: " + ", ".join(style.CATEGORY_LABELS[k].lower() for k in kinds) + ".")
    if relations:
        notes.append("Only these relations: " + ", ".join(style.relation_label(r) for r in relations) + ".")
    cap_note = None
    if len(candidates) > len(shown):
        cut = ranked[spec.max_nodes :]
        order = "farther or lower-degree" if focus else "lower-degree"
        cap_note = (
            f"Showing {len(shown)} of {len(candidates)} nodes: {len(cut)} {order} nodes were left out "
            f"(limit {spec.max_nodes}): {_breakdown(graph, cut)}. To see them: kgbuild viz --max-nodes {len(candidates)}"
            + (f" {spec.describe()}" if spec.describe() else "")
            + ", or a smaller view with --focus NAME --hops 2, --kind KIND or --relation RELATION. "
            "The search box also finds nodes that are left out."
        )
    return View(shown, view_edges, focus, len(candidates), omitted, notes, cap_note)


SEEDS = 12  # the best-connected entities always shown in the default view


def _connected_first(graph: nx.MultiDiGraph, ranked: list[str], connections: Counter[str], cap: int) -> list[str]:
    """Reorder ``ranked`` so the first ``cap`` nodes draw a connected picture, not scattered dots.

    The best-connected entities come first; after them, a node is taken when it links to one
    already taken (in rank order), so the view grows around the hubs. Nodes in no comparison or
    evaluation come last: they are findable, not drawn by default.
    """
    taken: list[str] = []
    chosen: set[str] = set()
    linked = [n for n in ranked if connections[n] > 0]
    for node in linked[:SEEDS]:
        taken.append(node)
        chosen.add(node)
    waiting = [n for n in linked if n not in chosen]
    grew = True
    while waiting and len(taken) < cap and grew:
        grew = False
        rest = []
        for node in waiting:
            if len(taken) < cap and any(m in chosen for m in nx.all_neighbors(graph, node)):
                taken.append(node)
                chosen.add(node)
                grew = True
            else:
                rest.append(node)
        waiting = rest
    taken += waiting
    return taken + [n for n in ranked if n not in chosen and connections[n] == 0]
