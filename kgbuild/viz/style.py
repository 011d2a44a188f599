"""How graph nodes and edges look in the HTML view: colours, sizes, labels and tooltips.

Tooltips are HTML built here with EVERY value from the data passed through ``html.escape``:
titles, names and evidence sentences come from untrusted paper text, and a tooltip is inserted
into the page as markup. Labels are drawn on the canvas as text, so they are left unescaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

# Tableau-10 colours: distinguishable, and readable with dark label text.
CATEGORY_COLOURS: dict[str, str] = {
    "paper": "#4e79a7",
    "model": "#f28e2b",
    "dataset": "#59a14f",
    "benchmark": "#76b7b2",
    "metric": "#edc948",
    "task": "#b07aa1",
    "method": "#ff9da7",
    "result": "#9c755f",
    "entity": "#bab0ac",
}
CATEGORY_LABELS: dict[str, str] = {
    "paper": "Paper",
    "model": "Model",
    "dataset": "Dataset",
    "benchmark": "Benchmark",
    "metric": "Metric",
    "task": "Task",
    "method": "Method",
    "result": "Result",
    "entity": "Other entity",
}
EDGE_COLOUR = "#8a8a8a"
MAX_LABEL_CHARS = 40
MAX_EVIDENCE_PER_EDGE = 5
MAX_ALIASES_SHOWN = 12


def category(data: Mapping[str, Any]) -> str:
    """Legend category of a node: its type for papers and results, else its entity kind."""
    node_type = data.get("type")
    if node_type in ("paper", "result"):
        return str(node_type)
    kind = str(data.get("kind", "")).lower()
    return kind if kind in CATEGORY_COLOURS else "entity"


def short_label(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def node_size(degree: int) -> float:
    # sqrt keeps hubs visible without dwarfing everything else
    return round(10 + 4 * math.sqrt(degree), 2)


def _lines(*lines: str) -> str:
    return "<br>".join(line for line in lines if line)


def node_title(data: Mapping[str, Any]) -> str:
    """Tooltip HTML for a node; every data value is escaped."""
    cat = category(data)
    heading = f"<b>{escape(CATEGORY_LABELS[cat])}</b>"
    if cat == "paper":
        arxiv = data.get("arxiv_id")
        return _lines(
            heading,
            escape(str(data.get("title", ""))),
            f"arXiv: {escape(str(arxiv))}" if arxiv else "",
            f"published: {escape(str(data['published']))}" if data.get("published") else "",
        )
    if cat == "result":
        return _lines(
            f"{heading} {escape(str(data.get('value', '')))} ({escape(str(data.get('kind', '')))})",
            f"<i>{escape(str(data.get('sentence') or ''))}</i>",
            f"paper: {escape(str(data.get('paper_id', '')))}",
        )
    aliases: Sequence[str] = data.get("aliases", [])
    shown = ", ".join(escape(str(a)) for a in aliases[:MAX_ALIASES_SHOWN])
    more = f" (+{len(aliases) - MAX_ALIASES_SHOWN} more)" if len(aliases) > MAX_ALIASES_SHOWN else ""
    merges = "; ".join(
        f"{escape(str(m.get('id')))} ({escape(str(m.get('rule')))}: {escape(str(m.get('alias')))})"
        for m in data.get("merged_from", [])
    )
    return _lines(
        f"{heading}: {escape(str(data.get('label', '')))}",
        f"also: {shown}{more}" if shown else "",
        f"papers: {escape(str(data.get('papers', 0)))}",
        f"merged: {merges}" if merges else "",
    )


def edge_title(relation: str, occurrences: Sequence[Mapping[str, Any]]) -> str:
    """Tooltip HTML for all occurrences of one relation between two nodes."""
    count = len(occurrences)
    heading = f"<b>{escape(relation.replace('_', ' '))}</b>" + (f" ×{count}" if count > 1 else "")
    evidence = []
    for occ in occurrences[:MAX_EVIDENCE_PER_EDGE]:
        confidence = occ.get("confidence")
        score = f", {confidence:.2f}" if isinstance(confidence, (int, float)) else ""
        evidence.append(
            f"“{escape(str(occ.get('sentence') or ''))}” "
            f"<i>({escape(str(occ.get('paper_id', '')))}, {escape(str(occ.get('rule') or ''))}{score})</i>"
        )
    if count > MAX_EVIDENCE_PER_EDGE:
        evidence.append(f"… and {count - MAX_EVIDENCE_PER_EDGE} more")
    return _lines(heading, *evidence)
