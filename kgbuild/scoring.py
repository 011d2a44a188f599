"""Micro P/R/F1 of extraction output against gold JSONL, by the annotation guideline's rules.

This re-implements the project's reference scorer (``eval/score.py`` of the shared material) so
that ``kgbuild evaluate`` works without it; a test checks both give the same figures. Papers match
by normalised title; names match when their normal forms are equal, counting aliases on either side;
"lenient" entity scores treat DATASET and BENCHMARK as one kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kgbuild.records import normalise_name

CORE_KINDS = frozenset({"MODEL", "DATASET", "BENCHMARK", "METRIC"})
ALL_KINDS = CORE_KINDS | {"TASK", "METHOD"}
LENIENT_KIND = {"DATASET": "DATA", "BENCHMARK": "DATA"}
RELATION_SCORES = (
    "proposes",
    "compares_with",
    "evaluated_on",
    "evaluated_on_obj",
    "trained_on",
    "based_on",
    "results",
    "results_value",
    "results_absolute",
)


def _norm(value: Any) -> str | None:
    return None if value is None else normalise_name(str(value))


@dataclass
class Count:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "p": self.precision,
            "r": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "pred": self.pred,
            "gold": self.gold,
        }


def alias_keys(record: dict[str, Any]) -> dict[str, str | None]:
    """Normal form of every name and alias -> normal form of the entity's name (first wins; None
    for the aliases of an entity without a name)."""
    keys: dict[str, str | None] = {}
    for entity in record.get("entities", []):
        canonical = _norm(entity.get("name"))
        for name in [entity.get("name"), *(entity.get("aliases") or [])]:
            if name:
                keys.setdefault(normalise_name(str(name)), canonical)
    return keys


def entity_items(record: dict[str, Any], kinds: Iterable[str], lenient: bool) -> list[tuple[str, frozenset[str]]]:
    items: set[tuple[str, frozenset[str]]] = set()
    for entity in record.get("entities", []):
        kind = entity.get("kind")
        if kind not in kinds:
            continue
        kind = LENIENT_KIND.get(kind, kind) if lenient else kind
        names = frozenset(normalise_name(str(n)) for n in [entity.get("name"), *(entity.get("aliases") or [])] if n)
        items.add((kind, names))
    return list(items)


def matched_entities(gold: list[tuple[str, frozenset[str]]], pred: list[tuple[str, frozenset[str]]]) -> int:
    """Greedy one-to-one matching: same kind and at least one shared name."""
    used: set[int] = set()
    hits = 0
    for gold_kind, gold_names in gold:
        for i, (pred_kind, pred_names) in enumerate(pred):
            if i not in used and pred_kind == gold_kind and gold_names & pred_names:
                used.add(i)
                hits += 1
                break
    return hits


def relation_items(record: dict[str, Any], relation: str, resolve: Callable[[Any], str | None]) -> set[Any]:
    values = record.get(relation) or []
    if relation in ("proposes", "compares_with"):
        return {resolve(x) for x in values}
    if relation in ("evaluated_on", "trained_on", "based_on"):
        return {(resolve(a), resolve(b)) for a, b in values}
    if relation == "evaluated_on_obj":
        return {resolve(b) for _, b in record.get("evaluated_on") or []}
    results = record.get("results") or []
    if relation == "results":
        return {(resolve(r.get("model")), _norm(r.get("value"))) for r in results}
    if relation == "results_value":
        return {_norm(r.get("value")) for r in results}
    if relation == "results_absolute":
        return {
            (resolve(r.get("model")), _norm(r.get("value"))) for r in results if r.get("kind", "absolute") == "absolute"
        }
    raise KeyError(relation)


def score_records(gold: dict[str, dict[str, Any]], pred: dict[str, dict[str, Any]]) -> tuple[dict[str, Count], int]:
    """Scores keyed by label, and how many gold papers had no prediction."""
    counts: dict[str, Count] = {}
    missing = 0
    for title_key, gold_record in gold.items():
        pred_record = pred.get(title_key)
        if pred_record is None:
            missing += 1
            pred_record = {"entities": []}
        for label, kinds, lenient in (
            ("entities_core_strict", CORE_KINDS, False),
            ("entities_core_lenient", CORE_KINDS, True),
            ("entities_all_lenient", ALL_KINDS, True),
            *((f"entity:{k}", {k}, False) for k in sorted(ALL_KINDS)),
        ):
            g, p = entity_items(gold_record, kinds, lenient), entity_items(pred_record, kinds, lenient)
            c = counts.setdefault(label, Count())
            c.tp += matched_entities(g, p)
            c.pred += len(p)
            c.gold += len(g)
        gold_keys, pred_keys = alias_keys(gold_record), alias_keys(pred_record)

        def gold_resolve(name: Any) -> str | None:
            n = _norm(name)
            return None if n is None else gold_keys.get(n, n)

        def pred_resolve(name: Any) -> str | None:
            n = _norm(name)
            if n is None:
                return None
            own = pred_keys.get(n, n)
            fallback = gold_keys.get(n, n)
            return fallback if own is None else gold_keys.get(own, fallback)

        for relation in RELATION_SCORES:
            gold_items = relation_items(gold_record, relation, gold_resolve)
            pred_items = relation_items(pred_record, relation, pred_resolve)
            c = counts.setdefault("rel:" + relation, Count())
            c.tp += len(gold_items & pred_items)
            c.pred += len(pred_items)
            c.gold += len(gold_items)
    return counts, missing


def index_by_title(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {normalise_name(str(r["title"])): r for r in records}


def format_table(counts: dict[str, Count]) -> str:
    lines = [f"{'score':28s} {'P':>6s} {'R':>6s} {'F1':>6s}   tp/pred/gold"]
    for label in sorted(counts):
        c = counts[label]
        lines.append(f"{label:28s} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}   {c.tp}/{c.pred}/{c.gold}")
    return "\n".join(lines)
