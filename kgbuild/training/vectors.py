"""Static word vectors for the learned components, trained on arXiv abstracts (``make train-vectors``).

floret (fastText with hashed n-gram rows, from PyPI) learns skip-gram vectors over the lowercased
words of every title and abstract of a listings file, tokenized as the pipeline tokenizes. Its
table has a fixed number of rows whatever the vocabulary, so the shipped file stays small, and any
string, an unseen model name included, gets a vector from its character n-grams. The vocabulary's
most frequent words are then grouped by k-means (cosine, seeded) into the clusters the entity
classifier's features use (``kgbuild.nlp.vectors``).

Training runs on one thread: fastText's threads race on shared rows, so only one thread gives the
same vectors from the same corpus every time.
"""

from __future__ import annotations

import gzip
import json
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy
import spacy
from spacy.tokenizer import Tokenizer
from spacy.training.initialize import convert_vectors

from kgbuild.nlp.pipeline import configure_tokenizer
from kgbuild.nlp.vectors import WordClusters

END_OF_LINE = "</s>"  # fastText's word for a line end, in its vocabulary


@dataclass(frozen=True)
class VectorSettings:
    dim: int = 64
    buckets: int = 50_000
    epochs: int = 5
    min_count: int = 3
    minn: int = 3
    maxn: int = 5
    hash_count: int = 2
    clusters: int = 256
    coarse_clusters: int = 32  # the clusters' own groups: a second, coarser word feature
    cluster_words: int = 40_000  # the most frequent words, the ones k-means groups
    kmeans_rounds: int = 25
    seed: int = 0  # k-means' start; floret's Python API takes no seed and always starts the same way


def listing_texts(listings: Path) -> Iterator[str]:
    """Title and abstract of every record of a listings JSONL file (gzip or plain)."""
    opener = gzip.open if listings.suffix == ".gz" else open
    with opener(listings, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line)
                yield f"{record['title']} . {record['summary']}"
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise ValueError(f"{listings}:{number}: not a listings record: {e}") from e


def write_token_corpus(listings: Path, out: Path) -> int:
    """One line of lowercased tokens per paper; returns the paper count."""
    nlp = spacy.blank("en")
    configure_tokenizer(nlp)
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):  # a blank pipeline's tokenizer is spaCy's own
        raise TypeError(f"expected spaCy's Tokenizer, got {type(tokenizer).__name__}")
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for doc in tokenizer.pipe(listing_texts(listings), batch_size=1000):
            handle.write(" ".join(token.lower_ for token in doc if not token.is_space) + "\n")
            count += 1
    return count


def kmeans(points: numpy.ndarray, k: int, rounds: int, seed: int) -> numpy.ndarray:
    """Spherical k-means: centroids of unit ``points`` by cosine, started from a seeded sample."""
    rng = numpy.random.default_rng(seed)
    centroids = points[rng.choice(len(points), size=k, replace=False)].copy()
    for _ in range(rounds):
        assigned = (points @ centroids.T).argmax(axis=1)
        for j in range(k):
            members = points[assigned == j]
            if len(members):
                mean = members.sum(axis=0)
                centroids[j] = mean / max(float(numpy.linalg.norm(mean)), 1e-8)
    return centroids


def train_vectors(listings: Path, out_dir: Path, settings: VectorSettings = VectorSettings()) -> dict:
    """Train floret vectors and their word clusters on ``listings``; save them to ``out_dir``."""
    import floret  # a training dependency only: the shipped vectors are read by spaCy

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kgbuild-vectors-") as scratch:
        corpus = Path(scratch) / "corpus.txt"
        papers = write_token_corpus(listings, corpus)
        model = floret.train_unsupervised(
            str(corpus),
            model="skipgram",
            mode="floret",
            hashCount=settings.hash_count,
            bucket=settings.buckets,
            minn=settings.minn,
            maxn=settings.maxn,
            dim=settings.dim,
            epoch=settings.epochs,
            minCount=settings.min_count,
            thread=1,
            verbose=0,
        )
        table = Path(scratch) / "vectors.floret"
        model.save_floret_vectors(str(table))
        clusters = cluster_words(table, list(model.words), settings)
    clusters.meta.update(papers=papers)  # no timing in the files: they are the same on every run
    clusters.to_disk(out_dir)
    return {**clusters.meta, "seconds": round(time.perf_counter() - started, 1)}


def cluster_words(table: Path, vocabulary: list[str], settings: VectorSettings) -> WordClusters:
    """The floret ``table`` as spaCy vectors, with k-means clusters of the vocabulary's most
    frequent words (``vocabulary`` in floret's order: most frequent first); every vocabulary word's
    cluster is stored as well, for a fast lookup."""
    nlp = spacy.blank("en")
    convert_vectors(nlp, table, truncate=0, prune=-1, mode="floret")
    vectors = nlp.vocab.vectors
    points = numpy.asarray(vectors.get_batch(vocabulary[: settings.cluster_words]), dtype="float32")
    points /= numpy.maximum(numpy.linalg.norm(points, axis=1, keepdims=True), 1e-8)
    centroids = kmeans(points, settings.clusters, settings.kmeans_rounds, settings.seed)
    coarse = coarse_groups(centroids, settings)
    meta = {"vocabulary": len(vocabulary), "settings": asdict(settings)}
    known = sorted(word for word in vocabulary if word != END_OF_LINE)  # sorted: the same file every run
    return WordClusters(vectors, centroids, coarse, meta, known_words=known)


def coarse_groups(centroids: numpy.ndarray, settings: VectorSettings) -> numpy.ndarray:
    """Each cluster's group among ``settings.coarse_clusters`` k-means groups of the centroids."""
    unit = centroids / numpy.maximum(numpy.linalg.norm(centroids, axis=1, keepdims=True), 1e-8)
    groups = kmeans(unit.astype("float32"), settings.coarse_clusters, settings.kmeans_rounds, settings.seed)
    return (unit @ groups.T).argmax(axis=1)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from kgbuild.nlp.pipeline import bundled_vectors_dir

    parser = argparse.ArgumentParser(prog="python -m kgbuild.training.vectors", description=__doc__)
    parser.add_argument("listings", type=Path, help="arXiv listings JSONL (gzip or plain): id, title, summary")
    parser.add_argument("--out", type=Path, default=None, help="default: the package's model/vectors directory")
    parser.add_argument("--epochs", type=int, default=VectorSettings.epochs)
    parser.add_argument("--seed", type=int, default=VectorSettings.seed)
    args = parser.parse_args(argv)
    if not args.listings.exists():
        parser.error(f"no listings file at {args.listings}")
    settings = VectorSettings(epochs=args.epochs, seed=args.seed)
    try:
        meta = train_vectors(args.listings, args.out or bundled_vectors_dir(), settings)
    except ValueError as e:
        parser.error(str(e))
    print(json.dumps({"vectors": meta}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
