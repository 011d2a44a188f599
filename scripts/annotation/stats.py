"""Counts of the annotated corpus, per split: papers, entities by kind, relation facts.

    python scripts/annotation/stats.py [eval/annotated]

Prints a Markdown table (the one in eval/annotated/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kgbuild.annotated import KINDS, LIST_RELATIONS, PAIR_RELATIONS, SPLITS, Record, load_splits  # noqa: E402


def counts(records: list[Record]) -> dict[str, int]:
    out = {"papers": len(records)}
    for kind in KINDS:
        out[kind] = sum(1 for r in records for e in r["entities"] if e["kind"] == kind)
    for rel in (*LIST_RELATIONS, *PAIR_RELATIONS):
        out[rel] = sum(len(r[rel]) for r in records)
    out["results"] = sum(len(r["results"]) for r in records)
    out["results (absolute)"] = sum(1 for r in records for x in r["results"] if x["kind"] == "absolute")
    out["results (delta)"] = out["results"] - out["results (absolute)"]
    out["mention spans"] = sum(len(r["spans"]) for r in records)
    return out


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else Path("eval/annotated")
    splits = load_splits(directory)
    table = {split: counts(records) for split, records in splits.items()}
    total = counts([r for records in splits.values() for r in records])
    print("| | " + " | ".join(SPLITS) + " | all |")
    print("|---|" + "---:|" * (len(SPLITS) + 1))
    for key in total:
        print(f"| {key} | " + " | ".join(f"{table[s][key]:,}" for s in SPLITS) + f" | {total[key]:,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
