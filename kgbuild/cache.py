"""Content-hash cache of extraction records, so a rebuild only extracts papers it has not seen.

An entry's key hashes what extraction reads from a paper (its id, title and abstract) together
with a fingerprint of the extraction pipeline: the kgbuild and spaCy versions, ``records.py``, and
every file of ``kgbuild/nlp`` (code, gazetteer patterns, the shipped model). Changing any of them
changes every key, so a stale record is never reused; entries of other fingerprints are dropped
when the cache is opened.

The cache is one SQLite file: each block of entries is committed as a transaction, so a build that
is killed leaves a consistent cache (and the next build resumes from it). What is stored is the
extraction without its paper; a hit is re-attached to the paper as read now, so sources and
metadata are always current. Anything unreadable (a damaged file, an entry that does not decode)
is a miss, counted and reported, never a failed build.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from kgbuild.records import Paper, PaperExtraction

CACHE_FILE = "extractions.sqlite"
_NLP_DIR = Path(__file__).resolve().parent / "nlp"
_RECORDS = Path(__file__).resolve().parent / "records.py"


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Hash of everything that decides what extraction returns for a given text."""
    from importlib.metadata import version

    from kgbuild import __version__

    return fingerprint_files(f"kgbuild {__version__}\0spacy {version('spacy')}", _NLP_DIR, _RECORDS)


def fingerprint_files(versions: str, nlp_dir: Path, *more: Path) -> str:
    """Hash of ``versions`` and the names and bytes of every file under ``nlp_dir`` (bytecode aside) and ``more``."""
    digest = hashlib.sha256(versions.encode() + b"\0")
    files = [p for p in nlp_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    for path in [*more, *sorted(files)]:
        digest.update(str(path.relative_to(nlp_dir.parent)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def paper_key(paper: Paper, fingerprint: str) -> str:
    text = json.dumps([fingerprint, paper.paper_id, paper.title, paper.abstract], ensure_ascii=False)
    # surrogatepass: a key exists for any string Python can hold, lone surrogates included
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ExtractionCache:
    """Get and put extraction records by paper content; ``warn`` hears about anything unreadable."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        warn: Callable[[str], None] = lambda message: None,
        fingerprint: str | None = None,
    ) -> None:
        self.path = Path(directory) / CACHE_FILE
        self.fingerprint = fingerprint or pipeline_fingerprint()
        self.warn = warn
        self.hits = 0
        self.misses = 0
        self.unreadable = 0
        self._db = self._open()

    def _open(self) -> sqlite3.Connection | None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as e:
            # a torn or foreign file: set it aside (never silently delete it) and start afresh
            aside = self.path.with_name(self.path.name + ".unreadable")
            self.warn(f"cache {self.path} is unreadable ({e}); moved to {aside.name}, extracting everything")
            try:
                for suffix in ("-wal", "-shm"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
                os.replace(self.path, aside)
                return self._connect()
            except (OSError, sqlite3.DatabaseError) as again:
                self.warn(f"cache {self.path} cannot be recreated ({again}); building without a cache")
                return None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, record BLOB NOT NULL)"
            )
            db.execute("DELETE FROM entries WHERE fingerprint != ?", (self.fingerprint,))
            db.commit()
            db.execute("SELECT count(*) FROM entries").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get(self, paper: Paper) -> tuple[PaperExtraction, dict[str, Any]] | None:
        """The cached extraction of ``paper`` (re-attached to it) and its ``to_dict()``, or None."""
        if self._db is None:
            self.misses += 1
            return None
        key = paper_key(paper, self.fingerprint)
        try:
            row = self._db.execute("SELECT record FROM entries WHERE key = ?", (key,)).fetchone()
            if row is None:
                self.misses += 1
                return None
            data = json.loads(zlib.decompress(row[0]))
            data["paper"] = paper.to_dict()  # the paper as read now: sources may have changed
            extraction = PaperExtraction.from_dict(data)
        except (sqlite3.DatabaseError, zlib.error, ValueError, KeyError, TypeError) as e:
            self.unreadable += 1
            self.misses += 1
            if self.unreadable <= 3:
                self.warn(f"cache entry for {paper.paper_id!r} is unreadable ({e!r}); extracting it again")
            return None
        self.hits += 1
        return extraction, data

    def put(self, paper: Paper, record: str) -> None:
        """Cache ``record``, the JSON text of the paper's extraction (its ``paper`` is replaced on a hit)."""
        if self._db is None:
            return
        blob = zlib.compress(record.encode("utf-8"), 1)
        key = paper_key(paper, self.fingerprint)
        try:
            self._db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", (key, self.fingerprint, blob))
        except sqlite3.DatabaseError as e:
            self.warn(f"cannot write to cache {self.path} ({e}); building on without it")
            self._drop()

    def commit(self) -> None:
        if self._db is None:
            return
        try:
            self._db.commit()
        except sqlite3.DatabaseError as e:
            self.warn(f"cannot commit cache {self.path} ({e}); building on without it")
            self._drop()

    def _drop(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def close(self) -> None:
        self.commit()
        self._drop()

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
