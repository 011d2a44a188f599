"""Merge copies of the same paper read from several files or records.

The founding corpus repeats papers across listing pages, and the same paper may also arrive as
an arXiv record. Copies are the same paper when their titles normalise alike (``title_key``) or
they share an arXiv id. The merged paper keeps every ``SourceRef`` (provenance for the graph),
the title and abstract of the most trusted copy (a separate-field or unambiguous-layout copy
beats one whose glued title had to be split), and the first known value of every other field.
"""

from __future__ import annotations

from dataclasses import dataclass

from kgbuild.ingest.common import Parsed, Reporter
from kgbuild.ingest.ids import make_paper_id, title_key
from kgbuild.records import Paper, Problem


@dataclass
class _Entry:
    paper: Paper
    quality: int
    order: tuple[int, ...]  # where the earliest copy sits in the load (file index, record index)


class Deduper:
    """Accumulates papers in first-seen order, merging repeats as they arrive."""

    def __init__(self, report: Reporter) -> None:
        self._report = report
        self._entries: list[_Entry] = []
        self._by_title: dict[str, _Entry] = {}
        self._by_arxiv: dict[str, _Entry] = {}
        self.duplicates = 0

    def add(self, parsed: Parsed, order: tuple[int, ...] | None = None) -> None:
        """Add one paper; if it repeats an earlier one, merge it into that one instead.

        ``order`` places the copy in the load when files are not read in load order (see
        ``load_papers``); by default copies are ordered by arrival.
        """
        if order is None:
            order = (len(self._entries) + self.duplicates,)
        paper = parsed.paper
        key = title_key(paper.title)
        entry = self._by_title.get(key)
        if entry is None and paper.arxiv_id:
            entry = self._by_arxiv.get(paper.arxiv_id)
        if entry is None:
            entry = _Entry(_copy(paper), parsed.quality, order)
            self._entries.append(entry)
        else:
            self.duplicates += 1
            self._merge(entry, parsed)
            entry.order = min(entry.order, order)
        self._by_title.setdefault(key, entry)
        if entry.paper.arxiv_id:
            self._by_arxiv.setdefault(entry.paper.arxiv_id, entry)

    def _merge(self, entry: _Entry, parsed: Parsed) -> None:
        kept, new = entry.paper, parsed.paper
        # Trust order: a copy with an abstract beats one without; then the more exact split.
        if (bool(new.abstract), parsed.quality) > (bool(kept.abstract), entry.quality):
            kept.title, kept.abstract = new.title, new.abstract
            entry.quality = parsed.quality
        kept.sources.extend(new.sources)
        if new.arxiv_id and kept.arxiv_id and new.arxiv_id != kept.arxiv_id:
            where = new.sources[0] if new.sources else None
            self._report(
                Problem(
                    where.path if where else "",
                    where.line if where else None,
                    f"same title as {kept.paper_id} but arXiv id {new.arxiv_id}; "
                    f"merged, kept {kept.arxiv_id}",
                    "warning",
                )
            )
        kept.arxiv_id = kept.arxiv_id or new.arxiv_id
        kept.authors = kept.authors or list(new.authors)
        kept.categories = kept.categories or list(new.categories)
        for name in ("author_count", "published", "upvotes"):
            if getattr(kept, name) is None:
                setattr(kept, name, getattr(new, name))
        kept.paper_id = make_paper_id(kept.title, kept.arxiv_id)

    def papers(self) -> list[Paper]:
        """The merged papers, in the order their first copy was seen."""
        return [entry.paper for entry in sorted(self._entries, key=lambda e: e.order)]


def _copy(paper: Paper) -> Paper:
    """A copy whose lists can be extended without touching the reader's object."""
    return Paper.from_dict(paper.to_dict())
