"""The learned components' model: a multi-class averaged perceptron over sparse string features,
its weights as JSON, and the segmented sums of weight rows its predictions are made of.

The entity, relation and result classifiers all use it. Training updates dict weights (features
seen once cost nothing elsewhere); prediction freezes them into a (features x classes) matrix and
sums the rows of each example's features in one numpy call for a whole batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy

from kgbuild.atomic import write_text_atomic

NONE = "NONE"  # the class "none of them" (not an entity); it wins ties


def write_weights(directory: str | Path, filename: str, data: Any) -> None:
    """A trained component's weights as JSON, written atomically into ``directory``."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path / filename, json.dumps(data, sort_keys=True, ensure_ascii=False))


def read_weights(directory: str | Path, filename: str, component: str) -> Any:
    """The weights ``write_weights`` wrote; a missing or damaged file says how to make it."""
    file = Path(directory) / filename
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise FileNotFoundError(f"no trained {component} at {file} (run `make train`): {e}") from e


def segment_sums(index: dict[str, int], matrix: numpy.ndarray, feature_lists: list[list[str]]) -> numpy.ndarray:
    """Row ``i``: the sum of ``matrix``'s rows for the features of ``feature_lists[i]`` (unknown
    features read the last row, all zeros)."""
    unknown = len(index)
    get = index.get
    return row_sums(matrix, [[get(f, unknown) for f in features] for features in feature_lists])


def row_sums(matrix: numpy.ndarray, row_lists: Iterable[Iterable[int]]) -> numpy.ndarray:
    """Row ``i``: the sum of ``matrix``'s rows listed in ``row_lists[i]`` (none: the last row, all zeros)."""
    unknown = len(matrix) - 1
    rows: list[int] = []
    starts: list[int] = []
    for listed in row_lists:
        starts.append(len(rows))
        rows.extend(listed)
        if len(rows) == starts[-1]:
            rows.append(unknown)
    return numpy.add.reduceat(matrix[rows], starts, axis=0)


class AveragedPerceptron:
    """Multi-class linear model over string features; weights are averaged over all updates."""

    def __init__(self, classes: Iterable[str], weights: dict[str, dict[str, float]] | None = None) -> None:
        self.classes = list(classes)
        self.weights: dict[str, dict[str, float]] = weights or {}
        self._totals: dict[tuple[str, str], float] = {}
        self._stamps: dict[tuple[str, str], int] = {}
        self._updates = 0
        self._matrix: tuple[dict[str, int], numpy.ndarray, list[str]] | None = None

    def scores(self, features: Iterable[str]) -> dict[str, float]:
        totals = dict.fromkeys(self.classes, 0.0)
        for feature in features:
            for label, weight in self.weights.get(feature, {}).items():
                totals[label] += weight
        return totals

    def _frozen(self) -> tuple[dict[str, int], numpy.ndarray, list[str]]:
        """Feature -> row of a (features x classes) weight matrix, built once after training, and
        the classes in column order: ``NONE`` first, the others as trained, so that ``argmax``
        (which takes the first of equal scores) settles ties as ``predict`` does."""
        if self._matrix is None:
            ordered = sorted(self.classes, key=lambda label: label != NONE)
            index = {feature: row for row, feature in enumerate(self.weights)}
            matrix = numpy.zeros((len(index) + 1, len(ordered)), dtype="float32")  # last row: unknown
            column = {label: j for j, label in enumerate(ordered)}
            for feature, row in index.items():
                for label, weight in self.weights[feature].items():
                    matrix[row, column[label]] = weight
            self._matrix = (index, matrix, ordered)
        return self._matrix

    def best(self, features: Iterable[str]) -> str:
        """``predict`` for a trained model that no longer changes (fast path)."""
        return self.best_many([list(features)])[0]

    def best_many(self, feature_lists: list[list[str]]) -> list[str]:
        """``best`` for many examples at once: one gather and one segmented sum over the weight
        matrix for all of them (the per-example numpy calls cost more than the arithmetic)."""
        if not feature_lists:
            return []
        index, matrix, ordered = self._frozen()
        return [ordered[j] for j in segment_sums(index, matrix, feature_lists).argmax(axis=1).tolist()]

    def predict(self, features: Iterable[str]) -> str:
        scores = self.scores(features)
        return max(self.classes, key=lambda label: (scores[label], label == NONE))

    def update(self, truth: str, guess: str, features: list[str]) -> None:
        self._updates += 1
        if truth == guess:
            return
        for feature in features:
            row = self.weights.setdefault(feature, {})
            for label, delta in ((truth, 1.0), (guess, -1.0)):
                key = (feature, label)
                weight = row.get(label, 0.0)
                self._totals[key] = self._totals.get(key, 0.0) + (self._updates - self._stamps.get(key, 0)) * weight
                self._stamps[key] = self._updates
                row[label] = weight + delta

    def averaged_copy(self) -> AveragedPerceptron:
        """The averaged model as it would be if training stopped now (training goes on)."""
        copy = AveragedPerceptron(self.classes)
        copy.weights = {f: dict(row) for f, row in self.weights.items()}
        copy._totals, copy._stamps, copy._updates = dict(self._totals), dict(self._stamps), self._updates
        copy.average()
        return copy

    def average(self) -> None:
        for feature, row in self.weights.items():
            for label, weight in row.items():
                key = (feature, label)
                total = self._totals.get(key, 0.0) + (self._updates - self._stamps.get(key, 0)) * weight
                row[label] = round(total / max(self._updates, 1), 4)
        self.weights = {f: {k: w for k, w in row.items() if w} for f, row in self.weights.items()}
        self.weights = {f: row for f, row in self.weights.items() if row}
