"""kgbuild's scorer agrees with the project's reference scorer (eval/score.py in the shared folder)."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import shared_dir

from kgbuild.scoring import index_by_title, score_records

GOLD = [
    {
        "title": "Paper One",
        "entities": [
            {"name": "GPT-3", "kind": "MODEL", "aliases": ["GPT3"]},
            {"name": "SuperGLUE", "kind": "BENCHMARK", "aliases": []},
            {"name": "The Pile", "kind": "DATASET", "aliases": []},
        ],
        "proposes": ["GPT-3"],
        "compares_with": [],
        "evaluated_on": [["GPT-3", "SuperGLUE"]],
        "trained_on": [["GPT-3", "The Pile"]],
        "based_on": [],
        "results": [{"model": "GPT-3", "value": "90.6%", "kind": "absolute"}],
    },
    {
        "title": "Paper Two",
        "entities": [{"name": "BERT", "kind": "MODEL", "aliases": []}],
        "proposes": [],
        "compares_with": ["BERT"],
        "evaluated_on": [],
        "trained_on": [],
        "based_on": [],
        "results": [],
    },
    {"title": "Paper Three", "entities": [], "proposes": ["X"]},
]
PRED = [
    {
        "title": "paper one",
        "entities": [
            {"name": "GPT3", "kind": "MODEL", "aliases": []},
            {"name": "SuperGLUE", "kind": "DATASET", "aliases": []},
            {"name": "RoBERTa", "kind": "MODEL", "aliases": []},
        ],
        "proposes": ["gpt3"],
        "compares_with": ["RoBERTa"],
        "evaluated_on": [["GPT3", "SuperGLUE"]],
        "trained_on": [],
        "based_on": [],
        "results": [
            {"model": "GPT3", "value": "90.6", "kind": "absolute"},
            {"model": "paper", "value": "+1.0", "kind": "delta"},
        ],
    },
    {"title": "Paper Two", "entities": [{"name": "Bert", "kind": "MODEL", "aliases": []}], "compares_with": ["BERT"]},
]


def test_known_figures():
    scores, missing = score_records(index_by_title(GOLD), index_by_title(PRED))
    assert missing == 1
    assert scores["rel:proposes"].tp == 1 and scores["rel:proposes"].gold == 2
    assert scores["entities_core_lenient"].tp == 3  # SuperGLUE counts as DATASET~BENCHMARK
    assert scores["entities_core_strict"].tp == 2
    assert scores["rel:results_absolute"].tp == 1
    assert scores["rel:compares_with"].pred == 2 and scores["rel:compares_with"].tp == 1


def test_agrees_with_reference_scorer(tmp_path):
    spec = importlib.util.spec_from_file_location("reference_score", shared_dir() / "eval" / "score.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text("".join(json.dumps(r) + "\n" for r in GOLD))
    pred_path.write_text("".join(json.dumps(r) + "\n" for r in PRED))
    expected, expected_missing = reference.score(reference.load(gold_path), reference.load(pred_path))
    ours, missing = score_records(index_by_title(GOLD), index_by_title(PRED))
    assert missing == expected_missing
    assert set(ours) == set(expected)
    for label, figures in expected.items():
        assert ours[label].to_dict() == pytest.approx(figures), label
