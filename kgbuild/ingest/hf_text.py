"""Hugging Face daily-papers listing pages saved as plain text (the founding corpus).

Three layouts occur, detected per file from its first lines:

``paragraphs``
    Title paragraph, blank line, abstract paragraph (files 000, 002, 003).
``alternating``
    Title and abstract on alternating lines with no blank lines (file 001).
``one-per-line``
    ``- Title Abstract … N authors · Mon D, YYYY``, the leading ``-`` possibly an upvote count
    (file 004). Title and abstract are glued with one space; ``split.py`` recovers the boundary.

Page chrome ("Subscribe", "Daily Papers", dates …) is dropped wherever it appears; before the
first paper it may also be glued to the first title ("SubscribeTransformer Language Models …").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Literal, NamedTuple

from kgbuild.ingest.common import (
    QUALITY_EXACT,
    QUALITY_GUESSED,
    QUALITY_KNOWN_SPLIT,
    Parsed,
    Reporter,
    clean,
    read_lines,
)
from kgbuild.ingest.ids import make_paper_id
from kgbuild.ingest.split import split_title_abstract
from kgbuild.records import Paper, Problem, SourceRef

Layout = Literal["paragraphs", "alternating", "one-per-line"]

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"

# Whole chrome lines, matched on the whitespace-collapsed, lowercased text.
_CHROME = re.compile(
    r"^(?:new|subscribe|daily papers|by ?ak and the research community"
    r"|get trending papers in your email inbox(?: once a day)?!?"
    rf"|{_MONTH.lower()} \d{{1,2}}(?:, \d{{4}})?)$"
)
# Chrome that can be glued to the first title on a page; longest first.
_GLUED_CHROME = (
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "by AK and the research community",
    "byAK and the research community",
    "Daily Papers",
    "Subscribe",
)

# "- Title Abstract … 6 authors · Sep 7, 2022", or "13 Title …" with an upvote count.
_LINE_RECORD = re.compile(
    r"^(?P<lead>-|\d+)\s+(?P<body>.+?)\s+(?P<authors>\d+)\s+authors?\s*·\s*"
    rf"(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})$"
)
# Looser forms kept (with a warning) so one damaged line does not lose its paper.
_LEAD_ONLY = re.compile(r"^(?P<lead>-|\d+)\s+(?P<body>\S.*)$")

_NO_ABSTRACT = "title with no abstract after it; kept without abstract"
_NOT_A_RECORD = "line is not a '- Title Abstract … N authors · date' record; skipped"
_NO_TRAILER = "record has no 'N authors · date' trailer; kept without them"

# Titles in the corpus are at most ~180 characters; abstracts at least ~480.
TITLE_MAX_CHARS = 300
SNIFF_LINES = 40


class Block(NamedTuple):
    """A title or abstract candidate: one line (alternating) or one paragraph."""

    line: int
    text: str


def is_chrome(text: str) -> bool:
    """True for listing-page furniture that is never a paper."""
    return bool(_CHROME.match(clean(text).lower()))


def strip_glued_chrome(text: str) -> str:
    """Remove chrome glued to the front of a line: "SubscribeTransformer …" -> "Transformer …"."""
    changed = True
    while changed:
        changed = False
        for chrome in _GLUED_CHROME:
            if text.lower().startswith(chrome.lower()) and len(text) > len(chrome):
                text = text[len(chrome) :].lstrip()
                changed = True
    return text


def looks_like_title(text: str) -> bool:
    """A short text that does not end like a sentence; abstracts are long and end with '.'."""
    return len(text) <= TITLE_MAX_CHARS and not text.endswith(".")


def detect_layout(lines: Iterable[tuple[int, str]]) -> Layout | None:
    """Guess the layout from the first lines of a file; None when there is no content at all."""
    all_lines = list(lines)
    content = [t for _, t in all_lines if t.strip() and not is_chrome(t)]
    if not content:
        return None
    if sum(bool(_LINE_RECORD.match(clean(t))) for t in content) * 2 >= len(content):
        return "one-per-line"
    blanks = sum(1 for _, t in all_lines if not t.strip())
    return "paragraphs" if blanks * 3 >= len(content) else "alternating"


def _paragraphs(lines: Iterable[tuple[int, str]]) -> Iterator[Block]:
    start = 0
    parts: list[str] = []
    for line_no, text in lines:
        if text.strip():
            if not parts:
                start = line_no
            parts.append(text)
        elif parts:
            yield Block(start, clean(" ".join(parts)))
            parts = []
    if parts:
        yield Block(start, clean(" ".join(parts)))


def _single_lines(lines: Iterable[tuple[int, str]]) -> Iterator[Block]:
    for line_no, text in lines:
        if text.strip():
            yield Block(line_no, clean(text))


def _paper(where: str, line: int, title: str, abstract: str, **extra: object) -> Paper:
    return Paper(
        paper_id=make_paper_id(title, None),
        title=title,
        abstract=abstract,
        sources=[SourceRef(where, line)],
        **extra,  # type: ignore[arg-type]
    )


def _pair_blocks(blocks: Iterable[Block], where: str, report: Reporter) -> Iterator[Parsed]:
    """Pair title and abstract blocks, resynchronising on blocks that break the alternation."""
    pending: Block | None = None
    preamble = True  # chrome may be glued to text only before the first title
    for block in blocks:
        text = block.text
        if is_chrome(text):
            continue
        if preamble:
            text = strip_glued_chrome(text)
            if not text or is_chrome(text):
                continue
        if pending is None:
            if looks_like_title(text):
                pending = Block(block.line, text)
                preamble = False
            else:
                report(Problem(where, block.line, "abstract-like text with no title before it; skipped"))
        elif looks_like_title(text):
            report(Problem(where, pending.line, _NO_ABSTRACT, "warning"))
            yield Parsed(_paper(where, pending.line, pending.text, ""), QUALITY_EXACT)
            pending = Block(block.line, text)
        else:
            yield Parsed(_paper(where, pending.line, pending.text, text), QUALITY_EXACT)
            pending = None
    if pending is not None:
        report(Problem(where, pending.line, _NO_ABSTRACT, "warning"))
        yield Parsed(_paper(where, pending.line, pending.text, ""), QUALITY_EXACT)


def _iso(month: str, day: str, year: str) -> str | None:
    try:
        return date(int(year), _MONTHS[month[:3].lower()], int(day)).isoformat()
    except (KeyError, ValueError):
        return None


def _one_per_line(
    lines: Iterable[tuple[int, str]], where: str, report: Reporter, known_titles: Collection[str]
) -> Iterator[Parsed]:
    for line_no, raw in lines:
        text = clean(raw)
        if not text or is_chrome(text):
            continue
        m = _LINE_RECORD.match(text)
        extra: dict[str, object] = {}
        if m:
            extra = {
                "author_count": int(m["authors"]),
                "published": _iso(m["month"], m["day"], m["year"]),
            }
        else:
            m = _LEAD_ONLY.match(text)
            if not m:
                report(Problem(where, line_no, _NOT_A_RECORD))
                continue
            report(Problem(where, line_no, _NO_TRAILER, "warning"))
        extra["upvotes"] = int(m["lead"]) if m["lead"].isdigit() else None
        split = split_title_abstract(m["body"], known_titles)
        if not split.title:
            report(Problem(where, line_no, "record has no title; skipped"))
            continue
        if not split.confident:
            report(
                Problem(
                    where,
                    line_no,
                    f"unsure where the title ends ({split.reason}); kept title {split.title!r}",
                    "warning",
                )
            )
        quality = QUALITY_KNOWN_SPLIT if split.method == "known" else QUALITY_GUESSED
        yield Parsed(_paper(where, line_no, split.title, split.abstract, **extra), quality)


ABSTRACT_MIN_CHARS = 200  # abstracts in the listings run to ~480 characters and more
_UNKNOWN_LAYOUT = (
    "not a listing layout kgbuild reads ({evidence}); the file was skipped. Text files are read as "
    "Hugging Face listing pages: title and abstract paragraphs, title and abstract on alternate lines, "
    "or '- Title Abstract … N authors · date' lines; give other data as JSONL, JSON or CSV/TSV"
)


def layout_evidence(head: list[tuple[int, str]], layout: Layout, complete: bool) -> tuple[int, int, int | None]:
    """(pairs, misfits, first content line) among the first blocks of a title/abstract layout.

    A pair is a title-like block followed by an abstract-like one (long, ending like prose);
    a misfit is a title followed by no abstract, or a block that is neither. A listing page is
    mostly pairs; other text (notes, logs, "Title: / Authors: / Abstract:" records) is not, and
    read as a listing it made junk papers of its lines. ``complete``: ``head`` is the whole file
    (else its last paragraph may be cut short and is not judged).
    """
    blocks = list(_paragraphs(head) if layout == "paragraphs" else _single_lines(head))
    if not complete and layout == "paragraphs" and blocks:
        blocks.pop()
    kinds: list[str] = []
    first: int | None = None
    for block in blocks:
        text = block.text
        if is_chrome(text):
            continue
        if not kinds:
            text = strip_glued_chrome(text)
            if not text or is_chrome(text):
                continue
            first = block.line
        if looks_like_title(text):
            kinds.append("title")
        elif len(text) >= ABSTRACT_MIN_CHARS:
            kinds.append("abstract")
        else:
            kinds.append("other")
    pairs = misfits = 0
    i = 0
    while i < len(kinds):
        if kinds[i] == "title" and i + 1 < len(kinds) and kinds[i + 1] == "abstract":
            pairs += 1
            i += 2
            continue
        if not (kinds[i] == "title" and i + 1 == len(kinds) and not complete):  # a title cut from its abstract
            misfits += 1
        i += 1
    return pairs, misfits, first


def sniff_layout(path: Path) -> Layout | None:
    """Layout of a listing file from its first lines, without reporting anything."""
    return detect_layout(list(islice(read_lines(path, lambda _p: None), SNIFF_LINES)))


def iter_listing(path: Path, report: Reporter, known_titles: Collection[str] = ()) -> Iterator[Parsed]:
    """Papers of one listing text file, streaming; ``known_titles`` (normalised) help layout 004."""
    where = str(path)
    lines = read_lines(path, report)
    head = list(islice(lines, SNIFF_LINES))
    layout = detect_layout(head)
    if layout is None and len(head) == SNIFF_LINES:
        layout = "paragraphs"  # 40 lines of chrome: unlikely, let the pairing report what follows
    if layout in ("paragraphs", "alternating"):
        pairs, misfits, first = layout_evidence(head, layout, complete=len(head) < SNIFF_LINES)
        if misfits and pairs <= misfits:  # as many misfits as pairs: not a listing (none: too little to judge)
            evidence = f"{pairs} title/abstract pair{'s' if pairs != 1 else ''} and {misfits} other block"
            evidence += f"{'s' if misfits != 1 else ''} in its first {len(head)} lines"
            report(Problem(where, first, _UNKNOWN_LAYOUT.format(evidence=evidence)))
            return
    everything = chain(head, lines)
    if layout == "one-per-line":
        yield from _one_per_line(everything, where, report, known_titles)
    elif layout == "paragraphs":
        yield from _pair_blocks(_paragraphs(everything), where, report)
    elif layout == "alternating":
        yield from _pair_blocks(_single_lines(everything), where, report)
