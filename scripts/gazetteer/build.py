#!/usr/bin/env python3
"""Generate kgbuild's gazetteer pattern files from the curated source lists beside this script.

    python scripts/gazetteer/build.py            # (re)write kgbuild/nlp/patterns/*.jsonl
    python scripts/gazetteer/build.py --check    # exit 1 if the committed files are stale
    python scripts/gazetteer/build.py --out DIR  # write somewhere else

Source format (``sources/<kind>.txt``, one entity per line, ``#`` starts a comment line)::

    Canonical name | alias | alias ...   @flag @flag

The first name is the display name (``"canonical"``); the id is its slug unless ``@id=...``.
Flags for the whole entity:
    @ci          match every alias case-insensitively
    @cs          match every alias with exact case (overrides the automatic rule below)
    @alt=KIND    the name is commonly used as KIND too (written as ``"alt_label"``)
    @id=slug     explicit canonical id
    @novar       no automatic spelling variants
Prefixes on a single alias: ``~`` case-insensitive, ``=`` exact case, ``!`` no spelling variants.

Automatic spelling variants (so the lists only need one spelling of each): at a boundary between a
word of >= 2 letters and a version number ("GPT-3", "Llama 2", "Qwen2.5", "YOLOv5", "DINOv2") every
separator of {"-", " ", ""} is produced (a space only after a word of >= 3 letters); between a version number (or a name) and a following word
or size word ("Qwen2-VL", "Claude 3 Opus", "BERT-base") both "-" and " " are produced.

Automatic case rule (when no flag decides): METRIC and TASK aliases written in lower case (apart
from the first letter) match case-insensitively; acronyms and mixed-case names (BLEU, mAP, MAP)
match with exact case. For the other kinds, an alias matches case-insensitively when it mixes
letters and digits and is at least four characters long ("GPT-4" also finds "gpt-4") or when it is
a lower-case multi-word phrase ("knowledge distillation"); anything else (BERT, CLIP, Yi, Phi,
Gemini, Falcon) matches with exact case only, since those collide with English words in lower case.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
REPO = HERE.parents[1]
DEFAULT_OUT = REPO / "kgbuild" / "nlp" / "patterns"

KINDS: dict[str, str] = {
    "MODEL": "models",
    "DATASET": "datasets",
    "BENCHMARK": "benchmarks",
    "METRIC": "metrics",
    "TASK": "tasks",
    "METHOD": "methods",
}

# Generic terms that must never be a gazetteer pattern (compared in normal form).
BLOCKLIST: tuple[str, ...] = (
    "large language model",
    "large language models",
    "language model",
    "language models",
    "LLM",
    "LLMs",
    "LM",
    "LMs",
    "PLM",
    "PLMs",
    "VLM",
    "VLMs",
    "MLLM",
    "MLLMs",
    "transformer",
    "transformers",
    "vision transformer",
    "vision transformers",
    "neural network",
    "neural networks",
    "deep learning",
    "machine learning",
    "dataset",
    "datasets",
    "benchmark",
    "benchmarks",
    "model",
    "models",
    "corpus",
    "metric",
    "task",
    "method",
    "GPTs",
    "CNN",
    "CNNs",
    "RNN",
    "RNNs",
    "LSTM",
    "LSTMs",
    "GRU",
    "GAN",
    "GANs",
    "VAE",
    "VAEs",
    "MLP",
    "MLPs",
    "GNN",
    "GNNs",
    "diffusion model",
    "diffusion models",
    "encoder",
    "decoder",
    "encoder-decoder",
    "foundation model",
    "foundation models",
    "chatbot",
    "agent",
    "agents",
    "AI",
    "NLP",
    "data",
    "web data",
    "RAG",
    "CoT",
    "ICL",
    "SFT",
    "PEFT",
    "chain-of-thought",
    "in-context learning",
    "fine-tuning",
    "pretraining",
    "score",
    "performance",
    "error",
    "results",
    "evaluation",
    "learning",
    "training",
    "Wiki",
    "Web",
    "Internet",
)

NORM_RE = re.compile(r"[^0-9a-z]+")
SIZE_WORDS = frozenset("base large small tiny mini medium xl xxl huge giant nano micro".split())


def normalise(name: str) -> str:
    """Same normal form as kgbuild.records.normalise_name (lowercase NFKC alphanumerics)."""
    return NORM_RE.sub("", unicodedata.normalize("NFKC", name).lower())


def slugify(name: str) -> str:
    """Same slug as kgbuild.records.slugify for ASCII-representable names."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^0-9a-z]+", "-", folded).strip("-")
    if not slug:
        raise ValueError(f"cannot slugify {name!r}: give an explicit @id=")
    return slug


@dataclass
class Alias:
    text: str
    case: str | None = None  # "ci", "cs" or None (automatic)
    expand: bool = True


@dataclass
class Entry:
    label: str
    canonical: str
    aliases: list[Alias]
    entity_id: str
    alt_label: str | None = None
    case: str | None = None
    expand: bool = True
    source: str = ""
    flags: set[str] = field(default_factory=set)


# ---------------------------------------------------------------- parsing

LINE_RE = re.compile(r"^(?P<names>.*?)(?P<flags>(?:\s+@[A-Za-z]+(?:=[^\s]+)?)*)\s*$")


def parse_alias(raw: str) -> Alias:
    alias = Alias(raw.strip())
    while alias.text[:1] in ("~", "=", "!") and len(alias.text) > 1:
        prefix, alias.text = alias.text[0], alias.text[1:]
        if prefix == "~":
            alias.case = "ci"
        elif prefix == "=":
            alias.case = "cs"
        else:
            alias.expand = False
    return alias


def parse_source(label: str, path: Path) -> list[Entry]:
    entries = []
    for line_no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = LINE_RE.match(line)
        assert m is not None
        flags = m.group("flags").split()
        aliases = [parse_alias(a) for a in m.group("names").split("|") if a.strip()]
        if not aliases:
            raise SystemExit(f"{path}:{line_no}: no name")
        entry = Entry(
            label=label,
            canonical=aliases[0].text,
            aliases=aliases,
            entity_id="",
            source=f"{path.name}:{line_no}",
        )
        for flag in flags:
            key, _, value = flag[1:].partition("=")
            if key in ("ci", "cs"):
                entry.case = key
            elif key == "novar":
                entry.expand = False
            elif key == "alt" and value in KINDS:
                entry.alt_label = value
            elif key == "id" and value:
                entry.entity_id = value
            else:
                raise SystemExit(f"{path}:{line_no}: unknown flag {flag}")
        entry.entity_id = entry.entity_id or slugify(entry.canonical)
        entries.append(entry)
    return entries


# ---------------------------------------------------------------- variants

# A name split into parts and the separators between them ("Claude 3 Opus" -> parts
# ["Claude", "3", "Opus"], seps [" ", " "]). "Qwen2.5" -> ["Qwen", "2.5"], [""].
VERSION_RE = re.compile(r"^[vV]?\d+(?:\.\d+)*[a-z]?$")
SPLIT_RE = re.compile(r"([ -])")


def _is_word(part: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z]+", part))


def _ends_with_word(part: str) -> bool:
    return bool(re.search(r"(?:^|[^A-Za-z])[A-Za-z]{2,}$", part)) or _is_word(part)


def _split_joined_version(part: str) -> tuple[str, str] | None:
    """'Qwen2.5' -> ('Qwen', '2.5'); 'YOLOv5' -> ('YOLO', 'v5'); 'ColBERTv2' -> ('ColBERT', 'v2').

    Not split: a one-letter stem ('T5', 'o1') or a camel-case unit before the digit ('mT5', 'CodeT5',
    'ByT5', where 'T5' belongs together), and stems that contain digits ('wav2vec2').
    """
    m = re.fullmatch(r"(?P<stem>[A-Za-z]*?[A-Za-z]{2,}?)(?P<ver>[vV]?\d+(?:\.\d+)*[a-z]?)", part)
    if not m:
        return None
    stem = m.group("stem")
    if re.search(r"[a-z][A-Z]$", stem):
        return None
    return stem, m.group("ver")


def variants(text: str) -> list[str]:
    """Spelling variants of one alias (always includes the alias itself)."""
    tokens = SPLIT_RE.split(text)
    parts, seps = tokens[0::2], tokens[1::2]
    if any(not p for p in parts):
        return [text]
    # Split a trailing joined version off a part ("Qwen2.5-VL" -> "Qwen" "" "2.5" "-" "VL").
    new_parts: list[str] = []
    new_seps: list[str] = []
    for i, part in enumerate(parts):
        split = _split_joined_version(part)
        if split:
            new_parts.extend(split)
            new_seps.append("")
        else:
            new_parts.append(part)
        if i < len(seps):
            new_seps.append(seps[i])
    parts, seps = new_parts, new_seps
    choices: list[tuple[str, ...]] = []
    for i, sep in enumerate(seps):
        left, right = parts[i], parts[i + 1]
        if VERSION_RE.match(right) and _ends_with_word(left) and not re.search(r"\d", left):
            # "GPT 3" is a real spelling, "IN 1k" or "AI 2" would match ordinary text: a spaced
            # variant needs a word of at least three letters before the number.
            short = not re.search(r"[A-Za-z]{3}$", left)
            choices.append(("-", "") if short and sep != " " else ("-", " ", ""))
        elif re.fullmatch(r"[A-Z]\d+(?:\.\d+)?", right) and _is_word(left) and sep in ("-", " "):
            choices.append(("-", " "))
        elif VERSION_RE.match(left) and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", right) and sep in ("-", " "):
            choices.append(("-", " "))
        elif right.lower() in SIZE_WORDS and sep in ("-", " "):
            choices.append(("-", " "))
        else:
            choices.append((sep,))
    out = []
    for combo in itertools.product(*choices):
        s = parts[0]
        for sep, part in zip(combo, parts[1:]):
            s += sep + part
        out.append(s)
    return sorted(set(out) | {text})


# ---------------------------------------------------------------- case rule


def auto_case(label: str, text: str) -> str:
    letters = sum(c.isalpha() for c in text)
    digits = sum(c.isdigit() for c in text)
    lower_phrase = not any(c.isupper() for c in text[1:]) and letters >= 2
    if label in ("METRIC", "TASK"):
        return "ci" if lower_phrase else "cs"
    if digits and letters >= 2 and len(normalise(text)) >= 4:
        return "ci"
    if lower_phrase and re.search(r"[a-z]{2,}[ -][a-z]{2,}", text.lower()) and not any(c.isupper() for c in text[1:]):
        return "ci" if text[:1].islower() or " " in text or "-" in text else "cs"
    return "cs"


# ---------------------------------------------------------------- rows


def entry_rows(entry: Entry) -> list[dict]:
    patterns: dict[str, bool] = {}  # pattern -> lower
    for alias in entry.aliases:
        expand = entry.expand and alias.expand
        for text in variants(alias.text) if expand else [alias.text]:
            case = alias.case or entry.case or auto_case(entry.label, text)
            lower = case == "ci"
            patterns[text] = patterns.get(text, False) or lower
    # A case-insensitive pattern already covers its exact-case spellings.
    ci_lower = {p.lower() for p, low in patterns.items() if low}
    rows = []
    for text, lower in patterns.items():
        if not lower and text.lower() in ci_lower:
            continue
        row: dict = {"label": entry.label, "pattern": text, "id": entry.entity_id}
        if lower:
            row["lower"] = True
        if text == entry.canonical:
            row["canonical"] = entry.canonical
        if entry.alt_label:
            row["alt_label"] = entry.alt_label
        rows.append(row)
    if not any("canonical" in r for r in rows):
        # the canonical spelling was folded into a case-insensitive twin: mark that one
        for r in rows:
            if r["pattern"].lower() == entry.canonical.lower():
                r["canonical"] = entry.canonical
                break
    return rows


def load_entries() -> list[Entry]:
    entries: list[Entry] = []
    for label, stem in KINDS.items():
        entries.extend(parse_source(label, SOURCES / f"{stem}.txt"))
    return entries


def validate(entries: list[Entry], rows_by_entry: list[list[dict]]) -> list[str]:
    problems = []
    seen_ids: dict[str, Entry] = {}
    for entry in entries:
        if entry.entity_id in seen_ids:
            problems.append(f"id {entry.entity_id!r} twice: {seen_ids[entry.entity_id].source}, {entry.source}")
        seen_ids[entry.entity_id] = entry
    owner: dict[str, tuple[str, str]] = {}
    blocked = {normalise(b) for b in BLOCKLIST}
    for entry, rows in zip(entries, rows_by_entry):
        for row in rows:
            key = normalise(row["pattern"])
            if not key:
                problems.append(f"{entry.source}: pattern {row['pattern']!r} has no letters or digits")
                continue
            if key in blocked:
                problems.append(f"{entry.source}: generic pattern {row['pattern']!r}")
            prev = owner.get(key)
            if prev and prev[0] != entry.entity_id:
                problems.append(
                    f"{entry.source}: {row['pattern']!r} ({entry.entity_id}) clashes with {prev[1]} ({prev[0]})"
                )
            owner.setdefault(key, (entry.entity_id, row["pattern"]))
    return problems


def render(entries: list[Entry]) -> dict[str, str]:
    rows_by_entry = [entry_rows(e) for e in entries]
    problems = validate(entries, rows_by_entry)
    if problems:
        raise SystemExit("gazetteer sources have problems:\n  " + "\n  ".join(problems))
    files: dict[str, list[dict]] = {stem: [] for stem in KINDS.values()}
    for entry, rows in zip(entries, rows_by_entry):
        files[KINDS[entry.label]].extend(rows)
    out = {}
    for stem, rows in files.items():
        rows.sort(key=lambda r: (r["id"], "canonical" not in r, r["pattern"].lower(), r["pattern"]))
        out[f"{stem}.jsonl"] = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare with the files in --out, write nothing")
    args = parser.parse_args(argv)
    rendered = render(load_entries())
    if args.check:
        stale = [
            name
            for name, text in rendered.items()
            if not (args.out / name).is_file() or (args.out / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in rendered.items():
        (args.out / name).write_text(text, encoding="utf-8")
    for name, text in rendered.items():
        rows = [json.loads(line) for line in text.splitlines()]
        print(f"{name}: {len({r['id'] for r in rows})} entities, {len(rows)} patterns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
