"""Plumbing shared by the format readers: problem reporting, line reading, text cleaning.

Every reader streams: it pulls lines one at a time from ``read_lines`` so a 75k-record
``.jsonl.gz`` never sits in memory, and it reports bad input through a callback instead of
raising, because one broken record or file must never cost the rest of a load.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, NamedTuple, Protocol

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


# The longest line (one JSON record, one CSV row's physical line) read: longer ones are skipped
# whole and reported, so memory stays bounded whatever a file holds. 32 MiB leaves room for a
# 10 MB abstract in JSON with every character escaped.
MAX_LINE_BYTES = 32 << 20
# A gzip member that expands past this size *and* this many times its compressed size is a
# decompression bomb: reading stops with an error. Real listings compress 3-10 times.
BOMB_MIN_BYTES = 64 << 20
BOMB_RATIO = 100
# Characters no output format can carry (XML 1.0 forbids C0 controls, lone surrogates cannot be
# encoded as UTF-8, U+FFFE/U+FFFF are non-characters): each becomes a space at ingest, so one bad
# byte in a paper never breaks an export, a cache key or a terminal.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Collapse whitespace runs (including newlines) to one space and strip the ends; control
    characters, lone surrogates and non-characters become spaces first.

    HTML entities such as ``&amp;`` are deliberately left as text: unescaping them could turn
    an abstract into markup, and the graph layer escapes on output anyway.
    """
    return " ".join(_UNWRITABLE.sub(" ", text).split())


def is_gzip_path(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def inner_suffix(path: Path) -> str:
    """The format suffix, looking through a trailing ``.gz``: ``a.jsonl.gz`` -> ``.jsonl``."""
    if is_gzip_path(path):
        return Path(path.stem).suffix.lower()
    return path.suffix.lower()


class _TooBig(Exception):
    """The decompressed stream grew past the bomb limits."""


def open_binary(path: Path) -> IO[bytes]:
    if is_gzip_path(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]  # GzipFile is a binary IO; typeshed types it apart
    return open(path, "rb")  # noqa: SIM115


class _Reader(Protocol):
    """What the line splitters need of a binary stream."""

    def readline(self, size: int = -1, /) -> bytes: ...

    def read(self, size: int = -1, /) -> bytes: ...


def _raw_lines(handle: _Reader, limit: int) -> Iterator[bytes | None]:
    """Physical lines of ``handle`` (endings kept); None for a line longer than ``limit``, whose
    bytes are skipped in bounded chunks rather than read into memory."""
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw
            continue
        while raw and not raw.endswith(b"\n"):  # the rest of the long line, a chunk at a time
            raw = handle.readline(limit)
        yield None


def _utf16_lines(handle: _Reader, encoding: str, limit: int) -> Iterator[bytes | None]:
    """UTF-16 lines re-encoded as UTF-8, so the rest of the reader sees one encoding."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    while True:
        chunk = handle.read(1 << 16)
        pending += decoder.decode(chunk, final=not chunk)
        *complete, pending = pending.split("\n")
        for line in complete:
            encoded = (line + "\n").encode("utf-8", "surrogatepass")
            yield encoded if len(encoded) <= limit else None
        if len(pending) > limit:
            yield None
            pending = ""
        if not chunk:
            if pending:
                yield pending.encode("utf-8", "surrogatepass")
            return


class _Counted:
    """A binary reader that counts the bytes it hands out and stops a decompression bomb."""

    def __init__(self, handle: _Reader, compressed_size: int | None) -> None:
        self.handle = handle
        self.read_bytes = 0
        self.ceiling = max(BOMB_MIN_BYTES, BOMB_RATIO * compressed_size) if compressed_size is not None else None

    def _count(self, data: bytes) -> bytes:
        self.read_bytes += len(data)
        if self.ceiling is not None and self.read_bytes > self.ceiling:
            raise _TooBig(self.read_bytes)
        return data

    def readline(self, size: int = -1) -> bytes:
        return self._count(self.handle.readline(size))

    def read(self, size: int = -1) -> bytes:
        return self._count(self.handle.read(size))


def read_lines(path: Path, report: Reporter, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for each line of a (possibly gzipped) file, streaming.

    * Bytes that are not UTF-8 are replaced with U+FFFD and reported once per line as a warning;
      the line itself is kept. A file opening with a UTF-16 byte-order mark is read as UTF-16.
    * A line longer than ``max_line_bytes`` is skipped and reported as an error: memory stays
      bounded by that size, whatever the file holds.
    * A gzip file expanding past ``BOMB_MIN_BYTES`` and ``BOMB_RATIO`` times its own size stops
      with an error (a decompression bomb); so does a corrupt or truncated stream. Lines read
      before the damage are still yielded. A missing or unreadable file is reported as an error.
    * A leading byte-order mark is dropped; line endings (``\\n`` or ``\\r\\n``) are stripped.
    """
    where = str(path)
    line_no = 0
    try:
        handle = open_binary(path)
        compressed = os.fstat(handle.fileno()).st_size if is_gzip_path(path) else None
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
        counted = _Counted(handle, compressed)
        try:
            head = handle.peek(2)[:2] if hasattr(handle, "peek") else b""
            if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                raws = _utf16_lines(counted, "utf-16", max_line_bytes)
            else:
                raws = _raw_lines(counted, max_line_bytes)
            for raw in raws:
                line_no += 1
                if raw is None:
                    message = f"line longer than {max_line_bytes >> 20} MiB; skipped"
                    report(Problem(where, line_no, message))
                    continue
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
        except _TooBig as e:
            message = (
                f"decompresses to over {e.args[0] >> 20} MiB, more than {BOMB_RATIO} times its size "
                "(a decompression bomb?); stopped reading this file"
            )
            report(Problem(where, line_no + 1, message))
        except (OSError, EOFError, zlib.error) as e:
            # gzip.BadGzipFile is an OSError; a truncated stream raises EOFError.
            kind = "corrupt or truncated gzip" if is_gzip_path(path) else "read error"
            report(Problem(where, line_no + 1, f"{kind}: {e}; stopped reading this file"))
