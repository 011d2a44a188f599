"""Choose the abstracts of the annotated corpus (eval/annotated) from the arXiv listings.

Reproducible: the same listings file and seed give the same id lists, which are written to
``eval/annotated/selection.json``. Half of every split is a random sample stratified by primary
category over the ML categories; the other half is drawn from abstracts whose text carries the
cues of the rare facts (comparisons, model lineage, percentages), so that compares_with,
based_on and results have enough examples to learn from.

Papers of the founding corpus, of the shared dev set and of eval/heldout are never chosen: those
sets stay for measuring.

    python scripts/annotation/select.py LISTINGS.jsonl.gz --founding DIR --exclude GOLD.jsonl ...
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

SEED = 13
SPLIT_SIZES = {"train": 550, "dev": 100, "test": 150}
# primary categories sampled; each is its own stratum
ML_CATEGORIES = (
    "cs.CL",
    "cs.LG",
    "cs.CV",
    "cs.AI",
    "cs.IR",
    "cs.MA",
    "cs.SD",
    "eess.AS",
    "stat.ML",
    "cs.NE",
    "eess.IV",
)
MIN_PER_STRATUM = 4
MIN_ABSTRACT_CHARS = 400
SHINGLE = 12

# cue classes of the oversampled half, with their share of it; matched against the lowercased
# abstract (Python's re is several times slower on these alternations with re.IGNORECASE)
CUES = {
    "lineage": (
        0.4,
        re.compile(
            r"fine-?tun\w* (?:from|on top of)|distill\w* (?:from|into)|built (?:up)?on|on top of|"
            r"initiali[sz]\w* (?:from|with)|adapted from|a variant of|teacher|continual\w* pre-?train|"
            r"(?<=\w)-based (?:model|llm|architecture)|extends? [a-z]|derived from",
        ),
    ),
    "comparison": (
        0.3,
        re.compile(
            r"outperform|surpass|better than|compared (?:to|with)|comparable to|\bvs\.?\s|beats?\b|"
            r"on par with|rival",
        ),
    ),
    "percent": (0.3, re.compile(r"\d(?:\.\d+)?\s?%")),
}
# a name-like word (digit or inner capital: GPT-4, LLaMA, Qwen2.5): the oversampled half wants
# abstracts that name things
NAME_LIKE = re.compile(r"\b[A-Za-z]*[a-z][A-Z]\w*|\b[A-Z][\w.]*\d[\w.]*|\b[A-Z]{2,}\w*")


def norm(text: str) -> str:
    """The scorer's title normalisation (NFKC, lowercase, alphanumerics only)."""
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", text).lower())


def clean(text: str) -> str:
    """Runs of whitespace (arXiv summaries carry hard line breaks) become one space."""
    return " ".join(text.split())


def excluded_titles(founding: Path | None, gold_files: list[Path]) -> tuple[str, set[str]]:
    """The normalised text of the founding corpus (titles are found in it as substrings, so no
    parser of its layouts is needed) and the normalised titles of the gold files."""
    founding_text = ""
    if founding is not None:
        founding_text = "".join(norm(p.read_text(encoding="utf-8")) for p in sorted(founding.glob("*.txt")))
    titles = set()
    for path in gold_files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                titles.add(norm(json.loads(line)["title"]))
    return founding_text, titles


def selected_titles(listings: Path, selections: list[Path]) -> set[str]:
    """The normalised listing titles of every paper an earlier selection chose (its papers are
    excluded by title, as a gold file's are)."""
    ids = set()
    for path in selections:
        for split in json.loads(path.read_text(encoding="utf-8"))["splits"].values():
            ids.update(chosen["id"] for chosen in split)
    with gzip.open(listings, "rt", encoding="utf-8") as f:
        return {norm(clean(r["title"])) for r in map(json.loads, f) if r["id"] in ids}


def candidates(listings: Path, founding_text: str, titles: set[str]) -> list[dict]:
    # a title's first SHINGLE characters must occur in the founding text before the (slow)
    # substring search runs
    shingles = {founding_text[i : i + SHINGLE] for i in range(len(founding_text) - SHINGLE + 1)}
    out = []
    seen: set[str] = set()
    with gzip.open(listings, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in seen or r["categories"][0] not in ML_CATEGORIES:
                continue
            title, abstract = clean(r["title"]), clean(r["summary"])
            key = norm(title)
            if (
                len(abstract) < MIN_ABSTRACT_CHARS
                or not key
                or key in titles
                or (key[:SHINGLE] in shingles and key in founding_text)
            ):
                continue
            seen.add(r["id"])
            out.append({"id": r["id"], "category": r["categories"][0], "title": title, "abstract": abstract})
    return out


def stratified(pool: list[dict], n: int, rng: random.Random) -> list[dict]:
    """n papers, each primary category getting its proportional share but at least
    MIN_PER_STRATUM (or all it has); the rounding remainder goes to the largest strata."""
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for r in pool:
        by_cat[r["category"]].append(r)
    quota = {c: min(len(rs), MIN_PER_STRATUM) for c, rs in by_cat.items()}
    rest = n - sum(quota.values())
    big = sum(len(rs) for rs in by_cat.values())
    for c, rs in by_cat.items():
        quota[c] = min(len(rs), quota[c] + int(rest * len(rs) / big))
    for c in sorted(by_cat, key=lambda c: -len(by_cat[c])):
        if sum(quota.values()) >= n:
            break
        quota[c] += 1
    chosen = []
    for c in sorted(by_cat):
        chosen.extend(rng.sample(by_cat[c], quota[c]))
    return chosen


def with_cues(pool: list[dict], n: int, rng: random.Random) -> list[dict]:
    """n papers whose abstract has a cue class's pattern and names something, each class
    drawing its share in turn (lineage first: its facts are the rarest)."""
    chosen: list[dict] = []
    taken: set[str] = set()
    for name, (share, pattern) in CUES.items():
        want = round(n * share) if name != list(CUES)[-1] else n - len(chosen)
        hits = [
            r
            for r in pool
            if r["id"] not in taken
            and pattern.search(r["abstract"].lower())
            and len(NAME_LIKE.findall(r["title"] + " " + r["abstract"])) >= 3
        ]
        for r in rng.sample(hits, want):
            r = dict(r, cue=name)
            chosen.append(r)
            taken.add(r["id"])
    return chosen


def select(
    listings: Path,
    founding: Path | None,
    gold_files: list[Path],
    seed: int = SEED,
    sizes: Mapping[str, int] = SPLIT_SIZES,
    selections: list[Path] | None = None,
) -> dict[str, list[dict]]:
    founding_text, titles = excluded_titles(founding, gold_files)
    titles |= selected_titles(listings, selections or [])
    pool = candidates(listings, founding_text, titles)
    rng = random.Random(seed)
    total = sum(sizes.values())
    random_half = stratified(pool, total // 2, rng)
    picked = {r["id"] for r in random_half}
    cue_half = with_cues([r for r in pool if r["id"] not in picked], total - len(random_half), rng)
    rng.shuffle(random_half)
    rng.shuffle(cue_half)
    splits: dict[str, list[dict]] = {}
    start_r = start_c = 0
    for split, size in sizes.items():
        n_r = size // 2
        n_c = size - n_r
        splits[split] = [dict(r, sample="random") for r in random_half[start_r : start_r + n_r]] + [
            dict(r, sample="cue:" + r.pop("cue")) for r in cue_half[start_c : start_c + n_c]
        ]
        start_r += n_r
        start_c += n_c
    return splits


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("listings", type=Path)
    ap.add_argument("--founding", type=Path, help="folder of the founding corpus (*.txt)")
    ap.add_argument("--exclude", type=Path, action="append", default=[], help="gold JSONL whose titles are excluded")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument(
        "--exclude-selection",
        type=Path,
        action="append",
        default=[],
        help="a selection.json whose papers are excluded (by their titles)",
    )
    ap.add_argument(
        "--size",
        action="append",
        default=[],
        metavar="SPLIT=N",
        help="papers of a split (repeatable; default: train=550 dev=100 test=150). More training papers "
        "are chosen with another seed, the earlier selection given to --exclude-selection",
    )
    ap.add_argument("-o", "--output", type=Path, default=Path("eval/annotated/selection.json"))
    ap.add_argument("--texts", type=Path, help="also write the chosen texts (JSONL: id, split, title, abstract)")
    args = ap.parse_args(argv)
    try:
        sizes = {name: int(n) for name, n in (size.split("=", 1) for size in args.size)} or dict(SPLIT_SIZES)
    except ValueError:
        ap.error(f"--size takes SPLIT=N, got {args.size}")
    if set(sizes) - set(SPLIT_SIZES) or min(sizes.values()) < 1:
        ap.error(f"--size takes SPLIT=N with SPLIT one of {', '.join(SPLIT_SIZES)} and N >= 1, got {args.size}")
    splits = select(args.listings, args.founding, args.exclude, args.seed, sizes, args.exclude_selection)
    selection = {
        "seed": args.seed,
        "splits": {
            s: [{"id": r["id"], "sample": r["sample"], "category": r["category"]} for r in rs]
            for s, rs in splits.items()
        },
    }
    args.output.write_text(json.dumps(selection, indent=1) + "\n", encoding="utf-8")
    if args.texts:
        with args.texts.open("w", encoding="utf-8") as f:
            for s, rs in splits.items():
                for r in rs:
                    f.write(
                        json.dumps(
                            {"id": r["id"], "split": s, "title": r["title"], "abstract": r["abstract"]},
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
    counts = {s: len(rs) for s, rs in splits.items()}
    print(f"selected {counts} (seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
