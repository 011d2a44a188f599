"""``kgbuild export``: re-serialise a finished build in other RDF formats without re-running NLP.

The build keeps every extraction in ``extractions.jsonl``; assembling the graph from those records
is cheap, and the exporters see exactly the graph the build saw, so a Turtle written here is
byte-identical to the build's ``graph.ttl`` (same base IRI).
"""

from __future__ import annotations

import json
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


class BaseIRIMismatch(ExportError):
    """An explicit base IRI differs from the one the build minted its graph under."""


def build_base_iri(out_dir: str | os.PathLike[str]) -> str | None:
    """The base IRI a build recorded in its ``summary.json`` (None: no summary, or an older one)."""
    try:
        summary = json.loads((Path(out_dir) / "summary.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise ExportError(f"cannot read {Path(out_dir) / 'summary.json'}: {e}") from e
    recorded = summary.get("base_iri") if isinstance(summary, dict) else None
    return recorded if isinstance(recorded, str) else None


def choose_base_iri(out_dir: str | os.PathLike[str], requested: str | None) -> str:
    """The base IRI to export under: the build's own, so the files agree with its graph.ttl and
    store. A different one is refused (``BaseIRIMismatch``): ``graph.ttl`` would be rewritten
    with IRIs that the store and the name index do not know."""
    recorded = build_base_iri(out_dir)
    if requested is None:
        return recorded or DEFAULT_BASE_IRI
    if recorded is not None and requested != recorded:
        raise BaseIRIMismatch(
            f"--base-iri {requested} differs from the base IRI this build was made with ({recorded}, in "
            f"summary.json): the exported files would disagree with its graph.ttl and store. Leave "
            f"--base-iri out to export under {recorded}, or build again with --base-iri {requested}"
        )
    return requested


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
