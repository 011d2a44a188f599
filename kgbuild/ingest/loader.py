"""Entry points: read one file (``iter_papers``) or a whole load with dedup (``load_papers``)."""

from __future__ import annotations

import importlib.resources
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from kgbuild.ingest.common import Parsed, Reporter, inner_suffix, open_binary
from kgbuild.ingest.csvfile import iter_csv, iter_tsv
from kgbuild.ingest.dedupe import Deduper
from kgbuild.ingest.hf_text import iter_listing, sniff_layout
from kgbuild.ingest.jsonfile import iter_json, iter_jsonl
from kgbuild.records import Paper, Problem

_READERS: dict[str, Callable[[Path, Reporter], Iterator[Parsed]]] = {
    ".jsonl": iter_jsonl,
    ".ndjson": iter_jsonl,
    ".json": iter_json,
    ".csv": iter_csv,
    ".tsv": iter_tsv,
}
_TEXT_SUFFIXES = (".txt", ".text", ".md")
# What a directory expands to (recursively, any case, each optionally gzipped); other files found
# there are listed in the problems as not read, with the reason.
DIRECTORY_SUFFIXES = (*_READERS, *_TEXT_SUFFIXES)
# ``-`` among the inputs: standard input, spooled to a temporary file so it can be sniffed and
# read twice like any file; problems and sources name it by this label.
STDIN = "-"
STDIN_LABEL = "<stdin>"


@dataclass
class IngestResult:
    """Everything one load produced; bad input is in ``problems``, never raised."""

    papers: list[Paper] = field(default_factory=list)  # deduplicated, in first-seen order
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the files read, in the order given
    duplicates: int = 0  # how many repeated records were merged into an earlier paper

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def bundled_corpus_paths() -> list[Path]:
    """The founding corpus shipped inside the package (``kgbuild/data/corpus/*.txt``), sorted."""
    corpus = importlib.resources.files("kgbuild") / "data" / "corpus"
    # The package is installed as plain files (setuptools package-data), so the traversable is
    # a real directory; a zipped install would need importlib.resources.as_file per file.
    return sorted(Path(str(entry)) for entry in corpus.iterdir() if entry.name.endswith(".txt"))


def _format_of(path: Path) -> str:
    suffix = inner_suffix(path)
    if suffix in _READERS:
        return suffix
    if suffix in _TEXT_SUFFIXES:
        return ".txt"
    # Unknown suffix: look at the first non-blank character.
    try:
        # decompressed: JSON lines piped in gzipped ("stdin.gz") were read as a listing page
        with open_binary(path) as handle:
            head = handle.read(4096).decode("utf-8", errors="replace").lstrip()
    except (OSError, EOFError):
        return ".txt"  # the reader will report why it cannot be read
    if head.startswith("{"):
        return ".jsonl"
    if head.startswith("["):
        return ".json"
    first_line = head.split("\n", 1)[0].lower()
    if "," in first_line and "title" in first_line:
        return ".csv"
    return ".txt"


def _iter_parsed(path: Path, report: Reporter, known_titles: Collection[str]) -> Iterator[Parsed]:
    """All papers of one file with their split trust; reports an empty or paper-less file."""
    where = str(path)
    if not path.exists():
        report(Problem(where, None, "file not found"))
        return
    if path.is_dir():
        report(Problem(where, None, "is a directory; pass it to load_papers to expand it"))
        return
    if path.stat().st_size == 0:
        report(Problem(where, None, "empty file", "warning"))
        return
    errors = 0

    def counting(problem: Problem) -> None:
        nonlocal errors
        errors += problem.severity == "error"
        report(problem)

    fmt = _format_of(path)
    reader = _READERS.get(fmt)
    parsed = reader(path, counting) if reader else iter_listing(path, counting, known_titles)
    count = 0
    for item in parsed:
        count += 1
        yield item
    if count == 0 and errors == 0:
        report(Problem(where, None, "no papers found", "warning"))


def iter_papers(
    path: str | Path, report: Callable[[Problem], None], *, known_titles: Collection[str] = ()
) -> Iterator[Paper]:
    """Stream the papers of one file; the format comes from the suffix, else from the content.

    Suffixes (any case): ``.txt`` (Hugging Face listing pages, layout auto-detected),
    ``.jsonl``/``.ndjson`` and ``.json`` (records with ``title`` + ``abstract`` or ``summary``),
    ``.csv`` and ``.tsv`` (header with a ``title`` column); any of them may be gzipped (``.gz``). Bad input is passed to ``report``
    as a ``Problem`` and skipped or repaired; this function does not raise on bad data.
    Papers are not deduplicated here (see ``load_papers``).

    ``known_titles`` (titles normalised with ``normalise_name``) lets the one-per-line listing
    layout cut its glued "Title Abstract" text at a title known from elsewhere.
    """
    for parsed in _iter_parsed(Path(path), report, known_titles):
        yield parsed.paper


def _readable_suffix(path: Path) -> bool:
    return inner_suffix(path) in DIRECTORY_SUFFIXES


def _walk(root: Path, report: Reporter) -> list[Path]:
    """Every readable file under ``root``, recursively, sorted by relative path; symlinked
    directories are followed once (a loop is reported, not walked again), and everything not
    read is reported with the reason."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()

    def visit(directory: Path) -> None:
        try:
            info = directory.stat()
        except OSError as e:
            report(Problem(str(directory), None, f"cannot read directory: {e.strerror or e}"))
            return
        if (info.st_dev, info.st_ino) in seen:
            report(Problem(str(directory), None, "directory already read (a symlink loop?); not read again", "warning"))
            return
        seen.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as e:
            report(Problem(str(directory), None, f"cannot read directory: {e.strerror or e}"))
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as e:
                report(Problem(str(path), None, f"not read: {e.strerror or e}"))
                continue
            if entry.name.startswith("."):
                report(Problem(str(path), None, "not read: hidden", "warning"))
            elif is_dir:
                visit(path)
            elif not is_file:
                reason = "a broken symlink" if entry.is_symlink() else "not a regular file"
                report(Problem(str(path), None, f"not read: {reason}", "warning"))
            elif not _readable_suffix(path):
                suffixes = ", ".join(DIRECTORY_SUFFIXES)
                report(Problem(str(path), None, f"not read: not a {suffixes} file (optionally .gz)", "warning"))
            elif not os.access(path, os.R_OK):
                report(Problem(str(path), None, "not read: permission denied"))
            else:
                found.append(path)

    visit(root)
    if not found:
        report(Problem(str(root), None, "directory has no readable files", "warning"))
    return found


def _expand(paths: Sequence[str | Path], report: Reporter, spool: Callable[[], Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        if str(raw) == STDIN:
            files.append(spool())
            continue
        path = Path(raw)
        if path.is_dir():
            files.extend(_walk(path, report))
        else:
            files.append(path)
    return files


def spool_stdin(stream: BinaryIO, directory: Path) -> Path:
    """Copy ``stream`` into ``directory`` as a file named for its content (gzip magic -> ``.gz``)."""
    head = stream.read(2)
    target = directory / ("stdin.gz" if head == b"\x1f\x8b" else "stdin")
    with open(target, "wb") as handle:
        handle.write(head)
        shutil.copyfileobj(stream, handle, 1 << 20)
    return target


def _relabel(problem: Problem, spooled: dict[str, str]) -> Problem:
    return replace(problem, path=spooled[problem.path]) if problem.path in spooled else problem


def load_papers(paths: Sequence[str | Path] | None = None) -> IngestResult:
    """Read every file (directories expanded), deduplicate, and collect all problems.

    ``None`` loads the bundled founding corpus; ``-`` reads standard input. One-per-line listing files are read after the
    others so that every title read elsewhere in the load can guide their title/abstract split;
    papers and problems are still ordered as if the files had been read in the order given.
    Each file streams from disk; the deduplicator keeps every record until the merge at the end.
    """
    with ExitStack() as cleanup:
        spooled: dict[str, str] = {}

        def spool() -> Path:
            directory = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="kgbuild-stdin-")))
            path = spool_stdin(sys.stdin.buffer, directory)
            spooled[str(path)] = STDIN_LABEL
            return path

        result = _load(bundled_corpus_paths() if paths is None else paths, spool)
        if spooled:
            result.problems = [_relabel(p, spooled) for p in result.problems]
            result.files = [spooled.get(f, f) for f in result.files]
            for paper in result.papers:
                paper.sources = [
                    replace(source, path=spooled[source.path]) if source.path in spooled else source
                    for source in paper.sources
                ]
        return result


def _load(paths: Sequence[str | Path], spool: Callable[[], Path]) -> IngestResult:
    result = IngestResult()
    files = _expand(paths, result.problems.append, spool)
    deferred = {i for i, f in enumerate(files) if _is_line_layout(f)}
    problems: dict[int, list[Problem]] = {i: [] for i in range(len(files))}
    merge_problems: list[Problem] = []
    deduper = Deduper(merge_problems.append)

    def read(i: int, known: Collection[str]) -> None:
        for seq, parsed in enumerate(_iter_parsed(files[i], problems[i].append, known)):
            deduper.add(parsed, order=(i, seq))

    for i in range(len(files)):
        if i not in deferred:
            read(i, ())
    known = deduper.title_keys()
    for i in sorted(deferred):
        read(i, known)

    for i, path in enumerate(files):
        result.problems.extend(problems[i])
        if path.is_file():
            result.files.append(str(path))
    result.problems.extend(merge_problems)
    result.papers = deduper.papers()
    result.duplicates = deduper.duplicates
    return result


def _is_line_layout(path: Path) -> bool:
    """Whether a file is a one-per-line listing, whose reading benefits from known titles."""
    return path.is_file() and _format_of(path) == ".txt" and sniff_layout(path) == "one-per-line"
