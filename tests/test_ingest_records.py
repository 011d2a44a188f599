"""JSON lines, JSON lists and CSV records, and bad input of every kind."""

from __future__ import annotations

import gzip
import hashlib
import inspect
import json
from pathlib import Path

from kgbuild.ingest import iter_papers, load_papers
from kgbuild.ingest.ids import make_paper_id, parse_arxiv_id
from kgbuild.records import Paper, Problem, normalise_name

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read(path: Path) -> tuple[list[Paper], list[Problem]]:
    problems: list[Problem] = []
    return list(iter_papers(path, problems.append)), problems


def test_arxiv_listing_records_from_jsonl_gz() -> None:
    papers, problems = read(FIXTURES / "arxiv_listings_sample.jsonl.gz")
    assert problems == []
    assert [p.paper_id for p in papers] == ["arxiv-2503.11731", "arxiv-2503.11742", "arxiv-2503.11750"]
    safe = papers[1]
    assert safe.title == "Safe Vision-Language Models via Unsafe Weights Manipulation"
    assert safe.arxiv_id == "2503.11742"
    assert safe.abstract.startswith("Vision-language models (VLMs) often inherit the biases and unsafe associations")
    assert "\n" not in safe.abstract  # the summary's hard line breaks are collapsed
    assert safe.authors[0] == "Moreno D'Incà" and safe.author_count == 6
    assert safe.categories == ["cs.CV", "cs.AI"]
    assert safe.published == "2025-03-18"  # listing_date
    assert [s.line for p in papers for s in p.sources] == [1, 2, 3]


def test_mixed_jsonl_records() -> None:
    papers, problems = read(FIXTURES / "records_mixed.jsonl")
    assert problems == []
    attention, bert, gold, old = papers
    assert (attention.paper_id, attention.arxiv_id) == ("arxiv-1706.03762", "1706.03762")  # v7 dropped
    assert attention.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]  # from one string
    assert bert.paper_id == "arxiv-1810.04805"  # from an arxiv.org/abs URL
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers"  # whitespace collapsed
    assert bert.abstract.endswith("called BERT &amp; friends.")  # entities stay text
    assert bert.authors == ["Jacob Devlin", "Ming-Wei Chang"] and bert.published == "2018-10-11"
    # The evaluation gold format: a title and no abstract is a valid record.
    assert gold.title == "Diffusion Models Beat GANs on Image Classification" and gold.abstract == ""
    assert gold.paper_id == "t-" + hashlib.sha1(b"diffusionmodelsbeatgansonimageclassification").hexdigest()[:16]
    assert (old.arxiv_id, old.paper_id) == ("hep-th/9901001", "arxiv-hep-th_9901001")
    assert old.categories == ["hep-th", "gr-qc"] and old.upvotes == 4


def test_json_list_records_keep_their_line_numbers() -> None:
    papers, problems = read(FIXTURES / "records_list.json")
    assert problems == []
    assert [(p.title, p.sources[0].line) for p in papers] == [
        ("Attention Is All You Need", 2),
        ("Diffusion Models Beat GANs on Image Classification", 8),
    ]


def test_csv_with_case_insensitive_header_bom_and_multiline_field() -> None:
    papers, problems = read(FIXTURES / "papers.csv")
    assert [(p.title, p.sources[0].line) for p in papers] == [
        ("Language Models are Few-Shot Learners", 2),
        ("A multi-line, quoted abstract", 4),
        ("TinyViT: Fast Pretraining Distillation for Small Vision Transformers", 7),
    ]
    few_shot, multi, tiny = papers
    assert few_shot.abstract == "Recent work has demonstrated substantial gains, on many NLP tasks."  # Summary column
    assert few_shot.paper_id == "arxiv-2005.14165" and few_shot.authors == ["Tom B. Brown", "Benjamin Mann"]
    assert multi.abstract == "First line of the abstract second line of it."
    assert tiny.arxiv_id == "2207.10666"
    assert [(p.line, p.severity, p.message) for p in problems] == [(6, "error", "record has no title; skipped")]


def test_csv_without_title_column_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name,abstract\nfoo,bar\n", encoding="utf-8")
    papers, problems = read(path)
    assert papers == [] and [(p.line, p.severity) for p in problems] == [(1, "error")]


def test_malformed_lines_are_reported_with_their_line_and_the_rest_kept() -> None:
    papers, problems = read(FIXTURES / "bad_records.jsonl")
    assert [(p.title, p.sources[0].line) for p in papers] == [
        ("First good record", 1),
        ("Caf\ufffd latin-1 byte", 5),  # non-UTF-8 byte replaced, record kept
        ("Last good record", 7),
    ]
    assert [(p.line, p.severity) for p in problems] == [(3, "error"), (4, "error"), (5, "warning"), (6, "error")]
    assert "malformed JSON" in problems[0].message
    assert "no title" in problems[1].message
    assert "UTF-8" in problems[2].message
    assert all(p.path == str(FIXTURES / "bad_records.jsonl") for p in problems)


def test_empty_and_blank_files_are_warnings(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n\n", encoding="utf-8")
    for path, message in [(empty, "empty file"), (blank, "no papers found")]:
        papers, problems = read(path)
        assert papers == []
        assert [(p.path, p.line, p.severity, p.message) for p in problems] == [(str(path), None, "warning", message)]


def test_missing_file_is_an_error_and_the_load_goes_on(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    papers, problems = read(missing)
    assert papers == [] and [(p.path, p.severity, p.message) for p in problems] == [
        (str(missing), "error", "file not found")
    ]
    result = load_papers([missing, FIXTURES / "records_list.json"])
    assert len(result.papers) == 2
    assert result.files == [str(FIXTURES / "records_list.json")]
    assert [p.message for p in result.problems] == ["file not found"]


def _gzipped_records(n: int) -> bytes:
    lines = [
        json.dumps({"title": f"Paper number {i}", "abstract": "word " * 200, "id": f"2501.{i:05d}"}) for i in range(n)
    ]
    return gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)


def test_truncated_gzip_keeps_what_was_read_and_reports_the_damage(tmp_path: Path) -> None:
    data = _gzipped_records(400)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    papers, problems = read(path)
    assert 0 < len(papers) < 400
    assert [p.paper_id for p in papers[:2]] == ["arxiv-2501.00000", "arxiv-2501.00001"]
    assert len(problems) == 1 and problems[0].severity == "error" and "gzip" in problems[0].message
    assert problems[0].line == len(papers) + 1


def test_file_named_gz_that_is_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl.gz"
    path.write_text('{"title": "x"}\n', encoding="utf-8")
    papers, problems = read(path)
    assert papers == [] and problems[0].severity == "error" and "gzip" in problems[0].message


def test_iter_papers_streams(tmp_path: Path) -> None:
    # The first paper comes out before the reader reaches the damage at the end of the file.
    data = _gzipped_records(400)
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(data[:-20])
    problems: list[Problem] = []
    papers = iter_papers(path, problems.append)
    assert inspect.isgenerator(papers)
    assert next(papers).title == "Paper number 0"
    assert problems == []
    rest = list(papers)
    assert len(rest) < 399 and problems[-1].severity == "error"


def test_unknown_suffix_is_sniffed_from_content(tmp_path: Path) -> None:
    path = tmp_path / "records.dat"
    path.write_text('{"title": "Sniffed Record", "summary": "Found by content."}\n', encoding="utf-8")
    papers, problems = read(path)
    assert problems == [] and [p.title for p in papers] == ["Sniffed Record"]


def test_paper_ids() -> None:
    assert parse_arxiv_id("2503.11731v2") == "2503.11731"
    assert parse_arxiv_id("arXiv:2503.11731") == "2503.11731"
    assert parse_arxiv_id("https://arxiv.org/pdf/2207.10666v1.pdf") == "2207.10666"
    assert parse_arxiv_id("https://example.org/2207.10666") is None
    assert parse_arxiv_id("D00") is None and parse_arxiv_id(2503.11731) is None
    title = "Language Models are Few-Shot Learners"
    assert make_paper_id(title, None) == "t-" + hashlib.sha1(normalise_name(title).encode()).hexdigest()[:16]
    assert make_paper_id(title, None) == make_paper_id("language models are few shot learners", None)
    assert make_paper_id(title, "2005.14165") == "arxiv-2005.14165"
    # Titles with no ASCII letters or digits still get distinct ids.
    assert make_paper_id("深度学习", None) != make_paper_id("机器翻译", None)
