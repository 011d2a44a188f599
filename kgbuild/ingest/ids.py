"""Stable paper identifiers and the dedup key.

A paper's id must not depend on which file it was read from or on the order of a load, so that
graphs built on different days line up: an arXiv id when one is known (version dropped, since
``v1`` and ``v2`` are the same paper), otherwise a hash of the normalised title.
"""

from __future__ import annotations

import hashlib
import re

from kgbuild.records import normalise_name

# New-style ids (2007 onwards): 0704.0001, 2503.11731, optionally with a version.
_NEW_ID = r"\d{4}\.\d{4,5}"
# Old-style ids: hep-th/9901001, math.GT/0309136, cs/0101001.
_OLD_ID = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_BARE_ID = re.compile(rf"^(?:arxiv:)?({_NEW_ID}|{_OLD_ID})(?:v\d+)?$", re.IGNORECASE)
_URL_ID = re.compile(rf"arxiv\.org/(?:abs|pdf|html)/({_NEW_ID}|{_OLD_ID})(?:v\d+)?(?![\d])", re.IGNORECASE)


def parse_arxiv_id(value: object) -> str | None:
    """The version-less arXiv id in ``value`` (a bare id, ``arXiv:…`` or an arxiv.org URL).

    Only strings are accepted: a JSON number ``2503.1`` has already lost digits.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    m = _BARE_ID.match(value)
    if m:
        return m.group(1)
    m = _URL_ID.search(value)
    return m.group(1) if m else None


def title_key(title: str) -> str:
    """Dedup key of a title: ``normalise_name``, with a fallback for titles it reduces to nothing.

    ``normalise_name`` keeps only letters and digits, so two different titles made of symbols
    alone would collide on ``""``; those fall back to their case-folded, whitespace-collapsed text.
    """
    key = normalise_name(title)
    if key:
        return key
    return "~" + " ".join(title.casefold().split())


def make_paper_id(title: str, arxiv_id: str | None) -> str:
    """``arxiv-<id>`` when the arXiv id is known, else ``t-`` + 16 hex chars of sha1(title key).

    Old-style ids contain ``/``, which is replaced by ``_`` so the id stays one path segment.
    """
    if arxiv_id:
        return "arxiv-" + arxiv_id.replace("/", "_")
    # surrogatepass: an id exists for any string Python can hold, lone surrogates included
    return "t-" + hashlib.sha1(title_key(title).encode("utf-8", "surrogatepass")).hexdigest()[:16]
