"""Views of a finished build: the graph is reassembled from its ``extractions.jsonl``, no NLP rerun."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

from kgbuild.graph import assemble
from kgbuild.records import PaperExtraction
from kgbuild.viz.html import VizSummary, write_view
from kgbuild.viz.view import ViewSpec, VizError

EXTRACTIONS = "extractions.jsonl"


def extractions_file(source: str | os.PathLike[str]) -> Path:
    """The record stream of a build: ``source`` itself, or ``extractions.jsonl`` in that directory."""
    path = Path(source)
    if path.is_file() or path.suffix in (".jsonl", ".json"):
        return path
    return path / EXTRACTIONS


def _records(path: Path) -> Iterator[PaperExtraction]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as e:
        raise VizError(f"cannot read {path}: {e.strerror or e}; run 'kgbuild build -o {path.parent}' first") from e
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield PaperExtraction.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as e:
                raise VizError(f"{path}:{number}: not an extraction record: {e}") from e


def load_graph(source: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """The graph ``kgbuild build`` built into ``source`` (a build directory or its extractions file)."""
    return assemble(_records(extractions_file(source)))


def view_build(source: str | os.PathLike[str], output: str | os.PathLike[str], spec: ViewSpec) -> VizSummary:
    """Write the view ``spec`` of the build in ``source`` to ``output`` (what ``kgbuild viz`` does)."""
    return write_view(load_graph(source), output, spec)
