"""Learned re-scoring of the resolver's entities: keep or drop each one, and decide its kind once per
paper from all its mentions and their contexts.

The candidates come from the rules (gazetteer, name shapes) and the tagger; what they say about a
name (which rule fired, the gazetteer's kind, the voted kind) is a feature here, not an override,
beside the name's shape and the words around its mentions. The model is a multi-class averaged
perceptron over sparse string features (``NONE`` = not an entity), trained on the annotated corpus
by ``kgbuild.training``. Modelled on spaCy's components: factory with config, ``__call__`` =
``predict`` then ``set_annotations``, ``to_disk``/``from_disk``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from kgbuild.nlp.batching import PredictingComponent
from kgbuild.nlp.perceptron import NONE, AveragedPerceptron, read_weights, row_sums, write_weights
from kgbuild.nlp.tokens import lowers, title_end
from kgbuild.nlp.vectors import WordClusters

WEIGHTS_FILE = "entity_classifier.json"
CONTEXT = 3
# the words around a mention whose clusters are features: fine and coarse for the nearest
# NEAR_CLUSTERS on either side, a bag of coarse groups further back up to BEFORE_CLUSTERS
NEAR_CLUSTERS = 2
BEFORE_CLUSTERS = 5

_SHAPE_RUNS = re.compile(r"(.)\1+")
_ASCII_SHAPES = str.maketrans(
    {c: "X" if c.isupper() else "x" if c.islower() else "d" for c in map(chr, range(128)) if c.isalnum()}
)


@lru_cache(maxsize=1 << 16)
def coarse_shape(text: str) -> str:
    """ "GPT-4o" -> "X-dx", "ImageNet" -> "XxXx": case and digit classes, runs collapsed."""
    if text.isascii():  # most names: one table lookup per character
        shape = text.translate(_ASCII_SHAPES)
    else:
        shape = "".join("X" if c.isupper() else "x" if c.islower() else "d" if c.isdigit() else c for c in text)
    return _SHAPE_RUNS.sub(r"\1", shape)[:8]


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def entity_features(doc: Doc, entity: dict[str, Any], clusters: WordClusters | None = None) -> list[str]:
    """Sparse string features of one grouped entity (see ``MentionResolver``); with ``clusters``,
    also the word clusters of its words and of the words around its mentions."""
    feats = name_features(doc, entity, clusters)
    lowered = lowers(doc)
    for word, side, offset in context_words(lowered, entity, clusters is not None):
        feats.update(word_features(word, side, offset, clusters))
    return list(feats)  # unordered: each feature weighs on its own


def name_features(doc: Doc, entity: dict[str, Any], clusters: WordClusters | None = None) -> set[str]:
    """The features of the entity itself: its name and kind (``spelling_features``), how often
    and where it occurs, by which rules (the words around it are ``word_features``)."""
    feats = set(spelling_features(entity["name"], entity["kind"], clusters))
    feats.update(occurrence_features(doc, entity))
    return feats


def spelling_features(name: str, kind: str, clusters: WordClusters | None) -> list[str]:
    """What the name and the kind it was found with say: shape, words, head and, with
    ``clusters``, the clusters of its words."""
    words = name.split()
    feats = [
        "bias",
        f"kind={kind}",
        f"shape={coarse_shape(name)}",
        f"words={_bucket(len(words), (1, 2, 3))}",
        f"name={name.lower()}",
        f"head={words[-1].lower() if words else ''}",
        f"suffix3={name[-3:].lower()}",
        f"lower={name.islower()}",
        f"upper={name.isupper()}",
        f"digit={any(c.isdigit() for c in name)}",
        f"hyphen={'-' in name}",
    ]
    if clusters is not None:
        cluster = clusters.cluster
        feats += (f"word~{cluster(word)}" for word in words)
        if words:
            head = cluster(words[-1])
            feats += (f"head~{head}", f"head~{head}|kind={kind}", f"head~~{clusters.coarse[head]}")
    return feats


def occurrence_features(doc: Doc, entity: dict[str, Any]) -> list[str]:
    """How often the entity is mentioned, where (title, abstract), by which rules, with aliases."""
    kind = entity["kind"]
    abstract_start = title_end(doc)
    feats = [f"mentions={_bucket(len(entity['mentions']), (1, 2, 4))}", f"aliases={bool(entity['aliases'])}"]
    in_title = False
    in_abstract = False
    for mention in entity["mentions"]:
        rule = mention["rule"]
        feats += (f"rule={rule}", f"rule={rule}|kind={kind}")
        if mention["token_start"] < abstract_start:
            in_title = True
        else:
            in_abstract = True
    feats += (
        f"where={'title' if in_title else ''}{'abstract' if in_abstract else ''}",
        f"where|kind={in_title}{in_abstract}|{kind}",
    )
    return feats


# which side of a mention a context word is on
BEFORE, AFTER = "-", "+"


def context_depth(side: str, with_clusters: bool) -> int:
    """How many words on ``side`` of a mention have features."""
    if with_clusters:
        return max(CONTEXT, BEFORE_CLUSTERS if side == BEFORE else NEAR_CLUSTERS)
    return CONTEXT


def context_words(lowered: list[str], entity: dict[str, Any], with_clusters: bool) -> Iterator[tuple[str, str, int]]:
    """``(word, side, offset)`` of every word near a mention of the entity that has features."""
    size = len(lowered)
    before, after = context_depth(BEFORE, with_clusters), context_depth(AFTER, with_clusters)
    for mention in entity["mentions"]:
        start, last = mention["token_start"], mention["token_end"] - 1
        for offset in range(1, min(before, start) + 1):
            yield lowered[start - offset], BEFORE, offset
        for offset in range(1, min(after, size - 1 - last) + 1):
            yield lowered[last + offset], AFTER, offset


def word_features(word: str, side: str, offset: int, clusters: WordClusters | None) -> list[str]:
    """The features a (lowercased) word gives an entity when it stands ``offset`` words to ``side``
    of a mention: the word itself nearby, its fine and coarse clusters nearer still, and its
    coarse cluster in a bag further back (what unseen names and cue words are like)."""
    feats = [f"w{side}{offset}={word}", f"bow={word}"] if offset <= CONTEXT else []
    if clusters is not None:
        if offset <= NEAR_CLUSTERS:
            near = clusters.cluster(word)
            feats += (f"c{side}{offset}~{near}", f"c{side}{offset}~~{clusters.coarse[near]}")
        elif side == BEFORE and offset <= BEFORE_CLUSTERS:
            feats.append(f"bowc~~{clusters.coarse[clusters.cluster(word)]}")
    return feats


class FeatureRows:
    """Features as rows of a frozen model's weight matrix, remembered: ``word_features`` per word
    and ``spelling_features`` per name and kind.

    Prediction sums weight rows; most of an entity's features are the words around its mentions,
    and the same words (articles, verbs, punctuation) stand around thousands of mentions, as the
    same names recur across papers. Their rows are worked out once instead of formatting and
    looking up the strings every time. Features the model never saw have no row (their weight is
    zero)."""

    # each memo starts again when full: 65,536 words hold the words around almost every mention of
    # a 20,000-paper run in about 25 MB a memo
    MAX_KEYS = 1 << 16

    def __init__(self, index: dict[str, int], clusters: WordClusters | None) -> None:
        self.index = index
        self.clusters = clusters
        with_clusters = clusters is not None
        self.depth = {side: context_depth(side, with_clusters) for side in (BEFORE, AFTER)}
        self._context: dict[str, dict[str, tuple[tuple[int, ...], ...]]] = {BEFORE: {}, AFTER: {}}
        self._spelling: dict[tuple[str, str], tuple[int, ...]] = {}

    def _rows_of(self, features: Iterable[str]) -> tuple[int, ...]:
        get = self.index.get
        return tuple(row for f in features if (row := get(f)) is not None)

    def _context_of(self, word: str, side: str) -> tuple[tuple[int, ...], ...]:
        """The rows ``word`` gives at each offset on ``side``, worked out on first use."""
        memo = self._context[side]
        if len(memo) >= self.MAX_KEYS:
            memo.clear()
        found = memo[word] = tuple(
            self._rows_of(word_features(word, side, k, self.clusters)) for k in range(1, self.depth[side] + 1)
        )
        return found

    def add_context(self, rows: list[int], lowered: list[str], entity: dict[str, Any]) -> None:
        """Add to ``rows`` those of the words around every mention of ``entity`` (repeats and all):
        the words ``context_words`` yields, walked here without a tuple per word (the hottest loop
        of prediction)."""
        size = len(lowered)
        before, after = self.depth[BEFORE], self.depth[AFTER]
        seen_before, seen_after, extend = self._context[BEFORE], self._context[AFTER], rows.extend
        for mention in entity["mentions"]:
            start, last = mention["token_start"], mention["token_end"] - 1
            for offset in range(1, min(before, start) + 1):
                word = lowered[start - offset]
                found = seen_before.get(word) or self._context_of(word, BEFORE)
                extend(found[offset - 1])
            for offset in range(1, min(after, size - 1 - last) + 1):
                word = lowered[last + offset]
                found = seen_after.get(word) or self._context_of(word, AFTER)
                extend(found[offset - 1])

    def spelling(self, name: str, kind: str) -> tuple[int, ...]:
        key = (name, kind)
        found = self._spelling.get(key)
        if found is None:
            if len(self._spelling) >= self.MAX_KEYS:
                self._spelling.clear()
            found = self._spelling[key] = self._rows_of(spelling_features(name, kind, self.clusters))
        return found


def _words_around(lowered: list[str], entities: list[dict[str, Any]]) -> set[str]:
    """The words whose clusters the features read, lowercased: the names' and the context words.
    All of the Doc's words stand in for the context words: a set of them is quicker to make than
    walking every mention (``context_words``), and few of the extra words are in neither table."""
    found = set(lowered)
    found.update(word.lower() for entity in entities for word in entity["name"].split())
    return found


class EntityClassifier(PredictingComponent):
    """Drops or re-kinds the entities in ``doc._.kg_entities`` with a trained model.

    A model trained with word clusters (``clusters`` set) needs them at prediction too: its weights
    file says so, and ``from_disk`` loads them from ``vectors_dir``."""

    def __init__(
        self,
        name: str,
        model_dir: str | Path | None = None,
        *,
        clusters: WordClusters | None = None,
        vectors_dir: str | Path | None = None,
    ) -> None:
        self.name = name
        self.model = AveragedPerceptron([NONE])
        self.clusters = clusters
        self.vectors_dir = vectors_dir
        self._rows: FeatureRows | None = None
        if model_dir is not None:
            self.from_disk(model_dir)

    def features(self, doc: Doc) -> list[list[str]]:
        """The features of each entity of ``doc`` (the model's input)."""
        self.warm([doc])
        return [entity_features(doc, entity, self.clusters) for entity in doc._.kg_entities or []]

    def warm(self, docs: list[Doc]) -> None:
        """Look up the clusters of the words the features of ``docs`` read that are in neither of
        the clusters' tables, in one batch: a lookup costs about the same for one word as for a
        hundred, and a Doc has only a few such words."""
        if self.clusters is not None:
            self.clusters.warm_lowercase(
                set().union(*(_words_around(lowers(doc), doc._.kg_entities or []) for doc in docs))
            )

    def feature_rows(self, doc: Doc, *, warmed: bool = False) -> list[set[int]]:
        """``features`` read as rows of the frozen model's weight matrix, one set per entity (the
        features the model never saw left out): the words around the mentions through
        ``FeatureRows``, with no strings made for them. ``warmed``: ``warm`` already ran on it."""
        index = self.model._frozen()[0]
        if self._rows is None or self._rows.index is not index or self._rows.clusters is not self.clusters:
            self._rows = FeatureRows(index, self.clusters)
        memo, get = self._rows, index.get
        entities = doc._.kg_entities or []
        lowered = lowers(doc)
        if not warmed:
            self.warm([doc])
        found = []
        for entity in entities:
            rows = list(memo.spelling(entity["name"], entity["kind"]))
            rows += [row for f in occurrence_features(doc, entity) if (row := get(f)) is not None]
            memo.add_context(rows, lowered, entity)
            found.append(set(rows))  # each feature counts once
        return found

    def predict(self, docs: list[Doc]) -> list[list[str]]:
        """Per Doc, each entity's kind or ``NONE`` (as ``model.best`` of its ``features``): one
        matrix sum for the entities of all ``docs``."""
        self.warm(docs)
        per_doc = [self.feature_rows(doc, warmed=True) for doc in docs]
        row_lists = [rows for entities in per_doc for rows in entities]
        if not row_lists:
            return [[] for _ in docs]
        _, matrix, ordered = self.model._frozen()
        kinds = iter([ordered[j] for j in row_sums(matrix, row_lists).argmax(axis=1).tolist()])
        return [[next(kinds) for _ in entities] for entities in per_doc]

    def set_annotations(self, docs: list[Doc], predictions: list[list[str]]) -> None:
        for doc, kinds in zip(docs, predictions):
            kept = []
            for entity, kind in zip(doc._.kg_entities or [], kinds):
                if kind != NONE:
                    entity["kind"] = kind
                    kept.append(entity)
            doc._.kg_entities = kept

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        clusters = self.clusters.fingerprint if self.clusters is not None else None
        data = {"classes": self.model.classes, "weights": self.model.weights, "word_clusters": clusters}
        write_weights(path, WEIGHTS_FILE, data)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EntityClassifier:
        data = read_weights(path, WEIGHTS_FILE, "entity classifier")
        self.model = AveragedPerceptron(data["classes"], data["weights"])
        trained_on = data.get("word_clusters")
        if not trained_on:
            self.clusters = None
            return self
        if self.clusters is None:
            if self.vectors_dir is None:
                raise ValueError(f"the entity classifier at {path} was trained with word clusters: give vectors_dir")
            self.clusters = WordClusters.from_disk(self.vectors_dir)
        if self.clusters.fingerprint != trained_on:
            where = self.vectors_dir or "the clusters given"
            raise ValueError(
                f"the entity classifier at {path} was trained on word clusters {trained_on}, but {where} "
                f"holds {self.clusters.fingerprint} (run `make train` after `make train-vectors`)"
            )
        return self
