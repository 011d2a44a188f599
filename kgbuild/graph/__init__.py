"""Graph stage: ``PaperExtraction`` records -> one merged, provenance-carrying MultiDiGraph."""

from kgbuild.graph.assemble import (
    HAS_RESULT,
    PROVENANCE_KEYS,
    RESULT_BENCHMARK,
    RESULT_METRIC,
    RESULT_MODEL,
    UNKNOWN_KIND,
    VARIANT_OF,
    GraphBuilder,
    assemble,
)
from kgbuild.graph.ids import entity_node, paper_node, result_node
from kgbuild.graph.summary import GraphSummary, summarise

__all__ = [
    "HAS_RESULT",
    "PROVENANCE_KEYS",
    "RESULT_BENCHMARK",
    "RESULT_METRIC",
    "RESULT_MODEL",
    "UNKNOWN_KIND",
    "VARIANT_OF",
    "GraphBuilder",
    "GraphSummary",
    "assemble",
    "entity_node",
    "paper_node",
    "result_node",
    "summarise",
]
