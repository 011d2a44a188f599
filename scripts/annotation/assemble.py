"""Assemble annotators' batches into the splits of eval/annotated.

    python scripts/annotation/assemble.py --texts TEXTS.jsonl --annotations DIR [--second DIR]

TEXTS is what ``select.py --texts`` wrote (id, split, title, abstract: the exact text annotated);
DIR holds the annotators' JSONL files (one record per paper, keyed by ``id``). Each record gets the
text it was annotated on and the character spans of every mention of its entity names and aliases
(computed here, never typed by hand), then goes to its split in selection order. Records a second
annotator made independently (``--second``) are written to ``agreement/second.jsonl`` beside the
same papers' first annotations (``agreement/first.jsonl``) for scoring one against the other.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kgbuild.annotated import SPLITS, Record, mention_spans, read_jsonl, record_problems, write_jsonl  # noqa: E402

FIELD_ORDER = (
    "id",
    "title",
    "abstract",
    "source",
    "sample",
    "entities",
    "proposes",
    "compares_with",
    "evaluated_on",
    "trained_on",
    "based_on",
    "results",
    "mentions",
    "attributes",
    "notes",
    "spans",
)


def annotations_in(directory: Path) -> dict[str, Record]:
    """id -> record over every JSONL file of the directory; an id annotated twice is an error."""
    out: dict[str, Record] = {}
    for path in sorted(directory.glob("*.jsonl")):
        for record in read_jsonl(path):
            if record["id"] in out:
                raise SystemExit(f"{path}: {record['id']} is annotated twice")
            out[record["id"]] = record
    return out


def complete(annotation: Record, text: Record, sample: str) -> Record:
    record = dict(annotation, title=text["title"], abstract=text["abstract"], source="external", sample=sample)
    record.setdefault("attributes", {})
    record.setdefault("notes", "")
    record["spans"] = mention_spans(record)
    return {key: record[key] for key in FIELD_ORDER}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=Path, required=True)
    ap.add_argument("--annotations", type=Path, required=True)
    ap.add_argument("--second", type=Path)
    ap.add_argument(
        "--selection",
        type=Path,
        action="append",
        help="selection.json of select.py (repeatable: a later one's papers follow in each split; "
        "default: eval/annotated/selection.json, then its selection-extra-*.json in order)",
    )
    ap.add_argument("-o", "--output", type=Path, default=Path("eval/annotated"))
    args = ap.parse_args(argv)

    import json

    annotated = Path("eval/annotated")
    extras = sorted(annotated.glob("selection-extra-*.json"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    paths = args.selection or [annotated / "selection.json", *extras]
    selections = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    chosen_in = {split: [c for s in selections for c in s["splits"].get(split, [])] for split in SPLITS}
    texts = {r["id"]: r for r in read_jsonl(args.texts)}
    first = annotations_in(args.annotations)
    problems = 0
    for split in SPLITS:
        records = []
        for chosen in chosen_in[split]:
            annotation = first.get(chosen["id"])
            if annotation is None:
                print(f"{split}: {chosen['id']} is not annotated yet", file=sys.stderr)
                problems += 1
                continue
            record = complete(annotation, texts[chosen["id"]], chosen["sample"])
            for p in record_problems(record):
                print(f"{split}: {record['id']}: {p}", file=sys.stderr)
                problems += 1
            records.append(record)
        write_jsonl(args.output / f"{split}.jsonl", records)
        print(f"{split}: {len(records)} papers", file=sys.stderr)
    if args.second:
        second = annotations_in(args.second)
        samples = {c["id"]: c["sample"] for rs in chosen_in.values() for c in rs}
        ids = [i for i in second if i in first]
        (args.output / "agreement").mkdir(exist_ok=True)
        write_jsonl(
            args.output / "agreement" / "second.jsonl", [complete(second[i], texts[i], samples[i]) for i in ids]
        )
        write_jsonl(args.output / "agreement" / "first.jsonl", [complete(first[i], texts[i], samples[i]) for i in ids])
        print(f"agreement: {len(ids)} papers annotated twice", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
