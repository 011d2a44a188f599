"""Which metrics are lower-is-better, read from ``kgbuild/data/lower_is_better.txt`` (data, not code)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from kgbuild.records import normalise_name


@lru_cache(maxsize=1)
def _terms() -> tuple[frozenset[str], frozenset[str]]:
    """(names, words): whole normalised names, and words that make any metric containing them count."""
    names: set[str] = set()
    words: set[str] = set()
    text = (resources.files("kgbuild") / "data" / "lower_is_better.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("word:"):
            words.add(line.removeprefix("word:").strip().lower())
        else:
            names.add(normalise_name(line))
    return frozenset(names), frozenset(words)


def lower_is_better(*names: str) -> bool:
    """Whether a metric called by any of ``names`` (label, aliases) is better when smaller."""
    whole, words = _terms()
    for name in names:
        if normalise_name(name) in whole or words & set(re.findall(r"[a-z]+", name.lower())):
            return True
    return False
