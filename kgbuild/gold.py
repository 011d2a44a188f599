"""``PaperExtraction`` -> one line of the evaluation guideline's JSONL format."""

from __future__ import annotations

from typing import Any

from kgbuild.records import PAPER_SUBJECT, PaperExtraction

PAIR_RELATIONS = ("evaluated_on", "trained_on", "based_on")


def entity_records(extraction: PaperExtraction) -> list[dict[str, Any]]:
    """Entities in the guideline's form. A name this paper both trains on and evaluates on is
    listed under both kinds, as the guideline asks."""
    trained = {r.object for r in extraction.relations if r.kind == "trained_on"}
    evaluated = {r.object for r in extraction.relations if r.kind == "evaluated_on"}
    records = []
    for e in sorted(extraction.entities, key=lambda e: (e.kind, e.name)):
        records.append({"name": e.name, "kind": e.kind, "aliases": list(e.aliases)})
        if e.entity_id in trained and e.entity_id in evaluated:
            other = "BENCHMARK" if e.kind == "DATASET" else "DATASET"
            records.append({"name": e.name, "kind": other, "aliases": list(e.aliases)})
    return records


def to_gold_record(extraction: PaperExtraction) -> dict[str, Any]:
    names = {e.entity_id: e.name for e in extraction.entities}

    def name(entity_id: str) -> str:
        if entity_id == PAPER_SUBJECT:
            return PAPER_SUBJECT
        return names.get(entity_id, entity_id)

    def optional_name(entity_id: str | None) -> str | None:  # a result's model, benchmark or metric
        return None if entity_id is None else name(entity_id)

    def objects(kind: str) -> list[str]:
        return sorted({name(r.object) for r in extraction.relations if r.kind == kind})

    def pairs(kind: str) -> list[tuple[str, str]]:
        return sorted({(name(r.subject), name(r.object)) for r in extraction.relations if r.kind == kind})

    paper = extraction.paper
    return {
        "id": paper.paper_id,
        "title": paper.title,
        "source": "kgbuild",
        "entities": entity_records(extraction),
        "proposes": objects("proposes"),
        "compares_with": objects("compares_with"),
        **{kind: [list(p) for p in pairs(kind)] for kind in PAIR_RELATIONS},
        "results": [
            {
                "model": optional_name(r.model),
                "benchmark": optional_name(r.benchmark),
                "metric": optional_name(r.metric),
                "value": r.value,
                "kind": r.kind,
            }
            for r in extraction.results
        ],
        "mentions": objects("mentions"),
        "attributes": {e.name: {"params": e.params} for e in extraction.entities if e.params},
    }
