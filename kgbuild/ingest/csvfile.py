"""CSV inputs with a header row naming a ``title`` column (and ``abstract``/``summary``, ids …).

Header names are matched case-insensitively, so exports from spreadsheets and pandas both work.
Rows stream through the ``csv`` module; quoted fields may span lines, and each record is
reported by the line it starts on.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from kgbuild.ingest.common import MAX_LINE_BYTES, QUALITY_EXACT, Parsed, Reporter, read_lines
from kgbuild.ingest.fields import paper_from_record
from kgbuild.records import Problem


class _Lines:
    """The file's lines for ``csv.reader``, remembering the physical lines of the row being read,
    so that the lines of a row swallowed by an unterminated quote can be read again."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self.lines = lines
        self.pending: deque[tuple[int, str]] = deque()
        self.row: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        item = self.pending.popleft() if self.pending else next(self.lines)
        self.row.append(item)
        return item[1] + "\n"  # csv needs the newlines back to rebuild quoted multi-line fields

    def replay_after_first(self) -> None:
        """Read the current row's lines again, all but its first (where the stray quote is)."""
        self.pending.extendleft(reversed(self.row[1:]))
        self.row = []


def iter_tsv(path: Path, report: Reporter) -> Iterator[Parsed]:
    """Records of a tab-separated file (optionally gzipped), one per row after the header."""
    return iter_csv(path, report, delimiter="\t")


def iter_csv(path: Path, report: Reporter, delimiter: str = ",") -> Iterator[Parsed]:
    """Records of a CSV file (optionally gzipped), one per row after the header.

    A row whose quote is never closed swallows the rows after it; such a row (a quoted field over
    several lines that leaves the row short of fields, or runs past the field size limit) is
    reported and skipped, and the lines after its first are read again as rows of their own.
    """
    where = str(path)
    # csv's default field limit (128 KiB) would end the file at the first long abstract; a field
    # may be as long as a line may be
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))
    source = _Lines(read_lines(path, report))
    header: list[str] | None = None
    while True:
        reader = csv.reader(source, delimiter=delimiter)
        try:
            for row in reader:
                lines, source.row = source.row, []
                start, end = lines[0][0], lines[-1][0]
                if not any(cell.strip() for cell in row):
                    continue
                if header is None:
                    header = [cell.strip().lower() for cell in row]
                    if "title" not in header:
                        message = f"header has no 'title' column (found {header}); file skipped"
                        report(Problem(where, start, message))
                        return
                    continue
                if end > start and len(row) < len(header):
                    message = (
                        f"row spans lines {start}-{end} but has {len(row)} of {len(header)} fields "
                        "(an unterminated quote?); skipped, the lines after its first read again"
                    )
                    report(Problem(where, start, message))
                    source.row = lines
                    source.replay_after_first()
                    continue
                if len(row) > len(header):
                    message = f"row has {len(row)} fields, header has {len(header)}; extra fields ignored"
                    report(Problem(where, start, message, "warning"))
                record = dict(zip(header, row))
                paper = paper_from_record(record, where, start, report)
                if paper is not None:
                    yield Parsed(paper, QUALITY_EXACT)
            return
        except csv.Error as e:
            first = source.row[0][0] if source.row else None
            report(Problem(where, first, f"malformed CSV ({e}); row skipped, the lines after its first read again"))
            if len(source.row) <= 1:
                source.row = []
                continue
            source.replay_after_first()
