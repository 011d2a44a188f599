"""The main job: inputs -> papers -> extractions -> graph -> out/ (Turtle, store, HTML, JSONL, summary).

Each output is written atomically; a paper that fails anywhere is reported as a ``Problem`` with
its source location and the build goes on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgbuild.atomic import atomic_write, write_text_atomic
from kgbuild.export import write_rdf
from kgbuild.graph import GraphSummary, assemble, summarise
from kgbuild.ingest import load_papers
from kgbuild.nlp.extract import Extractor
from kgbuild.records import Paper, PaperExtraction, Problem
from kgbuild.store import load_store, store_path
from kgbuild.viz import write_html

DEFAULT_BASE_IRI = "https://w3id.org/kgbuild/"
Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    papers: int
    duplicates: int
    files: list[str]
    problems: list[Problem]
    summary: GraphSummary
    outputs: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "papers": self.papers,
            "duplicates_merged": self.duplicates,
            "files": self.files,
            "problems": [p.to_dict() for p in self.problems],
            "graph": self.summary.to_dict(),
            "outputs": self.outputs,
        }


def _paper_location(paper: Paper) -> tuple[str, int | None]:
    if paper.sources:
        return paper.sources[0].path, paper.sources[0].line
    return paper.paper_id, None


def extract_papers(papers: Sequence[Paper], problems: list[Problem], progress: Progress | None = None,
                   extractor: Extractor | None = None) -> Iterator[PaperExtraction]:
    """Stream extractions, turning a failing paper into a ``Problem`` instead of an exception."""
    extractor = extractor or Extractor()

    def report(paper: Paper, error: Exception) -> None:
        path, line = _paper_location(paper)
        problems.append(Problem(path, line, f"extraction failed for {paper.title[:80]!r}: {error!r}"))

    for done, extraction in enumerate(extractor.extract_reporting(papers, report), start=1):
        if progress:
            progress(done, len(papers))
        yield extraction


def build(inputs: Sequence[str | Path] | None, out_dir: str | Path, *, base_iri: str = DEFAULT_BASE_IRI,
          max_html_nodes: int = 400, progress: Progress | None = None) -> BuildReport:
    """Build the knowledge graph of ``inputs`` (the bundled corpus when None) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    loaded = load_papers(inputs)
    problems = list(loaded.problems)
    extractions_path = out / "extractions.jsonl"
    extractions: list[PaperExtraction] = []
    with atomic_write(extractions_path) as handle:
        for extraction in extract_papers(loaded.papers, problems, progress):
            handle.write(json.dumps(extraction.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            extractions.append(extraction)
    graph = assemble(extractions)
    summary = summarise(graph)
    outputs = {"extractions": str(extractions_path)}
    outputs["turtle"] = str(out / "graph.ttl")
    write_rdf(graph, outputs["turtle"], format="turtle", base_iri=base_iri)
    # the queryable store: built beside the old one and swapped in, so queries never rebuild
    outputs["store"] = str(store_path(out))
    load_store(graph, outputs["store"], base_iri=base_iri)
    outputs["html"] = str(out / "graph.html")
    write_html(graph, outputs["html"], max_nodes=max_html_nodes)
    report = BuildReport(len(loaded.papers), loaded.duplicates, loaded.files, problems, summary, outputs)
    outputs["problems"] = str(out / "problems.jsonl")
    write_text_atomic(outputs["problems"], "".join(json.dumps(p.to_dict()) + "\n" for p in problems))
    outputs["summary"] = str(out / "summary.json")
    write_text_atomic(outputs["summary"], json.dumps(report.to_dict(), indent=2, sort_keys=True) + "\n")
    return report
