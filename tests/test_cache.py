"""The extraction cache's key: what invalidates an entry (pipeline files, versions, the paper's text)
and what must not (bytecode, the paper's sources)."""

from __future__ import annotations

from pathlib import Path

from kgbuild.cache import ExtractionCache, fingerprint_files, pipeline_fingerprint
from kgbuild.records import Entity, Paper, PaperExtraction, SourceRef


def _pipeline(root: Path) -> Path:
    nlp = root / "nlp"
    (nlp / "patterns").mkdir(parents=True)
    (nlp / "model" / "ner").mkdir(parents=True)
    (nlp / "__pycache__").mkdir()
    (nlp / "relations.py").write_text("CUES = ['outperforms']\n")
    (nlp / "patterns" / "models.jsonl").write_text('{"id": "gpt-3", "pattern": "GPT-3"}\n')
    (nlp / "model" / "ner" / "weights").write_bytes(b"\x00\x01")
    (root / "records.py").write_text("VERSION = 1\n")
    return nlp


def test_any_pipeline_file_or_version_changes_the_fingerprint(tmp_path: Path) -> None:
    nlp = _pipeline(tmp_path)
    records = tmp_path / "records.py"
    before = fingerprint_files("kgbuild 0.1.0", nlp, records)
    assert fingerprint_files("kgbuild 0.1.0", nlp, records) == before
    (nlp / "__pycache__" / "relations.cpython-311.pyc").write_bytes(b"bytecode")
    assert fingerprint_files("kgbuild 0.1.0", nlp, records) == before  # bytecode is not the pipeline
    assert fingerprint_files("kgbuild 0.2.0", nlp, records) != before
    for changed in (
        nlp / "relations.py",
        nlp / "patterns" / "models.jsonl",
        nlp / "model" / "ner" / "weights",
        records,
    ):
        original = changed.read_bytes()
        changed.write_bytes(original + b"\n")
        assert fingerprint_files("kgbuild 0.1.0", nlp, records) != before, changed
        changed.write_bytes(original)
    (nlp / "patterns" / "datasets.jsonl").write_text("")  # a new, even empty, pattern file
    assert fingerprint_files("kgbuild 0.1.0", nlp, records) != before
    assert len(pipeline_fingerprint()) == 64


def _extraction(paper: Paper) -> PaperExtraction:
    return PaperExtraction(paper, entities=[Entity("foonet", "FooNet", "MODEL")])


def test_entries_follow_the_text_and_the_pipeline_not_the_sources(tmp_path: Path) -> None:
    paper = Paper("p1", "FooNet", "We propose FooNet.", sources=[SourceRef("a.jsonl", 1)])
    with ExtractionCache(tmp_path, fingerprint="one") as cache:
        cache.put(
            paper,
            '{"entities": [{"entity_id": "foonet", "name": "FooNet", "kind": "MODEL"}], '
            '"paper": {}, "relations": [], "results": []}',
        )
    moved = Paper("p1", "FooNet", "We propose FooNet.", sources=[SourceRef("b.jsonl", 9)])
    with ExtractionCache(tmp_path, fingerprint="one") as cache:
        hit = cache.get(moved)
        assert hit is not None and hit[0] == _extraction(moved)  # re-attached to the paper as read now
        assert cache.get(Paper("p1", "FooNet", "We propose FooNet v2.")) is None  # other text: a miss
        assert (cache.hits, cache.misses) == (1, 1)
    with ExtractionCache(tmp_path, fingerprint="two") as cache:  # the pipeline changed
        assert cache.get(moved) is None
    with ExtractionCache(tmp_path, fingerprint="one") as cache:
        assert cache.get(moved) is None  # opening under "two" dropped "one"'s entries
