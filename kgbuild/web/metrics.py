"""Which way a metric's leaderboard sorts: lower is better for error, perplexity, WER, FID, latency…

The names are data (``lower_is_better.txt`` beside this module), not code: a metric's label
matches when, lowercased with punctuation as spaces, it equals a listed name or contains it as
whole words (``top-1 error rate`` matches ``error``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "lower_is_better.txt"


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


@cache
def _names() -> tuple[str, ...]:
    lines = _DATA.read_text(encoding="utf-8").splitlines()
    return tuple(_words(line) for line in lines if line.strip() and not line.startswith("#"))


def lower_is_better(metric: str) -> bool:
    padded = f" {_words(metric)} "
    return any(f" {name} " in padded for name in _names())
