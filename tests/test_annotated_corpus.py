"""The annotated corpus (eval/annotated): schema, verbatim names, spans, disjoint splits, no paper
of a measuring set, and each split scoring 1.0 against itself with the shared scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, shared_dir

from kgbuild.annotated import (
    SPLITS,
    load_splits,
    mention_spans,
    norm,
    occurrences,
    read_jsonl,
    record_problems,
    split_problems,
)

ANNOTATED = REPO / "eval" / "annotated"
MINIMUM = {"train": 4150, "dev": 100, "test": 150}
SELECTIONS = ("selection.json", *(f"selection-extra-{k}.json" for k in range(1, 9)))


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict]]:
    return load_splits(ANNOTATED)


def test_split_sizes(splits: dict[str, list[dict]]) -> None:
    assert {s: len(rs) >= MINIMUM[s] for s, rs in splits.items()} == {s: True for s in SPLITS}


def test_every_record_is_valid_and_splits_are_disjoint(splits: dict[str, list[dict]]) -> None:
    measuring = {norm(r["title"]) for r in read_jsonl(REPO / "eval" / "heldout" / "texts.jsonl")}
    measuring |= {norm(r["title"]) for r in read_jsonl(shared_dir() / "eval" / "dev.jsonl")}
    assert split_problems(splits, measuring) == []


def test_no_title_of_the_founding_corpus(splits: dict[str, list[dict]]) -> None:
    # the founding corpus is listing pages in several layouts: a title is found in its normalised
    # text rather than by parsing each layout
    founding = "".join(
        norm(p.read_text(encoding="utf-8")) for p in (REPO / "kgbuild" / "data" / "corpus").glob("*.txt")
    )
    assert founding
    assert [r["id"] for rs in splits.values() for r in rs if norm(r["title"]) in founding] == []


def test_spans_are_the_mentions_at_their_offsets(splits: dict[str, list[dict]]) -> None:
    for record in (r for rs in splits.values() for r in rs):
        assert record["spans"] == mention_spans(record)
        for span in record["spans"]:
            assert record[span["field"]][span["start"] : span["end"]] == span["text"]


def test_each_split_scores_one_against_itself() -> None:
    scorer = shared_dir() / "eval" / "score.py"
    for split in SPLITS:
        path = ANNOTATED / f"{split}.jsonl"
        out = subprocess.run(
            [sys.executable, str(scorer), path, path, "--json"], capture_output=True, text=True, check=True
        )
        scores = json.loads(out.stdout)["scores"]
        assert {k: v["f1"] for k, v in scores.items() if v["gold"]} == {k: 1.0 for k, v in scores.items() if v["gold"]}


def test_selection_lists_the_split_ids(splits: dict[str, list[dict]]) -> None:
    """Each split holds the papers of selection.json, then the further training papers of each
    selection-extra-N.json, in selection order."""
    assert sorted(p.name for p in ANNOTATED.glob("selection*.json")) == sorted(SELECTIONS)
    selections = [json.loads((ANNOTATED / name).read_text(encoding="utf-8")) for name in SELECTIONS]
    assert all(set(extra["splits"]) == {"train"} for extra in selections[1:])
    assert {s: [c["id"] for sel in selections for c in sel["splits"].get(s, [])] for s in SPLITS} == {
        s: [r["id"] for r in rs] for s, rs in splits.items()
    }


# --- the validator itself: each check must catch what it is for -------------------------------


def _record(**changes: object) -> dict:
    record = {
        "id": "2501.00001",
        "title": "FooNet: a model",
        "abstract": "We propose FooNet, which beats RoBERTa and GPT-4o on GLUE with 91.2% accuracy.",
        "entities": [
            {"name": "FooNet", "kind": "MODEL", "aliases": []},
            {"name": "RoBERTa", "kind": "MODEL", "aliases": []},
            {"name": "GLUE", "kind": "BENCHMARK", "aliases": []},
            {"name": "accuracy", "kind": "METRIC", "aliases": []},
        ],
        "proposes": ["FooNet"],
        "compares_with": ["RoBERTa"],
        "evaluated_on": [["FooNet", "GLUE"]],
        "trained_on": [],
        "based_on": [],
        "results": [
            {"model": "FooNet", "benchmark": "GLUE", "metric": "accuracy", "value": "91.2%", "kind": "absolute"}
        ],
        "mentions": ["FooNet", "RoBERTa", "GLUE", "accuracy"],
        "notes": "",
    }
    record.update(changes)
    record["spans"] = mention_spans(record)
    return record


def test_a_valid_record_has_no_problems() -> None:
    assert record_problems(_record()) == []


def test_names_must_occur_as_whole_words() -> None:
    assert occurrences("RoBERTa and BERT", "BERT") is not None
    assert list(occurrences("RoBERTa and BERT", "BERT")) == [(12, 16)]
    assert list(occurrences("GPT-4o", "GPT-4")) == []
    bad = _record(entities=[*_record()["entities"], {"name": "GPT-4", "kind": "MODEL", "aliases": []}])
    assert any("'GPT-4' does not occur verbatim" in p for p in record_problems(bad))


def test_relations_must_name_annotated_entities() -> None:
    bad = _record(compares_with=["T5"], results=[{"model": "paper", "value": "1", "kind": "final"}])
    problems = record_problems(bad)
    assert any("compares_with: 'T5'" in p for p in problems)
    assert any("kind must be one of" in p for p in problems)


def test_spans_must_match_the_text() -> None:
    record = _record()
    record["spans"][0] = dict(record["spans"][0], start=record["spans"][0]["start"] + 1)
    assert any("reads" in p for p in record_problems(record))


def test_split_problems_catch_a_paper_in_two_splits_and_a_measuring_title() -> None:
    record = _record()
    problems = split_problems({"train": [record], "test": [dict(record, id="other")]}, {norm(record["title"])})
    assert any("already in train" in p for p in problems)
    assert any("measuring set" in p for p in problems)


def _extra_selection(k: int, seed: int, size: int) -> tuple[str, list[str]]:
    """The options of the k-th round of further training papers: every earlier selection excluded."""
    options = [arg for name in SELECTIONS[:k] for arg in ("--exclude-selection", str(ANNOTATED / name))]
    return SELECTIONS[k], [*options, "--seed", str(seed), "--size", f"train={size}"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("selection.json", []),
        # further training papers: another seed, none of an earlier selection's papers
        _extra_selection(1, 14, 240),
        *(_extra_selection(k, 13 + k, 480) for k in range(2, 9)),
    ],
)
def test_selection_is_reproducible(tmp_path: Path, name: str, options: list[str]) -> None:
    """select.py, run again on the listings, writes the committed id lists."""
    listings = shared_dir() / "corpus" / "arxiv-listings-2025" / "listings.jsonl.gz"
    out = tmp_path / name
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "annotation" / "select.py"),
            str(listings),
            "--founding",
            str(shared_dir() / "corpus" / "hf-daily-papers"),
            "--exclude",
            str(shared_dir() / "eval" / "dev.jsonl"),
            "--exclude",
            str(REPO / "eval" / "heldout" / "texts.jsonl"),
            *options,
            "-o",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert json.loads(out.read_text()) == json.loads((ANNOTATED / name).read_text())
