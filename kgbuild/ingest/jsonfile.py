"""JSON inputs: JSON lines (``.jsonl``, ``.jsonl.gz``) and ``.json`` files holding a list.

JSON lines are streamed one line at a time; a malformed line is reported with its line number
and skipped. A ``.json`` list has to be read whole (the standard library has no streaming JSON
parser), but its elements are decoded one by one so each keeps its line number and a broken
element loses only what follows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kgbuild.ingest.common import QUALITY_EXACT, Parsed, Reporter, read_lines
from kgbuild.ingest.fields import paper_from_record
from kgbuild.records import Problem

# A ``.json`` object that wraps its records in one of these keys is unwrapped.
_CONTAINER_KEYS = ("papers", "records", "data", "items")
# json's decoder recurses once per nesting level; no paper record is nested anywhere near that deep
_TOO_DEEP = "JSON nested too deeply to be a paper record"


def _record(value: Any, where: str, line: int, report: Reporter) -> Iterator[Parsed]:
    if not isinstance(value, dict):
        report(Problem(where, line, f"expected a JSON object, got {type(value).__name__}; skipped"))
        return
    paper = paper_from_record(value, where, line, report)
    if paper is not None:
        yield Parsed(paper, QUALITY_EXACT)


def _from_lines(lines: Iterable[tuple[int, str]], where: str, report: Reporter) -> Iterator[Parsed]:
    for line_no, text in lines:
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as e:
            report(Problem(where, line_no, f"malformed JSON ({e.msg} at column {e.colno}); skipped"))
            continue
        except RecursionError:
            report(Problem(where, line_no, _TOO_DEEP + "; skipped"))
            continue
        yield from _record(value, where, line_no, report)


def iter_jsonl(path: Path, report: Reporter) -> Iterator[Parsed]:
    """Records of a JSON-lines file (optionally gzipped), one object per line, streaming."""
    yield from _from_lines(read_lines(path, report), str(path), report)


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _from_array(text: str, start: int, where: str, report: Reporter) -> Iterator[Parsed]:
    """Decode the elements of the JSON array opening at ``text[start]`` one at a time."""
    decoder = json.JSONDecoder()
    i = start + 1
    n = len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i < n and text[i] == "]":
            return
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as e:
            report(Problem(where, e.lineno, f"malformed JSON ({e.msg}); rest of the list skipped"))
            return
        except RecursionError:
            report(Problem(where, _line_at(text, i), _TOO_DEEP + "; rest of the list skipped"))
            return
        yield from _record(value, where, _line_at(text, i), report)
        i = end
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i < n and text[i] == ",":
            i += 1
        elif i < n and text[i] == "]":
            return
        else:
            message = "malformed JSON list (expected ',' or ']'); rest skipped"
            report(Problem(where, _line_at(text, i), message))
            return


def iter_json(path: Path, report: Reporter) -> Iterator[Parsed]:
    """Records of a ``.json`` file: a list of objects, one object, or (leniently) JSON lines."""
    where = str(path)
    lines = list(read_lines(path, report))
    text = "\n".join(t for _, t in lines)
    stripped = text.lstrip()
    if not stripped:
        return  # the loader reports files that yield nothing
    start = len(text) - len(stripped)
    if stripped[0] == "[":
        yield from _from_array(text, start, where, report)
        return
    try:
        value = json.loads(text)
    except RecursionError:
        report(Problem(where, _line_at(text, start), _TOO_DEEP + "; file skipped"))
        return
    except json.JSONDecodeError:
        # Not one JSON document: people often name JSON lines ``.json``.
        yield from _from_lines(lines, where, report)
        return
    if isinstance(value, dict):
        for key in _CONTAINER_KEYS:
            if isinstance(value.get(key), list) and "title" not in value:
                for item in value[key]:
                    yield from _record(item, where, _line_at(text, start), report)
                return
    yield from _record(value, where, _line_at(text, start), report)
