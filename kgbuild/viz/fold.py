"""The entity-level graph the explorer draws by default: papers and results folded into edges.

A paper is not a node here; what it states becomes evidence on the edges between entities:

* an entity-to-entity fact stays as it is (one edge per occurrence, grouped when drawn);
* a fact the paper states about itself ("we compare against GPT-3") becomes a fact of what the
  paper proposes (LoRA compares with GPT-3), with the same sentence as evidence;
* a result (model, benchmark, value) becomes an ``evaluated_on`` edge from the model to the
  benchmark carrying the value, so a benchmark's edges show the scores reported on it;
* ``proposes``, ``mentions`` and the metric of a result are dropped: they are what papers say,
  not how entities relate, and they turned the old default view into a hairball of papers.

Each folded edge keeps its ``paper_id``, so the page can count and list the papers behind it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from kgbuild.graph import HAS_RESULT, RESULT_BENCHMARK, RESULT_MODEL

DROPPED = frozenset({"proposes", "mentions"})
# what makes an entity worth a place in the default view of a large graph
CONNECTING = frozenset({"compares_with", "evaluated_on"})


def _proposed(graph: nx.MultiDiGraph, paper: str) -> list[str]:
    return sorted(
        {v for _, v, d in graph.out_edges(paper, data=True) if d.get("relation") == "proposes"},
        key=str,
    )


def fold_papers(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Entities only, with papers and results turned into edge evidence (see the module docstring)."""
    folded: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    folded.graph.update(graph.graph)
    for node, data in graph.nodes(data=True):
        if data.get("type") not in ("paper", "result"):
            folded.add_node(node, **data)
    proposed: dict[str, list[str]] = {}

    def add(u: str, v: str, data: dict[str, Any]) -> None:
        if u != v and u in folded and v in folded:
            folded.add_edge(u, v, **data)

    for u, v, data in graph.edges(data=True):
        relation = data.get("relation")
        if relation in DROPPED or relation in (HAS_RESULT, RESULT_MODEL, RESULT_BENCHMARK):
            continue
        u_type = graph.nodes[u].get("type")
        if u_type == "paper":
            if u not in proposed:
                proposed[u] = _proposed(graph, u)
            for own in proposed[u]:
                add(own, v, dict(data))
        elif u_type != "result":
            add(u, v, dict(data))
    for result, data in graph.nodes(data=True):
        if data.get("type") != "result":
            continue
        ends: dict[str, list[str]] = {RESULT_MODEL: [], RESULT_BENCHMARK: []}
        for _, v, d in graph.out_edges(result, data=True):
            if d.get("relation") in ends:
                ends[d["relation"]].append(v)
        models = []
        for model in ends[RESULT_MODEL]:
            models += _proposed(graph, model) if graph.nodes[model].get("type") == "paper" else [model]
        for model in models:
            for bench in ends[RESULT_BENCHMARK]:
                add(
                    model,
                    bench,
                    {
                        "relation": "evaluated_on",
                        "paper_id": data.get("paper_id"),
                        "sentence": data.get("sentence"),
                        "confidence": data.get("confidence"),
                        "rule": f"result {data.get('value', '')} ({data.get('kind', '')})".strip(),
                    },
                )
    return folded


def connection_counts(graph: nx.MultiDiGraph) -> Counter[str]:
    """Per node: how many papers' comparisons and evaluations it takes part in (either end)."""
    pairs: set[tuple[str, str]] = set()
    for u, v, data in graph.edges(data=True):
        if data.get("relation") in CONNECTING:
            pid = str(data.get("paper_id"))
            pairs.add((u, f"{pid}\x1f{v}"))
            pairs.add((v, f"{pid}\x1f{u}"))
    return Counter(node for node, _ in pairs)
