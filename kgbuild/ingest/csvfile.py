"""CSV inputs with a header row naming a ``title`` column (and ``abstract``/``summary``, ids …).

Header names are matched case-insensitively, so exports from spreadsheets and pandas both work.
Rows stream through the ``csv`` module; quoted fields may span lines, and each record is
reported by the line it starts on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kgbuild.ingest.common import QUALITY_EXACT, Parsed, Reporter, read_lines
from kgbuild.ingest.fields import paper_from_record
from kgbuild.records import Problem


def iter_csv(path: Path, report: Reporter) -> Iterator[Parsed]:
    """Records of a CSV file (optionally gzipped), one per row after the header."""
    where = str(path)
    # csv needs the newlines back to rebuild quoted multi-line fields.
    reader = csv.reader(text + "\n" for _, text in read_lines(path, report))
    header: list[str] | None = None
    consumed = 0  # physical lines read before the current row
    try:
        for row in reader:
            start, consumed = consumed + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                if "title" not in header:
                    message = f"CSV header has no 'title' column (found {header}); file skipped"
                    report(Problem(where, start, message))
                    return
                continue
            if len(row) > len(header):
                message = f"row has {len(row)} fields, header has {len(header)}; extra fields ignored"
                report(Problem(where, start, message, "warning"))
            record = dict(zip(header, row))
            paper = paper_from_record(record, where, start, report)
            if paper is not None:
                yield Parsed(paper, QUALITY_EXACT)
    except csv.Error as e:
        report(Problem(where, reader.line_num, f"malformed CSV ({e}); stopped reading this file"))
