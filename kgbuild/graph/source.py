"""Reading a build's record stream (``extractions.jsonl``) back, for stages that re-assemble the
graph without re-running the NLP (export, viz)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from kgbuild.records import PaperExtraction


class ExtractionsFileError(ValueError):
    """The record stream is missing or has a line that is not a record; says which."""


def iter_extractions(path: str | os.PathLike[str]) -> Iterator[PaperExtraction]:
    """Extraction records from a JSON-lines file written by ``kgbuild build``, streamed."""
    source = Path(path)
    try:
        handle = source.open(encoding="utf-8")
    except OSError as e:
        raise ExtractionsFileError(
            f"cannot read {source}: {e.strerror or e}; run 'kgbuild build -o {source.parent}' first"
        ) from e
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield PaperExtraction.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as e:
                raise ExtractionsFileError(f"{source}:{number}: not an extraction record: {e}") from e
