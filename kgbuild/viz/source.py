"""Views of a finished build: the graph is reassembled from its ``extractions.jsonl``, no NLP rerun."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

from kgbuild.graph import assemble
from kgbuild.graph.source import ExtractionsFileError, iter_extractions
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
        yield from iter_extractions(path)
    except ExtractionsFileError as e:
        raise VizError(str(e)) from e


def load_graph(source: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """The graph ``kgbuild build`` built into ``source`` (a build directory or its extractions file)."""
    return assemble(_records(extractions_file(source)))


def view_build(source: str | os.PathLike[str], output: str | os.PathLike[str], spec: ViewSpec) -> VizSummary:
    """Write the view ``spec`` of the build in ``source`` to ``output`` (what ``kgbuild viz`` does)."""
    return write_view(load_graph(source), output, spec)
