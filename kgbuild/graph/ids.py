"""Node identifiers of the assembled graph, in one place so every stage spells them alike."""

from __future__ import annotations

import hashlib
import json

PAPER_PREFIX = "paper:"
ENTITY_PREFIX = "entity:"
RESULT_PREFIX = "result:"


def paper_node(paper_id: str) -> str:
    return PAPER_PREFIX + paper_id


def entity_node(entity_id: str) -> str:
    return ENTITY_PREFIX + entity_id


def result_node(*parts: object) -> str:
    """A result id that depends only on what the result says and where it was read.

    Hashing the (model, benchmark, metric, value, span) tuple rather than numbering results keeps
    the id stable across builds and independent of the order papers arrive in.
    """
    blob = json.dumps(list(parts), ensure_ascii=True, separators=(",", ":"))
    return RESULT_PREFIX + hashlib.sha1(blob.encode("ascii")).hexdigest()[:16]


def strip_prefix(node: str) -> str:
    """The record id behind a node id (``entity:gpt-3`` -> ``gpt-3``)."""
    return node.split(":", 1)[1] if ":" in node else node
