"""Word clusters from static vectors: lookup, storage, training and their use by the entity classifier."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy
import pytest
from spacy.strings import StringStore
from spacy.vectors import Vectors

from kgbuild.nlp.entity_classifier import EntityClassifier, entity_features
from kgbuild.nlp.perceptron import NONE, AveragedPerceptron
from kgbuild.nlp.pipeline import build_pipeline, bundled_vectors_dir
from kgbuild.nlp.vectors import WordClusters
from kgbuild.training.vectors import VectorSettings, coarse_groups, kmeans, train_vectors

PATTERNS = str(Path(__file__).parent / "fixtures" / "nlp" / "patterns")
MODEL_DIR = Path(__file__).parent.parent / "kgbuild" / "nlp" / "model"


def small_clusters(seed: int = 0) -> WordClusters:
    """Random floret vectors (97 hashed rows x 8 dims) and 6 random centroids in 2 coarse groups."""
    rng = numpy.random.default_rng(seed)
    table = rng.normal(size=(97, 8)).astype("float32")
    vectors = Vectors(strings=StringStore(), data=table, mode="floret", minn=2, maxn=3, hash_count=2)
    coarse = numpy.array([0, 0, 0, 1, 1, 1])
    return WordClusters(vectors, rng.normal(size=(6, 8)), coarse, known_words=["imagenet", "accuracy"])


def test_a_word_s_cluster_is_its_nearest_centroid_for_any_string(tmp_path):
    clusters = small_clusters()
    words = ["segmentation", "GPT-4o", "ImageNet", "never-seen-before-name", "segmentation"]
    one_by_one = [clusters.cluster(word) for word in words]
    vectors = numpy.asarray(clusters.vectors.get_batch([w.lower() for w in words]))
    nearest = (vectors / numpy.linalg.norm(vectors, axis=1, keepdims=True) @ clusters.centroids.T).argmax(axis=1)
    assert one_by_one == nearest.tolist()
    assert one_by_one[0] == one_by_one[-1]
    sentinel = (clusters.known["imagenet"] + 1) % 6  # the table answers, read case-blind
    clusters.known["imagenet"] = sentinel
    assert clusters.cluster("ImageNet") == sentinel
    clusters.known["imagenet"] = int(clusters.clusters_of(["imagenet"])[0])
    assert {clusters.coarse[c] for c in one_by_one} <= {0, 1}

    clusters.to_disk(tmp_path / "clusters")
    loaded = WordClusters.from_disk(tmp_path / "clusters")
    assert [loaded.cluster(word) for word in words] == one_by_one
    assert loaded.coarse == clusters.coarse and loaded.known == clusters.known
    fresh = WordClusters.from_disk(tmp_path / "clusters")
    fresh.warm(words)  # one batch fills the cache with what the lookup one by one gives
    assert "imagenet" not in fresh._seen  # the known table answers for it
    assert [fresh._seen[word.lower()] for word in words if word != "ImageNet"] == [
        c for word, c in zip(words, one_by_one) if word != "ImageNet"
    ]


def test_clusters_need_one_coarse_group_each_and_a_whole_directory(tmp_path):
    clusters = small_clusters()
    with pytest.raises(ValueError, match="6 clusters"):
        WordClusters(clusters.vectors, clusters.centroids, numpy.array([0, 1]))
    with pytest.raises(FileNotFoundError, match="make train-vectors"):
        WordClusters.from_disk(tmp_path / "missing")
    clusters.to_disk(tmp_path / "damaged")
    (tmp_path / "damaged" / "coarse.npy").write_bytes(b"not an array")
    with pytest.raises(ValueError, match="damaged word vectors"):
        WordClusters.from_disk(tmp_path / "damaged")


def test_kmeans_and_coarse_groups_separate_far_apart_points():
    rng = numpy.random.default_rng(1)
    near_x = numpy.array([1.0, 0.0, 0.0]) + rng.normal(scale=0.05, size=(20, 3))
    near_y = numpy.array([0.0, 1.0, 0.0]) + rng.normal(scale=0.05, size=(20, 3))
    points = numpy.vstack([near_x, near_y])
    points /= numpy.linalg.norm(points, axis=1, keepdims=True)
    centroids = kmeans(points.astype("float32"), 2, rounds=10, seed=0)
    assigned = (points @ centroids.T).argmax(axis=1)
    assert len(set(assigned[:20])) == 1 and len(set(assigned[20:])) == 1 and assigned[0] != assigned[20]
    groups = coarse_groups(numpy.vstack([near_x[:3], near_y[:3]]), VectorSettings(coarse_clusters=2))
    assert len(set(groups[:3])) == 1 and len(set(groups[3:])) == 1 and groups[0] != groups[3]


def test_vector_training_repeats_exactly(tmp_path):
    listings = tmp_path / "listings.jsonl.gz"
    rng = numpy.random.default_rng(2)
    vocabulary = ["model", "benchmark", "accuracy", "segmentation", "transformer", "we", "propose", "a", "the"]
    with gzip.open(listings, "wt", encoding="utf-8") as out:
        for number in range(300):
            words = " ".join(rng.choice(vocabulary, size=30))
            out.write(json.dumps({"id": str(number), "title": f"Paper {number}", "summary": words}) + "\n")
    settings = VectorSettings(dim=8, buckets=500, epochs=2, min_count=1, clusters=4, coarse_clusters=2)
    meta = train_vectors(listings, tmp_path / "a", settings)
    train_vectors(listings, tmp_path / "b", settings)
    assert meta["papers"] == 300 and meta["settings"]["clusters"] == 4
    files = sorted(path.relative_to(tmp_path / "a") for path in (tmp_path / "a").rglob("*") if path.is_file())
    assert len(files) >= 8  # vectors (4 files), centroids, coarse groups, known words and their clusters, meta
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    clusters = WordClusters.from_disk(tmp_path / "a")
    # every word of the lowercased token corpus (min_count 1), but fastText's line end
    assert set(clusters.known) == {*vocabulary, "paper", ".", *(str(n) for n in range(300))}
    assert 0 <= clusters.cluster("transformers") < 4


def test_cluster_features_describe_the_name_and_its_neighbours():
    nlp = build_pipeline(PATTERNS, use_ner=False, use_classifier=False)
    doc = nlp("FooNet: Fast Vision\n\nWe propose FooNet. FooNet outperforms ResNet-50 on ImageNet-1k.")
    entity = next(e for e in doc._.kg_entities if e["name"] == "FooNet")
    clusters = small_clusters()
    plain = set(entity_features(doc, entity))
    with_clusters = set(entity_features(doc, entity, clusters)) - plain
    head = clusters.cluster("FooNet")
    assert {f"word~{head}", f"head~{head}", f"head~~{clusters.coarse[head]}"} <= with_clusters
    after = clusters.cluster("outperforms")  # the word after the third mention
    assert f"c+1~{after}" in with_clusters
    assert not {f for f in plain if "~" in f}


def test_a_classifier_trained_with_clusters_loads_them_again(tmp_path):
    clusters = small_clusters()
    clusters.to_disk(tmp_path / "vectors")
    classifier = EntityClassifier("c", clusters=clusters)
    classifier.model = AveragedPerceptron([NONE, "MODEL"], {"bias": {"MODEL": 1.0}})
    classifier.to_disk(tmp_path / "model")
    weights = json.loads((tmp_path / "model" / "entity_classifier.json").read_text())
    assert weights["word_clusters"] == clusters.fingerprint
    loaded = EntityClassifier("c", tmp_path / "model", vectors_dir=tmp_path / "vectors")
    assert loaded.clusters is not None and loaded.clusters.coarse == clusters.coarse
    # clusters trained again, numbered another way: the classifier refuses them
    small_clusters(seed=1).to_disk(tmp_path / "other")
    with pytest.raises(ValueError, match="make train"):
        EntityClassifier("c", tmp_path / "model", vectors_dir=tmp_path / "other")
    with pytest.raises(ValueError, match="vectors_dir"):
        EntityClassifier("c", tmp_path / "model")
    with pytest.raises(FileNotFoundError, match="make train-vectors"):
        EntityClassifier("c", tmp_path / "model", vectors_dir=tmp_path / "nowhere")
    EntityClassifier("c", clusters=None).to_disk(tmp_path / "plain")
    assert EntityClassifier("c", tmp_path / "plain", vectors_dir=tmp_path / "nowhere").clusters is None


def test_the_shipped_classifier_reads_the_shipped_clusters():
    weights = json.loads((MODEL_DIR / "entity_classifier" / "entity_classifier.json").read_text())
    clusters = WordClusters.from_disk(bundled_vectors_dir())
    assert weights["word_clusters"] == clusters.fingerprint
    assert len(clusters.centroids) == clusters.meta["settings"]["clusters"]
    assert len(clusters.known) > 50_000
    sample = list(clusters.known)[::500]  # the stored table says what the vectors say
    assert clusters.clusters_of(sample).tolist() == [clusters.known[word] for word in sample]
    assert any("~" in feature for feature in weights["weights"])


def test_the_shipped_model_files_stay_within_sixty_megabytes():
    total = sum(path.stat().st_size for path in MODEL_DIR.rglob("*") if path.is_file())
    assert total <= 60 * 1024 * 1024, f"{total / 1024 / 1024:.1f} MB of model files"
