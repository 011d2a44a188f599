"""The focused graph of an entity page: the entity, its lineage, comparisons and benchmarks.

Entity-level: papers are not nodes, they are folded into the edges as evidence counts (the
tooltip lists them). Lineage is laid out top-down (ancestors above, descendants below), so the
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

    def edge(u: str, v: str, relation: str, papers: Iterable[str]) -> None:
        item = edges.setdefault((u, v, relation), {"from": u, "to": v, "relation": relation, "papers": []})
        for title in papers:
            if title not in item["papers"]:
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
                titles = [p["title"] for p in child["papers"]]
                # an arrow always points from the derived entity to what it is based on
                u, v = (parent, child["iri"]) if sign < 0 else (child["iri"], parent)
                edge(u, v, child["relation"].replace(" ", "_"), titles)
                frontier.append((child["iri"], depth + 1))
    for group, rows, level in (
        ("compares_against", entity["compares_against"], 1),
        ("compared_by", entity["compared_by"], -1),
    ):
        counted: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            if row["other_name"]:
                counted.setdefault(row["other"], []).append(row)
        for other, hits in sorted(counted.items(), key=lambda kv: (-len(kv[1]), kv[1][0]["other_name"]))[:PER_GROUP]:
            name = hits[0]["other_name"]
            # a comparing paper is drawn as what it proposes (its own label), a model
            node(other, name, "model", level, hits[0]["other_href"] if hits[0]["other_label"] else None)
            u, v = (root, other) if group == "compares_against" else (other, root)
            edge(u, v, "compares_with", [h["title"] for h in hits])
    benchmarks: dict[str, list[dict[str, Any]]] = {}
    for row in entity["evaluations"]:
        benchmarks.setdefault(row["benchmark"], []).append(row)
    for bench, hits in sorted(benchmarks.items(), key=lambda kv: (-len(kv[1]), kv[1][0]["benchmark_label"]))[
        :PER_GROUP
    ]:
        node(bench, hits[0]["benchmark_label"], "benchmark", 1, hits[0]["benchmark_href"])
        edge(root, bench, "evaluated_on", [h["title"] for h in hits])
    degree: dict[str, int] = {}
    for item in edges.values():
        for end in (item["from"], item["to"]):
            degree[end] = degree.get(end, 0) + len(item["papers"])
    for iri, item in nodes.items():
        item["size"] = node_size(degree.get(iri, 0))
        item["color"] = style.CATEGORY_COLOURS.get(item["group"], style.CATEGORY_COLOURS["entity"])
        item["shape"] = style.CATEGORY_SHAPES.get(item["group"], "dot")
    out_edges = []
    for item in edges.values():
        n = len(item["papers"])
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
