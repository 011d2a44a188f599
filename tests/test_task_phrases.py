"""Task phrases found by where they sit, not by a list (fixture gazetteer, no NER)."""

from __future__ import annotations

import pytest

from kgbuild.nlp.extract import Extractor
from kgbuild.records import Paper


def tasks(extractor: Extractor, title: str, abstract: str) -> set[str]:
    extraction = extractor.extract_one(Paper(paper_id="t", title=title, abstract=abstract))
    return {e.name for e in extraction.entities if e.kind == "TASK"}


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("We build a model for ad-hoc retrieval.", {"ad-hoc retrieval"}),
        ("It helps in continual learning of agents.", {"continual learning"}),
        (
            "We test tasks such as acoustic scene classification and music tagging.",
            {"acoustic scene classification", "music tagging"},
        ),
        ("Results on text-to-video retrieval are strong.", {"text-to-video retrieval"}),
        ("We use it for clustering.", {"clustering"}),
    ],
)
def test_task_phrases_in_purpose_and_list_frames(extractor: Extractor, abstract: str, expected: set[str]) -> None:
    assert tasks(extractor, "a title", abstract) == expected


@pytest.mark.parametrize(
    "abstract",
    [
        "We aim to tackle image classification.",  # a verb's object: the verb is not part of it
        "This is common in deep learning and in semi-supervised learning.",  # fields and regimes
        "We report results on COCO object detection.",  # the benchmark name is not part of the task
        "We need efficient learning for everyone.",  # evaluative adjective + a vague head
        "Our question answering model is small.",  # the phrase describes a model
        "This is encompassing retrieval of all kinds.",
    ],
)
def test_not_task_phrases(extractor: Extractor, abstract: str) -> None:
    found = tasks(extractor, "a title", abstract)
    assert (
        not {
            "tackle image classification",
            "deep learning",
            "semi-supervised learning",
            "COCO object detection",
            "efficient learning",
            "question answering",
            "encompassing retrieval",
        }
        & found
    ), found
