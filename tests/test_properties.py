"""Properties over any input Hypothesis can make: ingest records, paper ids and cache keys, name
normalisation, IRI minting, text cleaning and question parsing. Profiles are in conftest.py
(``HYPOTHESIS_PROFILE=nightly`` for long runs); each test here runs ``max_examples`` cases."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from kgbuild.cache import paper_key
from kgbuild.export.iris import ILLEGAL_IRI_CHARS, entity_iri, segment
from kgbuild.ingest.common import clean
from kgbuild.ingest.fields import paper_from_record
from kgbuild.ingest.ids import make_paper_id
from kgbuild.ingest.jsonfile import iter_jsonl
from kgbuild.query.ask import AskError, parse_question
from kgbuild.records import Paper, Problem, normalise_name

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
WRITABLE = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=8,
)
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@given(ANY_TEXT)
def test_clean_text_is_writable_trimmed_and_stable(text: str) -> None:
    cleaned = clean(text)
    assert not UNWRITABLE.search(cleaned)
    cleaned.encode("utf-8")  # no lone surrogate survives
    assert cleaned == cleaned.strip() and clean(cleaned) == cleaned


@given(ANY_TEXT)
def test_paper_ids_and_cache_keys_exist_for_any_string(title: str) -> None:
    paper_id = make_paper_id(title, None)
    assert re.fullmatch(r"t-[0-9a-f]{16}", paper_id)
    assert len(paper_key(Paper(paper_id, title, title), "fingerprint")) == 64


@given(ANY_TEXT)
def test_normalised_names_are_stable_and_keep_letters(name: str) -> None:
    key = normalise_name(name)
    assert normalise_name(key) == key
    assert all(ch.isalnum() for ch in key)


@given(st.sampled_from("αβγδ中文ßé"), st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=6))
def test_a_non_ascii_letter_keeps_names_apart(letter: str, name: str) -> None:
    assert normalise_name(f"{letter}-{name}") != normalise_name(name)


@given(WRITABLE, WRITABLE)
def test_entity_iris_are_valid_and_injective(a: str, b: str) -> None:
    iri = entity_iri("https://w3id.org/kgbuild/", a)
    assert not ILLEGAL_IRI_CHARS.search(iri)
    assert unquote(segment(a)) == a
    assert (segment(a) == segment(b)) == (a == b)


@given(st.dictionaries(ANY_TEXT | st.sampled_from(["title", "abstract", "authors", "id"]), JSON_VALUES, max_size=6))
def test_any_record_gives_a_clean_paper_or_a_reported_problem(record: dict) -> None:
    problems: list[Problem] = []
    paper = paper_from_record(record, "x.jsonl", 1, problems.append)
    if paper is None:
        assert problems
    else:
        assert paper.title and not UNWRITABLE.search(paper.title + paper.abstract)
        json.dumps(paper.to_dict(), ensure_ascii=False).encode("utf-8")


@given(st.lists(st.dictionaries(st.sampled_from(["title", "abstract", "x"]), JSON_VALUES, max_size=3), max_size=5))
def test_json_lines_keep_every_record_with_a_title(tmp_path_factory, records: list[dict]) -> None:
    path: Path = tmp_path_factory.mktemp("jsonl") / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    papers = [p.paper for p in iter_jsonl(path, lambda problem: None)]
    expected = [r for r in records if isinstance(r.get("title"), str) and clean(r["title"])]
    assert [p.title for p in papers] == [clean(r["title"]) for r in expected]


@given(ANY_TEXT)
def test_any_question_parses_or_is_refused_clearly(question: str) -> None:
    try:
        form, target = parse_question(question)
    except AskError as e:
        assert str(e)
    else:
        assert isinstance(target, str)
