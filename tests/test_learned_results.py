"""The learned results layer: values kept as written, weak scores as candidates, and the result
classifier trained on tiny data, saved, loaded and run inside the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgbuild.annotated import mention_spans
from kgbuild.nlp.pipeline import build_pipeline
from kgbuild.nlp.result_classifier import ResultClassifier
from kgbuild.training.results import result_examples, train_results

PATTERNS = str(Path(__file__).parent / "fixtures" / "nlp" / "patterns")


@pytest.fixture(scope="module")
def rules_nlp():
    return build_pipeline(PATTERNS, mode="rules", use_ner=False)


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("Our model improves accuracy by up to 17.9 percentage points.", "up to 17.9 percentage points"),
        ("It reduces errors by 8.38% to 38.6% across tasks.", "8.38% to 38.6%"),
        ("It achieves over 95% accuracy on the test set.", "over 95%"),
        ("Our method improves F1 by 2.1 pp over the baseline.", "2.1 pp"),
    ],
)
def test_values_kept_as_written(rules_nlp, sentence, value):
    assert value in {s["value"] for s in rules_nlp(sentence)._.kg_scores}


def test_a_change_from_one_value_to_another_stays_two_values(rules_nlp):
    doc = rules_nlp("Average F1 scores rise from 72.45% to 98.32% under our method.")
    assert {"72.45%", "98.32%"} <= {s["value"] for s in doc._.kg_scores}


def test_a_percentage_without_a_score_cue_is_a_weak_score_and_a_candidate_only(rules_nlp):
    doc = rules_nlp("On ScreenSpot-Pro, MVP boosts UI-TARS to 56.1%, and GTA1 to 61.7%.")
    assert not doc._.kg_scores
    assert {s["value"] for s in doc._.kg_weak_scores} == {"56.1%", "61.7%"}
    assert not doc._.kg_results  # the rules alone never report a weak score
    assert {r["value"] for r in doc._.kg_result_candidates} == {"56.1%", "61.7%"}


def record(title: str, abstract: str, entities: list[dict], results: list[dict]) -> dict:
    out = {
        "id": "0000.00000",
        "title": title,
        "abstract": abstract,
        "entities": entities,
        "proposes": [entities[0]["name"]],
        "compares_with": [],
        "evaluated_on": [],
        "trained_on": [],
        "based_on": [],
        "results": results,
        "mentions": [],
        "notes": "",
    }
    out["spans"] = mention_spans(out)
    return out


RECORDS = [
    record(
        "FooNet: Fast Vision",
        "We propose FooNet. FooNet reaches 80.1% top-1 accuracy, while ResNet-50 reaches 76.2% top-1 accuracy.",
        [
            {"name": "FooNet", "kind": "MODEL", "aliases": []},
            {"name": "ResNet-50", "kind": "MODEL", "aliases": []},
            {"name": "top-1 accuracy", "kind": "METRIC", "aliases": []},
        ],
        [
            {"model": "FooNet", "value": "80.1%", "kind": "absolute"},
            {"model": "ResNet-50", "value": "76.2%", "kind": "absolute"},
        ],
    ),
    record(
        "BarLM for Question Answering",
        "We train BarLM. BarLM scores 71.5% accuracy on SuperGLUE, and RoBERTa scores 64.0% accuracy.",
        [
            {"name": "BarLM", "kind": "MODEL", "aliases": []},
            {"name": "RoBERTa", "kind": "MODEL", "aliases": []},
            {"name": "SuperGLUE", "kind": "BENCHMARK", "aliases": []},
            {"name": "accuracy", "kind": "METRIC", "aliases": []},
        ],
        [
            {"model": "BarLM", "value": "71.5%", "kind": "absolute"},
            {"model": "RoBERTa", "value": "64.0%", "kind": "absolute"},
        ],
    ),
]


def test_result_classifier_trains_saves_and_attaches_values(tmp_path):
    nlp = build_pipeline(PATTERNS, use_ner=False, use_classifier=False, use_result_classifier=False)
    classifier = ResultClassifier("results")
    keep, _, owner, _ = result_examples(nlp, classifier, RECORDS)
    assert keep and all(label == "YES" for _, label in keep)  # every value found is a gold value
    assert sum(label == "YES" for _, label in owner) == 4  # one true owner per value
    report = train_results(nlp, classifier, RECORDS * 3, RECORDS, epochs=4, seed=0)
    assert report.keep_positives == 12
    classifier.to_disk(tmp_path)
    loaded = ResultClassifier("results", tmp_path)
    assert loaded.owner.weights == classifier.owner.weights and loaded.keep.weights == classifier.keep.weights
    full = build_pipeline(PATTERNS, use_ner=False, use_classifier=False, results_dir=tmp_path)
    assert full.pipe_names[-1] == "kgbuild_result_classifier"
    doc = full(RECORDS[1]["title"] + "\n\n" + RECORDS[1]["abstract"])
    owners = {r["value"]: r["model"] for r in doc._.kg_results}
    assert owners == {"71.5%": "barlm", "64.0%": "roberta"}  # fitted to these papers
    with pytest.raises(FileNotFoundError, match="make train"):
        ResultClassifier("results", tmp_path / "missing")
