"""The focused graph of an entity page: the entity, its lineage, comparisons and benchmarks.

Entity-level: papers are not nodes, they are folded into the edges as evidence counts (the
tooltip names an example paper). Lineage is laid out top-down (ancestors above, descendants below), so the
data carries a ``level`` per node for vis-network's hierarchical layout.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from kgbuild.viz import style

PER_GROUP = 12  # neighbours drawn per group (compared against, compared by, benchmarks)


def node_size(evidence: int) -> float:
    """Node size on a capped log scale: a hub is bigger, never a blob that hides its neighbours."""
    return round(min(12 + 5 * math.log2(1 + evidence), 30), 1)


def focus_graph(entity: Mapping[str, Any]) -> dict[str, Any]:
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def node(iri: str, label: str, kind: str, level: int, href: str | None) -> None:
        if iri not in nodes:
            nodes[iri] = {
                "id": iri,
                "label": style.short_label(label),
                "group": kind,
                "level": level,
                "href": href,
                "root": level == 0 and not nodes,
            }

    def edge(u: str, v: str, relation: str, count: int, titles: Iterable[str]) -> None:
        item = edges.setdefault((u, v, relation), {"from": u, "to": v, "relation": relation, "papers": [], "n": 0})
        item["n"] += count
        for title in titles:
            if title and title not in item["papers"]:
                item["papers"].append(title)

    root = entity["iri"]
    node(root, entity["label"], entity["kind"], 0, None)
    for direction, sign in (("ancestors", -1), ("descendants", 1)):
        tree = entity[direction]
        frontier = [(root, 0)]
        while frontier:
            parent, depth = frontier.pop(0)
            for child in tree.children.get(parent, []):
                node(child["iri"], child["label"], "model", sign * (depth + 1), child["href"])
                # an arrow always points from the derived entity to what it is based on
                u, v = (parent, child["iri"]) if sign < 0 else (child["iri"], parent)
                edge(u, v, child["relation"].replace(" ", "_"), child["papers"], [child["title"]])
                frontier.append((child["iri"], depth + 1))
    for group, listed, level in (
        ("compares_against", entity["compared_against"], 1),
        ("compared_by", entity["compared_by"], -1),
    ):
        # the busiest neighbours: the list is sorted by papers, most first
        for row in [r for r in listed.items if r["other_name"]][:PER_GROUP]:
            # a comparing paper is drawn as what it proposes (its own label), a model
            node(row["other"], row["other_name"], "model", level, row["other_href"])
            u, v = (root, row["other"]) if group == "compares_against" else (row["other"], root)
            edge(u, v, "compares_with", row["papers"], [row["title"]])
    for row in entity["benchmarks"][:PER_GROUP]:
        node(row["benchmark"], row["benchmark_label"], "benchmark", 1, row["benchmark_href"])
        edge(root, row["benchmark"], "evaluated_on", row["papers"], [])
    degree: dict[str, int] = {}
    for item in edges.values():
        for end in (item["from"], item["to"]):
            degree[end] = degree.get(end, 0) + item["n"]
    for iri, item in nodes.items():
        item["size"] = node_size(degree.get(iri, 0))
        item["color"] = style.CATEGORY_COLOURS.get(item["group"], style.CATEGORY_COLOURS["entity"])
        item["shape"] = style.CATEGORY_SHAPES.get(item["group"], "dot")
    out_edges = []
    for item in edges.values():
        n = item["n"]
        out_edges.append(
            {
                "from": item["from"],
                "to": item["to"],
                "label": f"{style.relation_label(item['relation'])}" + (f" ×{n}" if n > 1 else ""),
                "papers": item["papers"][:8],
                "evidence": n,
                "color": style.relation_colour(item["relation"]),
                "width": round(1 + math.log2(1 + n), 2),
            }
        )
    return {"nodes": list(nodes.values()), "edges": out_edges}
