"""Score finding (kgbuild_scores): which numbers are results, and whether absolute or a delta.

Every sentence here is written for the test; none comes from the dev set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgbuild.nlp.pipeline import build_pipeline

PATTERNS = str(Path(__file__).parent / "fixtures" / "nlp" / "patterns")


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(PATTERNS, mode="rules")


def found(nlp, text: str) -> set[tuple[str, str]]:
    doc = nlp("A study of things\n\n" + text)
    for s in doc._.kg_scores:
        assert doc.text[s["start"] : s["end"]].replace("\\%", "%") == s["value"]
    return {(s["value"], s["kind"]) for s in doc._.kg_scores}


@pytest.mark.parametrize(
    "text, expected",
    [
        # a range is one value
        ("The pruned network retains 92-96% zero-shot performance across tasks.", {("92-96%", "absolute")}),
        # a percentile rank keeps its "top" and its "of"
        ("Our agent scores in the top 5% of human players on the ladder.", {("top 5%", "absolute")}),
        # an integer right after "a score of"
        ("Our tutor system gets a final score of 87 on the reading exam.", {("87", "absolute")}),
        # a list of deltas after one change verb, with "up to" and a prepositional phrase between
        (
            "It cuts the end-to-end latency of speech recognition by 12.5% on older phones and up to 30.2% on "
            "recent laptops.",
            {("12.5%", "delta"), ("up to 30.2%", "delta")},
        ),
        # "saves N% of" is a delta despite the "of"
        ("Our scheduler saves 35% of the training compute at equal accuracy.", {("35%", "delta")}),
        # speed-ups, glued or spaced, and a second one in the same list
        ("The kernel yields a 2.7x speedup in throughput.", {("2.7x", "delta")}),
        ("It gives speedups of 1.8x on small GPUs and 2.2x on large ones.", {("1.8x", "delta"), ("2.2x", "delta")}),
        ("Decoding becomes 3.5 × faster with equal accuracy.", {("3.5 ×", "delta")}),
    ],
)
def test_score_shapes(nlp, text, expected):
    assert found(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # an achieving verb between two values ends the delta list
        (
            "It improves recall by 2.5% and achieves an F1 of 71.3% on the test split.",
            {("2.5%", "delta"), ("71.3%", "absolute")},
        ),
        # "while retaining" states a level, not a further change
        ("It cuts memory by 40%, while retaining 97.1% accuracy.", {("40%", "delta"), ("97.1%", "absolute")}),
        # "outperforming X of N" gives X's score, not a difference
        (
            "It reaches an accuracy of 45.2%, outperforming the strongest earlier system of 41.7%.",
            {("45.2%", "absolute"), ("41.7%", "absolute")},
        ),
        # gains named after a parenthesis, for both values of the list
        (
            "It shows 12.4% (audio) and 30.2%\n(video) cross-modal retrieval gains.",
            {("12.4%", "delta"), ("30.2%", "delta")},
        ),
        # a noise level, a test statistic, a p-value and a range of multipliers are not results
        ("With 40% noise, accuracy drops; chi2 gives p = 0.03 and speedups range from 1.2 to 2.1 times.", set()),
        # a percentage that sets the method's sparsity is not a result
        ("We reach 70% structured sparsity with a negligible loss in accuracy.", set()),
        # a share of the data is not a result, even when accuracy is mentioned
        ("We train on 35% of the data and report accuracy.", set()),
        # "top N%" as a selection is not a rank
        ("We keep the top 10% of tokens by attention score.", set()),
        # an integer that is not a score
        ("We use a batch size of 64 and report the accuracy.", set()),
        # multipliers of size are not speed-ups
        ("The model uses 4x fewer parameters with similar accuracy.", set()),
        ("The decoder is 3.5x larger and has higher accuracy.", set()),
    ],
)
def test_not_scores_or_other_kind(nlp, text, expected):
    assert found(nlp, text) == expected
