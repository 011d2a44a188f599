"""Entry points: read one file (``iter_papers``) or a whole load with dedup (``load_papers``)."""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kgbuild.ingest.common import Parsed, Reporter, inner_suffix
from kgbuild.ingest.csvfile import iter_csv
from kgbuild.ingest.dedupe import Deduper
from kgbuild.ingest.hf_text import iter_listing, sniff_layout
from kgbuild.ingest.jsonfile import iter_json, iter_jsonl
from kgbuild.records import Paper, Problem

# What a directory expands to, in this order of patterns (each sorted by name).
DIRECTORY_PATTERNS = ("*.txt", "*.jsonl", "*.jsonl.gz", "*.json", "*.csv")

_READERS: dict[str, Callable[[Path, Reporter], Iterator[Parsed]]] = {
    ".jsonl": iter_jsonl,
    ".ndjson": iter_jsonl,
    ".json": iter_json,
    ".csv": iter_csv,
}


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
    corpus = importlib.resources.files("kgbuild").joinpath("data", "corpus")
    # The package is installed as plain files (setuptools package-data), so the traversable is
    # a real directory; a zipped install would need importlib.resources.as_file per file.
    return sorted(Path(str(entry)) for entry in corpus.iterdir() if entry.name.endswith(".txt"))


def _format_of(path: Path) -> str:
    suffix = inner_suffix(path)
    if suffix in _READERS:
        return suffix
    if suffix in (".txt", ".text", ".md"):
        return ".txt"
    # Unknown suffix: look at the first non-blank character.
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace").lstrip()
    except OSError:
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

    Suffixes: ``.txt`` (Hugging Face listing pages, layout auto-detected), ``.jsonl``/``.ndjson``
    and ``.json`` (records with ``title`` + ``abstract`` or ``summary``), ``.csv`` (header with a
    ``title`` column); any of them may be gzipped (``.gz``). Bad input is passed to ``report``
    as a ``Problem`` and skipped or repaired; this function does not raise on bad data.
    Papers are not deduplicated here (see ``load_papers``).

    ``known_titles`` (titles normalised with ``normalise_name``) lets the one-per-line listing
    layout cut its glued "Title Abstract" text at a title known from elsewhere.
    """
    for parsed in _iter_parsed(Path(path), report, known_titles):
        yield parsed.paper


def _expand(paths: Sequence[str | Path], report: Reporter) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = [f for pattern in DIRECTORY_PATTERNS for f in sorted(path.glob(pattern)) if f.is_file()]
            if not found:
                message = f"directory has no {', '.join(DIRECTORY_PATTERNS)} files"
                report(Problem(str(path), None, message, "warning"))
            files.extend(found)
        else:
            files.append(path)
    return files


def load_papers(paths: Sequence[str | Path] | None = None) -> IngestResult:
    """Read every file (directories expanded), deduplicate, and collect all problems.

    ``None`` loads the bundled founding corpus. One-per-line listing files are read after the
    others so that every title read elsewhere in the load can guide their title/abstract split;
    papers and problems are still ordered as if the files had been read in the order given.
    Each file streams from disk; the deduplicator keeps every record until the merge at the end.
    """
    result = IngestResult()
    files = _expand(bundled_corpus_paths() if paths is None else paths, result.problems.append)
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
