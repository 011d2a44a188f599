"""``kgbuild export``: re-serialise a finished build in other RDF formats without re-running NLP.

The build keeps every extraction in ``extractions.jsonl``; assembling the graph from those records
is cheap, and the exporters see exactly the graph the build saw, so a Turtle written here is
byte-identical to the build's ``graph.ttl`` (same base IRI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from kgbuild.export.iris import DEFAULT_BASE_IRI
from kgbuild.export.rdf import ExportError, write_rdf
from kgbuild.export.serializers import FORMATS, canonical_format
from kgbuild.graph import assemble
from kgbuild.graph.source import ExtractionsFileError, iter_extractions
from kgbuild.records import PaperExtraction

DEFAULT_FORMATS: tuple[str, ...] = ("turtle", "nt", "json-ld", "trig")


def read_extractions(path: str | os.PathLike[str]) -> Iterator[PaperExtraction]:
    """Extraction records from a JSON-lines file written by ``kgbuild build``."""
    try:
        yield from iter_extractions(path)
    except ExtractionsFileError as e:
        raise ExportError(str(e)) from e


def output_path(out_dir: str | os.PathLike[str], fmt: str) -> Path:
    """Where a format is written in a build directory: ``graph`` plus the format's suffix."""
    name = canonical_format(fmt)
    if name is None:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return Path(out_dir) / f"graph{FORMATS[name].suffix}"


def export_extractions(
    extractions: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    formats: Sequence[str] = DEFAULT_FORMATS,
    base_iri: str = DEFAULT_BASE_IRI,
) -> dict[str, Path]:
    """Write the graph of an extractions file in each format; returns {format: path written}."""
    targets = {canonical_format(f) or f: output_path(out_dir, f) for f in formats}  # validates first
    graph = assemble(read_extractions(extractions))
    written: dict[str, Path] = {}
    for name, path in targets.items():
        write_rdf(graph, path, format=name, base_iri=base_iri)
        written[name] = path
    return written
