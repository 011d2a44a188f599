"""The annotated corpus (``eval/annotated``): records in the gold format of the annotation
guideline, plus the arXiv ``id``, the exact ``title``/``abstract`` annotated and the character
``spans`` of every mention of every entity name and alias.

Standard library only: the validator runs in the tests, and the same checks are what annotators
run on their own batches before handing them in.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

KINDS = ("MODEL", "DATASET", "BENCHMARK", "METRIC", "METHOD", "TASK")
RESULT_KINDS = ("absolute", "delta")
PAPER = "paper"
FIELDS = ("title", "abstract")
SPLITS = ("train", "dev", "test")
LIST_RELATIONS = ("proposes", "compares_with")
PAIR_RELATIONS = ("evaluated_on", "trained_on", "based_on")
REQUIRED = ("id", "title", "abstract", "entities", *LIST_RELATIONS, *PAIR_RELATIONS, "results", "mentions", "notes")

Record = dict[str, Any]


def norm(text: str) -> str:
    """The scorer's normal form of a name or title (NFKC, lowercase, alphanumerics only)."""
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", text).lower())


def read_jsonl(path: Path) -> list[Record]:
    records = []
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{number}: not JSON: {e}") from e
    return records


def write_jsonl(path: Path, records: Iterable[Record]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(path)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def occurrences(text: str, name: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of ``name`` in ``text`` that is not part of a longer word:
    "BERT" is not found inside "RoBERTa", nor "GPT-4" inside "GPT-4o"."""
    if not name:
        return
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        word_start = not (_is_word_char(before) and _is_word_char(name[0]))
        word_end = not (_is_word_char(after) and _is_word_char(name[-1]))
        if word_start and word_end:
            yield start, end
        start = text.find(name, start + 1)


def entity_names(entity: Record) -> list[str]:
    return [entity["name"], *entity.get("aliases", [])]


def mention_spans(record: Record) -> list[Record]:
    """Every occurrence of every entity name and alias in the title and the abstract, ordered by
    field and offset. Overlaps are kept (a name inside a longer name of another entity): the
    consumer decides which wins."""
    spans = []
    for entity in record["entities"]:
        for name in dict.fromkeys(entity_names(entity)):
            for field in FIELDS:
                for start, end in occurrences(record[field], name):
                    spans.append(
                        {
                            "field": field,
                            "start": start,
                            "end": end,
                            "text": name,
                            "entity": entity["name"],
                            "kind": entity["kind"],
                        }
                    )
    spans.sort(key=lambda s: (FIELDS.index(s["field"]), s["start"], -s["end"], s["entity"], s["kind"]))
    return spans


def _resolver(record: Record) -> dict[str, str]:
    """Normal form of any name or alias -> the entity's name."""
    out: dict[str, str] = {}
    for entity in record.get("entities", []):
        for name in entity_names(entity):
            if isinstance(name, str):
                out.setdefault(norm(name), entity["name"])
    return out


def record_problems(record: Record) -> list[str]:
    """What is wrong with one annotated record; [] when it is valid."""
    problems = [f"missing field {key!r}" for key in REQUIRED if key not in record]
    if problems:
        return problems
    for field in FIELDS:
        if not isinstance(record[field], str) or not record[field].strip():
            problems.append(f"{field} is not a non-empty string")
    if problems:
        return problems
    known = _resolver(record)
    seen_kinds: set[tuple[str, str]] = set()
    for entity in record["entities"]:
        name, kind = entity.get("name"), entity.get("kind")
        if not isinstance(name, str) or kind not in KINDS:
            problems.append(f"entity {entity!r}: needs a string name and a kind of {KINDS}")
            continue
        if (name, kind) in seen_kinds:
            problems.append(f"entity {name!r} listed twice as {kind}")
        seen_kinds.add((name, kind))
        aliases = entity.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(f"entity {name!r}: aliases must be a list of strings")
            continue
        for text in entity_names(entity):
            if not any(True for f in FIELDS for _ in occurrences(record[f], text)):
                problems.append(f"{kind} {name!r}: {text!r} does not occur verbatim (as whole words) in the text")

    def check_name(value: Any, where: str, *, paper_ok: bool, null_ok: bool = False) -> None:
        if value is None and null_ok:
            return
        if value == PAPER and paper_ok:
            return
        if not isinstance(value, str) or norm(value) not in known:
            problems.append(f"{where}: {value!r} is not an annotated entity name")

    for rel in LIST_RELATIONS:
        for item in record[rel]:
            check_name(item, rel, paper_ok=False)
    for rel in PAIR_RELATIONS:
        for pair in record[rel]:
            if not (isinstance(pair, list) and len(pair) == 2):
                problems.append(f"{rel}: {pair!r} is not a [subject, object] pair")
                continue
            check_name(pair[0], rel, paper_ok=True)
            check_name(pair[1], rel, paper_ok=False)
    for result in record["results"]:
        if not isinstance(result, dict) or not isinstance(result.get("value"), str) or not result["value"].strip():
            problems.append(f"results: {result!r} needs a string value")
            continue
        if result.get("kind") not in RESULT_KINDS:
            problems.append(f"results: {result!r} kind must be one of {RESULT_KINDS}")
        check_name(result.get("model"), "results.model", paper_ok=True)
        check_name(result.get("benchmark"), "results.benchmark", paper_ok=False, null_ok=True)
        check_name(result.get("metric"), "results.metric", paper_ok=False, null_ok=True)
    for item in record["mentions"]:
        check_name(item, "mentions", paper_ok=False)
    if not isinstance(record["notes"], str):
        problems.append("notes must be a string")
    for span in record.get("spans", []):
        text = record[span["field"]][span["start"] : span["end"]]
        if text != span["text"]:
            problems.append(f"span {span!r} reads {text!r} at its offsets")
    if "spans" in record and record["spans"] != mention_spans(record):
        problems.append("spans differ from the spans computed from the entity names")
    return problems


def split_problems(splits: dict[str, list[Record]], excluded_titles: set[str]) -> list[str]:
    """Problems across splits: a paper in two splits (by id or title), a title that belongs to a
    set kept for measuring, and the problems of each record."""
    problems: list[str] = []
    where: dict[str, str] = {}
    for split, records in splits.items():
        for number, record in enumerate(records, 1):
            label = f"{split}:{number} ({record.get('id')})"
            problems.extend(f"{label}: {p}" for p in record_problems(record))
            for key in (f"id:{record.get('id')}", f"title:{norm(str(record.get('title', '')))}"):
                if key in where:
                    problems.append(f"{label}: {key} is already in {where[key]}")
                where[key] = label
            if norm(str(record.get("title", ""))) in excluded_titles:
                problems.append(f"{label}: title belongs to a measuring set")
    return problems


def load_splits(directory: Path) -> dict[str, list[Record]]:
    return {split: read_jsonl(directory / f"{split}.jsonl") for split in SPLITS}
