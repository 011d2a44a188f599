"""Evidence sentences with the entity marked: the text escaped, the names wrapped in ``<mark>``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape


def _pattern(name: str) -> str:
    """A name as a regex that tolerates spacing and punctuation differences (GPT3 ~ GPT-3 ~ gpt 3)."""
    parts = [re.escape(ch) for ch in name if ch.isalnum()]
    return r"[\s\-_.'’/]?".join(parts)


def highlight(text: object, names: Iterable[str]) -> Markup:
    """``text`` as safe HTML with every occurrence of any of ``names`` in ``<mark>``; all else escaped."""
    sentence = str(text or "")
    patterns = sorted({_pattern(n) for n in names if n and any(c.isalnum() for c in n)}, key=len, reverse=True)
    if not patterns:
        return Markup(escape(sentence))
    regex = re.compile(r"(?<![0-9A-Za-z])(?:" + "|".join(patterns) + r")(?![0-9A-Za-z])", re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in regex.finditer(sentence):
        out.append(str(escape(sentence[last : match.start()])))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(str(escape(sentence[last:])))
    return Markup("".join(out))
