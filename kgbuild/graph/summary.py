"""Counts that describe an assembled graph, for logs, the CLI and tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx


@dataclass(frozen=True)
class GraphSummary:
    papers: int
    entities: int
    results: int
    edges: int
    merged_ids: int  # source entity ids folded into another id by the merge pass
    entities_by_kind: dict[str, int] = field(default_factory=dict)
    relations_by_kind: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        kinds = ", ".join(f"{k}={v}" for k, v in self.entities_by_kind.items())
        relations = ", ".join(f"{k}={v}" for k, v in self.relations_by_kind.items())
        return (
            f"{self.papers} papers, {self.entities} entities ({kinds}), {self.results} results, "
            f"{self.edges} edges ({relations}), {self.merged_ids} ids merged"
        )


def summarise(graph: nx.MultiDiGraph) -> GraphSummary:
    node_types: Counter[str] = Counter()
    entity_kinds: Counter[str] = Counter()
    merged = 0
    for _, data in graph.nodes(data=True):
        node_types[data.get("type", "?")] += 1
        if data.get("type") == "entity":
            entity_kinds[data.get("kind", "?")] += 1
            merged += len(data.get("merged_from", []))
    relations: Counter[str] = Counter(
        str(data.get("relation", key)) for _, _, key, data in graph.edges(keys=True, data=True)
    )
    return GraphSummary(
        papers=node_types["paper"],
        entities=node_types["entity"],
        results=node_types["result"],
        edges=graph.number_of_edges(),
        merged_ids=merged,
        entities_by_kind=dict(sorted(entity_kinds.items())),
        relations_by_kind=dict(sorted(relations.items())),
    )
