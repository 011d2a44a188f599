"""Word clusters from static vectors trained on arXiv abstracts: what a word is like, for any word.

The learned components see words as sparse string features, so a word absent from the annotated
training papers says nothing to them. Static vectors trained on tens of thousands of abstracts
(floret, ``kgbuild.training.vectors``) know many more words, and, being built from character
n-grams, give a vector to every string, a new model name included. The components use a word's
nearest cluster centroid as one more string feature (in the shipped clusters "precision",
"recall" and "F1" share one, "BLEU" and "ROUGE-L" another, "Llama-3" and "Qwen2.5" a third),
which keeps them linear and their files small.

The vectors are stored as spaCy ``Vectors`` in floret mode (a hashed table of n-gram rows: its size
is fixed whatever the vocabulary), beside the centroids. The clusters of the training corpus's
words are stored too: a word's n-gram vector costs tens of microseconds, a table lookup almost
nothing, and the table holds all but the rarest words of new abstracts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import numpy
from spacy.strings import StringStore
from spacy.vectors import Vectors

VECTORS_DIR = "vectors"
CENTROIDS_FILE = "centroids.npy"
COARSE_FILE = "coarse.npy"
KNOWN_WORDS_FILE = "known_words.txt"
KNOWN_CLUSTERS_FILE = "known_clusters.npy"
META_FILE = "meta.json"
MAX_CACHED = 1 << 18  # words; the cache starts again when full (75k abstracts hold ~400k distinct words)


class WordClusters:
    """``cluster(word)``: the index of the centroid nearest the word's vector (cosine);
    ``coarse[cluster]``: the coarser group of that cluster (clusters grouped by their centroids)."""

    def __init__(
        self,
        vectors: Vectors,
        centroids: numpy.ndarray,
        coarse: numpy.ndarray,
        meta: dict | None = None,
        known_words: list[str] | None = None,
    ) -> None:
        self.vectors = vectors
        norms = numpy.linalg.norm(centroids, axis=1, keepdims=True)
        self.centroids = (centroids / numpy.maximum(norms, 1e-8)).astype("float32")
        if coarse.shape != (len(centroids),):
            raise ValueError(f"{len(centroids)} clusters but {coarse.shape} coarse groups")
        self.coarse: list[int] = [int(group) for group in coarse]
        self.meta = meta or {}
        words = known_words or []
        self.known: dict[str, int] = dict(zip(words, self.clusters_of(words).tolist()))
        self._seen: dict[str, int] = {}

    @cached_property
    def fingerprint(self) -> str:
        """Names these clusters: the coarse groups and every known word's cluster. A model trained
        on word clusters records it, so that it never reads clusters numbered another way."""
        digest = hashlib.sha256(json.dumps(self.coarse).encode())
        for word, found in self.known.items():
            digest.update(f"{word}\t{found}\n".encode())
        return digest.hexdigest()[:16]

    def cluster(self, word: str) -> int:
        """The cluster of ``word`` (case-blind: the vectors were trained on lowercased text)."""
        lowered = word.lower()
        found = self.known.get(lowered)
        if found is None:
            found = self._seen.get(lowered)
            if found is None:
                self._look_up([lowered])
                found = self._seen[lowered]
        return found

    def clusters_of(self, words: list[str]) -> numpy.ndarray:
        """The clusters of many words at once (one batched n-gram lookup and product)."""
        if not words:
            return numpy.zeros(0, dtype="int64")
        batch = numpy.asarray(self.vectors.get_batch([w.lower() or " " for w in words]), dtype="float32")
        return (batch @ self.centroids.T).argmax(axis=1)

    def warm(self, words: Iterable[str]) -> None:
        """Look up the words outside the known table in one batch (a Doc's words, before its
        features are made), so that ``cluster`` finds them all."""
        self.warm_lowercase({w.lower() for w in words})

    def warm_lowercase(self, words: set[str]) -> None:
        """``warm`` for words already lowercased: two set differences, no loop over the words."""
        self._look_up(list(words.difference(self.known).difference(self._seen)))

    def _look_up(self, new: list[str]) -> None:
        """Cache the clusters of ``new`` (lowercased words in neither table), starting the cache
        again when it would grow past ``MAX_CACHED``."""
        if new:
            if len(self._seen) + len(new) > MAX_CACHED:
                self._seen.clear()
            self._seen.update(zip(new, self.clusters_of(new).tolist()))

    def to_disk(self, path: str | Path) -> None:
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        self.vectors.to_disk(directory / VECTORS_DIR)
        numpy.save(directory / CENTROIDS_FILE, self.centroids)
        numpy.save(directory / COARSE_FILE, numpy.asarray(self.coarse, dtype="int32"))
        (directory / KNOWN_WORDS_FILE).write_text("".join(f"{word}\n" for word in self.known), encoding="utf-8")
        numpy.save(directory / KNOWN_CLUSTERS_FILE, numpy.asarray(list(self.known.values()), dtype="int16"))
        (directory / META_FILE).write_text(json.dumps(self.meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | Path) -> WordClusters:
        directory = Path(path)
        needed = [VECTORS_DIR, CENTROIDS_FILE, COARSE_FILE, META_FILE, KNOWN_WORDS_FILE, KNOWN_CLUSTERS_FILE]
        missing = [name for name in needed if not (directory / name).exists()]
        if missing:
            raise FileNotFoundError(
                f"no word vectors at {directory}: no {', '.join(missing)} (run `make train-vectors`)"
            )
        try:
            vectors = Vectors(strings=StringStore()).from_disk(directory / VECTORS_DIR)
            centroids = numpy.load(directory / CENTROIDS_FILE)
            coarse = numpy.load(directory / COARSE_FILE)
            meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
            known_words = (directory / KNOWN_WORDS_FILE).read_text(encoding="utf-8").split("\n")[:-1]
            known_clusters = numpy.load(directory / KNOWN_CLUSTERS_FILE)
        except OSError as e:
            raise FileNotFoundError(f"no word vectors at {directory} (run `make train-vectors`): {e}") from e
        except ValueError as e:
            raise ValueError(f"damaged word vectors at {directory} (run `make train-vectors`): {e}") from e
        if len(known_words) != len(known_clusters):
            raise ValueError(f"{directory}: {len(known_words)} known words but {len(known_clusters)} clusters")
        if vectors.shape[1] != centroids.shape[1]:
            raise ValueError(
                f"{directory}: {vectors.shape[1]}-dimensional vectors but {centroids.shape[1]}-dimensional centroids"
            )
        clusters = cls(vectors, centroids, coarse, meta)
        clusters.known = dict(zip(known_words, known_clusters.tolist()))
        return clusters
