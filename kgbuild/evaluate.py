"""Extraction quality against gold JSONL: run the pipeline on the gold papers and score it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgbuild.gold import to_gold_record
from kgbuild.ingest import load_papers
from kgbuild.nlp.extract import Extractor
from kgbuild.nlp.pipeline import DEFAULT_MODE, MODES, build_pipeline
from kgbuild.records import Paper, normalise_name
from kgbuild.scoring import Count, index_by_title, score_records


class GoldFileError(ValueError):
    """The gold file cannot be read; says where."""


@dataclass
class Evaluation:
    scores: dict[str, Count]
    gold_papers: int
    missing_texts: list[str]  # gold titles with no text in the corpus
    predictions: list[dict[str, Any]]


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    records = []
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise GoldFileError(f"{path}:{line_no}: not JSON ({e.msg})") from e
    return records


def predict(papers: Iterable[Paper], extractor: Extractor | None = None) -> list[dict[str, Any]]:
    extractor = extractor or Extractor()
    return [to_gold_record(extraction) for extraction in extractor.extract(papers)]


def evaluate(gold_path: str | Path, corpus: Sequence[str | Path] | None = None, mode: str = DEFAULT_MODE) -> Evaluation:
    """Score extraction on the gold papers, whose texts are looked up in ``corpus`` by title.

    ``mode`` selects the pipeline variant ("combined", "rules", "learned", "ner") for ablations.
    """
    gold = index_by_title(read_jsonl(gold_path))
    texts = {normalise_name(p.title): p for p in load_papers(corpus).papers}
    papers = [texts[key] for key in gold if key in texts]
    missing = [record["title"] for key, record in gold.items() if key not in texts]
    predictions = predict(papers, Extractor(build_pipeline(mode=mode)))
    scores, _ = score_records(gold, index_by_title(predictions))
    return Evaluation(scores, len(gold), missing, predictions)


ABLATION_ROWS = (
    "entities_core_lenient",
    "entities_all_lenient",
    "entity:MODEL",
    "entity:DATASET",
    "entity:BENCHMARK",
    "entity:METRIC",
    "entity:METHOD",
    "entity:TASK",
    "rel:proposes",
    "rel:compares_with",
    "rel:evaluated_on_obj",
    "rel:based_on",
    "rel:trained_on",
    "rel:results_absolute",
    "rel:results",
)


def ablation(gold_path: str | Path, corpus: Sequence[str | Path] | None = None) -> dict[str, dict[str, Count]]:
    """The same gold papers through each pipeline variant."""
    return {mode: evaluate(gold_path, corpus, mode).scores for mode in MODES}


def format_ablation(results: dict[str, dict[str, Count]]) -> str:
    modes = list(results)
    lines = [f"{'F1':26s} " + " ".join(f"{m:>9s}" for m in modes)]
    for row in ABLATION_ROWS:
        lines.append(f"{row:26s} " + " ".join(f"{results[m][row].f1:9.3f}" for m in modes))
    return "\n".join(lines)
