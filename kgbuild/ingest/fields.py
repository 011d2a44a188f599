"""Turn one loosely-typed record (a JSON object or a CSV row) into a ``Paper``.

JSON and CSV inputs come from many tools, so field names and value shapes vary: ``abstract`` or
``summary``, authors as a list, a list of ``{"name": …}`` objects or one string, ids as bare
arXiv ids or URLs. This module is the single place that knows those spellings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from kgbuild.ingest.common import Reporter, clean
from kgbuild.ingest.ids import make_paper_id, parse_arxiv_id
from kgbuild.records import Paper, Problem, SourceRef

ABSTRACT_FIELDS = ("abstract", "summary")
# Fields that may carry an arXiv id, as a bare id or inside an arxiv.org URL.
ARXIV_FIELDS = ("arxiv_id", "arxiv", "id", "paper_id", "entry_id", "url", "link", "abs_url", "pdf_url")
# ``listing_date`` is when arXiv listed the paper: the best date an arXiv listing record has.
DATE_FIELDS = ("published", "publication_date", "published_date", "date", "listing_date")
AUTHOR_COUNT_FIELDS = ("author_count", "num_authors", "n_authors")

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b)\s*")


def _text(value: Any) -> str:
    return clean(value) if isinstance(value, str) else ""


def _authors(value: Any) -> list[str]:
    """Authors as a clean list from a list of names, a list of ``{"name": …}`` or one string."""
    if isinstance(value, str):
        return [a for a in (clean(p) for p in _AUTHOR_SPLIT.split(value)) if a]
    if isinstance(value, list):
        names = []
        for item in value:
            if isinstance(item, Mapping):
                item = item.get("name")
            if isinstance(item, str) and clean(item):
                names.append(clean(item))
        return names
    return []


def _categories(value: Any) -> list[str]:
    if isinstance(value, str):
        return [c for c in re.split(r"[\s,;]+", value) if c]
    if isinstance(value, list):
        return [clean(c) for c in value if isinstance(c, str) and clean(c)]
    return []


def _iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or timestamp string; anything else is dropped."""
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _first(record: Mapping[str, Any], names: tuple[str, ...], convert: Any) -> Any:
    for name in names:
        if name in record:
            converted = convert(record[name])
            if converted not in (None, "", []):
                return converted
    return None


def paper_from_record(record: Mapping[str, Any], path: str, line: int, report: Reporter) -> Paper | None:
    """Build a ``Paper`` from a record whose keys are matched case-insensitively.

    Returns None (after reporting an error) when the record has no usable title: a paper
    without a title cannot be deduplicated or matched against the gold set.
    """
    fields = {str(k).strip().lower(): v for k, v in record.items()}
    title = _text(fields.get("title"))
    if not title:
        report(Problem(path, line, "record has no title; skipped"))
        return None
    abstract = _first(fields, ABSTRACT_FIELDS, _text) or ""
    arxiv_id = _first(fields, ARXIV_FIELDS, parse_arxiv_id)
    authors = _authors(fields.get("authors"))
    author_count = _first(fields, AUTHOR_COUNT_FIELDS, _int)
    if author_count is None and authors:
        author_count = len(authors)
    return Paper(
        paper_id=make_paper_id(title, arxiv_id),
        title=title,
        abstract=abstract,
        sources=[SourceRef(path, line)],
        arxiv_id=arxiv_id,
        authors=authors,
        author_count=author_count,
        published=_first(fields, DATE_FIELDS, _iso_date),
        upvotes=_first(fields, ("upvotes",), _int),
        categories=_categories(fields.get("categories")),
    )
