"""Plumbing shared by the format readers: problem reporting, line reading, text cleaning.

Every reader streams: it pulls lines one at a time from ``read_lines`` so a 75k-record
``.jsonl.gz`` never sits in memory, and it reports bad input through a callback instead of
raising, because one broken record or file must never cost the rest of a load.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from kgbuild.records import Paper, Problem

Reporter = Callable[[Problem], None]

# How much a copy of a paper can be trusted to have its title and abstract cut in the right
# place. Dedup keeps the title and abstract of the most trusted copy.
QUALITY_GUESSED = 0  # glued "Title Abstract" split by the heuristic
QUALITY_KNOWN_SPLIT = 1  # glued text split at a title known from elsewhere in the load
QUALITY_EXACT = 2  # title and abstract arrived as separate fields, lines or paragraphs


class Parsed(NamedTuple):
    """A paper as one reader produced it, with how much its title/abstract split is trusted."""

    paper: Paper
    quality: int


def clean(text: str) -> str:
    """Collapse whitespace runs (including newlines) to one space and strip the ends.

    HTML entities such as ``&amp;`` are deliberately left as text: unescaping them could turn
    an abstract into markup, and the graph layer escapes on output anyway.
    """
    return " ".join(text.split())


def is_gzip_path(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def inner_suffix(path: Path) -> str:
    """The format suffix, looking through a trailing ``.gz``: ``a.jsonl.gz`` -> ``.jsonl``."""
    if is_gzip_path(path):
        return Path(path.stem).suffix.lower()
    return path.suffix.lower()


def read_lines(path: Path, report: Reporter) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for each line of a (possibly gzipped) file, streaming.

    * Bytes that are not UTF-8 are replaced with U+FFFD and reported once per line as a warning;
      the line itself is kept.
    * A missing, unreadable or corrupt file (bad gzip header, truncated stream) is reported as
      an error; lines read before the damage are still yielded.
    * A leading byte-order mark is dropped; line endings (``\\n`` or ``\\r\\n``) are stripped.
    """
    where = str(path)
    line_no = 0
    try:
        handle = gzip.open(path, "rb") if is_gzip_path(path) else open(path, "rb")  # noqa: SIM115
    except FileNotFoundError:
        report(Problem(where, None, "file not found"))
        return
    except IsADirectoryError:
        report(Problem(where, None, "is a directory, not a file"))
        return
    except OSError as e:
        report(Problem(where, None, f"cannot open: {e.strerror or e}"))
        return
    with handle:
        try:
            for raw in handle:
                line_no += 1
                raw = raw.rstrip(b"\r\n")
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    text = raw.decode("utf-8", errors="replace")
                    report(
                        Problem(
                            where,
                            line_no,
                            f"invalid UTF-8 byte at column {e.start + 1}; replaced with U+FFFD",
                            "warning",
                        )
                    )
                if line_no == 1:
                    text = text.removeprefix("\ufeff")
                yield line_no, text
        except (OSError, EOFError, zlib.error) as e:
            # gzip.BadGzipFile is an OSError; a truncated stream raises EOFError.
            kind = "corrupt or truncated gzip" if is_gzip_path(path) else "read error"
            report(Problem(where, line_no + 1, f"{kind}: {e}; stopped reading this file"))
