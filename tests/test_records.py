"""Record serialisation: the spelled-out ``to_dict`` methods say exactly what ``asdict`` would."""

from __future__ import annotations

from dataclasses import asdict, fields

from kgbuild.records import Entity, Evidence, Paper, PaperExtraction, Relation, Result, SourceRef


def _extraction() -> PaperExtraction:
    paper = Paper(
        "arxiv-1",
        "T: a title",
        "An abstract.",
        sources=[SourceRef("a.jsonl", 3)],
        arxiv_id="1",
        authors=["A", "B"],
        author_count=2,
        published="2025-01-02",
        upvotes=4,
        categories=["cs.CL"],
    )
    evidence = Evidence("arxiv-1", "abstract", "An abstract.", 0, 3, 11, "kgbuild_scores", "score", 0.5)
    entity = Entity("t", "T", "MODEL", aliases=["T1"], evidence=[evidence], params=["7B"], variant_of="base")
    return PaperExtraction(
        paper,
        [entity],
        [Relation("proposes", "paper", "t", evidence)],
        [Result("t", "b", None, "1%", 1.0, "absolute", evidence)],
    )


def test_to_dict_matches_asdict_for_every_record() -> None:
    extraction = _extraction()
    records = [
        extraction.paper,
        *extraction.entities,
        *extraction.relations,
        *extraction.results,
        extraction.entities[0].evidence[0],
    ]
    for record in records:
        # every field set to a non-default value above, so a field added later must be serialised
        assert set(record.to_dict()) == {f.name for f in fields(record)}, type(record).__name__
        assert record.to_dict() == asdict(record), type(record).__name__
    data = extraction.to_dict()
    assert PaperExtraction.from_dict(data).to_dict() == data


def test_to_dict_copies_lists() -> None:
    paper = _extraction().paper
    data = paper.to_dict()
    data["authors"].append("C")
    assert paper.authors == ["A", "B"]
