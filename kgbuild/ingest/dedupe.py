"""Merge copies of the same paper read from several files or records.

The founding corpus repeats papers across listing pages, and the same paper may also arrive as
an arXiv record. Copies are the same paper when they share an arXiv id, or when their titles
normalise alike (``title_key``) and they do not carry two different arXiv ids: arXiv has
distinct papers under one title (resubmissions with a new abstract), and merging those would
drop an id and an abstract from the graph. The merged paper keeps every ``SourceRef`` (provenance for the graph),
the title and abstract of the most trusted copy (a separate-field or unambiguous-layout copy
beats one whose glued title had to be split), and the first known value of every other field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from kgbuild.ingest.common import Parsed, Reporter
from kgbuild.ingest.ids import make_paper_id, title_key
from kgbuild.records import Paper, Problem

T = TypeVar("T")
Order = tuple[int, ...]


@dataclass
class _Group:
    """All copies of one paper, each with its place in the load."""

    copies: list[tuple[Order, Parsed]] = field(default_factory=list)

    @property
    def first(self) -> Order:
        return min(order for order, _ in self.copies)

    @property
    def arxiv_id(self) -> str | None:
        return next((p.paper.arxiv_id for _, p in self.copies if p.paper.arxiv_id), None)


class Deduper:
    """Groups copies of the same paper; ``papers()`` merges each group.

    Merging happens at the end, over the copies in load order, so the result does not depend
    on the order files were actually read in (``load_papers`` reads some files late).
    """

    def __init__(self, report: Reporter) -> None:
        self._report = report
        self._groups: list[_Group] = []
        self._by_title: dict[str, _Group] = {}
        self._by_arxiv: dict[str, _Group] = {}
        self.duplicates = 0

    def add(self, parsed: Parsed, order: Order | None = None) -> None:
        """Add one copy; ``order`` is its place in the load (default: order of arrival)."""
        if order is None:
            order = (len(self._groups) + self.duplicates,)
        paper = parsed.paper
        key = title_key(paper.title)
        group = self._by_arxiv.get(paper.arxiv_id) if paper.arxiv_id else None
        if group is None:
            group = self._by_title.get(key)
            if group is not None and paper.arxiv_id and group.arxiv_id not in (None, paper.arxiv_id):
                self._report_homonym(group, paper)
                group = None
        if group is None:
            group = _Group()
            self._groups.append(group)
        else:
            self.duplicates += 1
        group.copies.append((order, parsed))
        self._by_title.setdefault(key, group)
        if paper.arxiv_id:
            self._by_arxiv.setdefault(paper.arxiv_id, group)

    def _report_homonym(self, group: _Group, paper: Paper) -> None:
        where = paper.sources[0]  # readers give every copy exactly one source
        message = f"same title as arXiv {group.arxiv_id} but arXiv id {paper.arxiv_id}; kept as separate papers"
        self._report(Problem(where.path, where.line, message, "warning"))

    def title_keys(self) -> set[str]:
        """``title_key`` of every title seen so far: what later glued text can be cut at."""
        return set(self._by_title)

    def papers(self) -> list[Paper]:
        """The merged papers, in the order their first copy appears in the load."""
        groups = sorted(self._groups, key=lambda g: g.first)
        return [merge_copies([parsed for _, parsed in sorted(g.copies, key=lambda c: c[0])]) for g in groups]


def merge_copies(copies: list[Parsed]) -> Paper:
    """One paper from its copies (given in load order).

    Title and abstract come from the most trusted copy: one with an abstract beats one without,
    then the more exact split wins, then the earlier copy. Every other field takes the first
    known value; sources are all kept, in load order.
    """
    best = max(copies, key=lambda c: (bool(c.paper.abstract), c.quality))  # first max wins
    papers = [c.paper for c in copies]
    arxiv_id = _first(p.arxiv_id for p in papers)
    return Paper(
        paper_id=make_paper_id(best.paper.title, arxiv_id),
        title=best.paper.title,
        abstract=best.paper.abstract,
        sources=[source for p in papers for source in p.sources],
        arxiv_id=arxiv_id,
        authors=list(_first(p.authors for p in papers) or []),
        author_count=_first(p.author_count for p in papers),
        published=_first(p.published for p in papers),
        upvotes=_first(p.upvotes for p in papers),
        categories=list(_first(p.categories for p in papers) or []),
    )


def _first(values: Iterable[T | None]) -> T | None:
    """The first value that is neither None nor an empty list."""
    return next((v for v in values if v is not None and v != []), None)
