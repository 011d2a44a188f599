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
# Shape per category, so kinds stay apart for readers who cannot tell the colours apart.
# Only shapes that draw the label below the node: box-like shapes would grow with long titles.
CATEGORY_SHAPES: dict[str, str] = {
    "paper": "square",
    "model": "dot",
    "dataset": "diamond",
    "benchmark": "triangle",
    "metric": "hexagon",
    "task": "star",
    "method": "triangleDown",
    "result": "dot",
    "entity": "dot",
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
EDGE_COLOUR = "#8a8a8a"  # relations without a colour of their own
RELATION_COLOURS: dict[str, str] = {
    "proposes": "#4e79a7",
    "compares_with": "#e15759",
    "evaluated_on": "#2f8f8a",
    "trained_on": "#59a14f",
    "based_on": "#f28e2b",
    "variant_of": "#b07aa1",
    "mentions": "#c3c3c3",
    "addresses": "#76b7b2",  # the most common and least telling relation stays in the background
    "has_result": "#9c755f",
    "result_model": "#9c755f",
    "result_benchmark": "#9c755f",
    "result_metric": "#9c755f",
}
MAX_PAPERS_SHOWN = 5
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


def count_of(cat: str, n: int) -> str:
    """``3 papers``, ``1 model``, ``2 other entities``: counts in notes read as English."""
    noun = CATEGORY_LABELS[cat].lower()
    if n != 1:
        noun = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {noun}"


def short_label(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


MAX_NODE_SIZE = 34.0


def node_size(degree: int) -> float:
    """Log scale, capped: a hub is visibly bigger but never a blob that covers its neighbours
    (the old sqrt scale made "accuracy" the largest thing on a 75k-paper page)."""
    return round(min(10 + 3.5 * math.log2(1 + degree), MAX_NODE_SIZE), 2)


def _lines(*lines: str) -> str:
    return "<br>".join(line for line in lines if line)


def relation_label(relation: str) -> str:
    return relation.replace("_", " ")


def relation_colour(relation: str) -> str:
    return RELATION_COLOURS.get(relation, EDGE_COLOUR)


def _papers_line(titles: Sequence[str]) -> str:
    if not titles:
        return ""
    shown = "; ".join(f"<i>{escape(short_label(t))}</i>" for t in titles[:MAX_PAPERS_SHOWN])
    more = f" (+{len(titles) - MAX_PAPERS_SHOWN} more)" if len(titles) > MAX_PAPERS_SHOWN else ""
    return f"in: {shown}{more}"


def _evidence_line(evidence: Mapping[str, Any] | None, paper_titles: Mapping[str, str]) -> str:
    if not evidence or not evidence.get("sentence"):
        return ""
    pid = str(evidence.get("paper_id", ""))
    source = paper_titles.get(pid) or pid
    return f"“{escape(str(evidence['sentence']))}” <i>({escape(short_label(source))})</i>"


def node_title(
    data: Mapping[str, Any],
    papers: Sequence[str] = (),
    evidence: Mapping[str, Any] | None = None,
    paper_titles: Mapping[str, str] | None = None,
) -> str:
    """Tooltip HTML for a node; every data value is escaped.

    ``papers`` are the titles of the papers the node appears in; ``evidence`` is one edge's
    provenance (sentence, paper_id) that shows how the node is used in a sentence.
    """
    titles = paper_titles or {}
    cat = category(data)
    heading = f"<b>{escape(CATEGORY_LABELS[cat])}</b>"
    if cat == "paper":
        arxiv = data.get("arxiv_id")
        authors: Sequence[str] = data.get("authors") or []
        return _lines(
            heading,
            escape(str(data.get("title", ""))),
            f"arXiv: {escape(str(arxiv))}" if arxiv else "",
            f"published: {escape(str(data['published']))}" if data.get("published") else "",
            f"by: {escape(', '.join(str(a) for a in authors[:3]))}{' et al.' if len(authors) > 3 else ''}"
            if authors
            else "",
            "double-click to open on arXiv" if data.get("url") else "",
        )
    if cat == "result":
        pid = str(data.get("paper_id", ""))
        return _lines(
            f"{heading} {escape(str(data.get('value', '')))} ({escape(str(data.get('kind', '')))})",
            f"“{escape(str(data.get('sentence') or ''))}”",
            f"in: <i>{escape(short_label(titles.get(pid) or pid))}</i>",
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
        _papers_line(papers),
        _evidence_line(evidence, titles),
        f"merged: {merges}" if merges else "",
    )


def edge_title(
    relation: str, occurrences: Sequence[Mapping[str, Any]], paper_titles: Mapping[str, str] | None = None
) -> str:
    """Tooltip HTML for all occurrences of one relation between two nodes: sentence and paper each."""
    titles = paper_titles or {}
    count = len(occurrences)
    heading = f"<b>{escape(relation_label(relation))}</b>" + (f" ×{count}" if count > 1 else "")
    evidence = []
    for occ in occurrences[:MAX_EVIDENCE_PER_EDGE]:
        confidence = occ.get("confidence")
        score = f", {confidence:.2f}" if isinstance(confidence, (int, float)) else ""
        pid = str(occ.get("paper_id", ""))
        evidence.append(
            f"“{escape(str(occ.get('sentence') or ''))}” "
            f"<i>({escape(short_label(titles.get(pid) or pid))}; {escape(str(occ.get('rule') or ''))}{score})</i>"
        )
    if count > MAX_EVIDENCE_PER_EDGE:
        evidence.append(f"… and {count - MAX_EVIDENCE_PER_EDGE} more")
    return _lines(heading, *evidence)
