"""Hugging Face listing pages as text: the three layouts, cut from the real founding corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgbuild.ingest import iter_papers
from kgbuild.ingest.common import read_lines
from kgbuild.ingest.hf_text import detect_layout, is_chrome, strip_glued_chrome
from kgbuild.records import Problem

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read(path: Path) -> tuple[list, list[Problem]]:
    problems: list[Problem] = []
    return list(iter_papers(path, problems.append)), problems


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("listing_000_paragraphs.txt", "paragraphs"),
        ("listing_002_paragraphs.txt", "paragraphs"),
        ("listing_001_alternating.txt", "alternating"),
        ("listing_004_one_per_line.txt", "one-per-line"),
    ],
)
def test_layout_is_detected_from_the_content(name: str, layout: str) -> None:
    assert detect_layout(read_lines(FIXTURES / name, lambda p: None)) == layout


def test_chrome_lines_are_recognised() -> None:
    chrome = [
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "byAK and the research community",
        "by AK and the research community",
        "Daily Papers",
        "Mar 12",
        "Sep 7, 2022",
    ]
    assert all(is_chrome(line) for line in chrome)
    assert not any(is_chrome(t) for t in ["Language Models are Few-Shot Learners", "New Mar 12 results", "TimeGPT-1"])


def test_glued_chrome_is_stripped_from_the_front_only() -> None:
    assert strip_glued_chrome("SubscribeTransformer Language Models") == "Transformer Language Models"
    assert strip_glued_chrome("Subscribe") == "Subscribe"  # whole chrome lines are dropped elsewhere
    assert strip_glued_chrome("Transformers Subscribe") == "Transformers Subscribe"


def test_paragraph_layout_with_date_chrome() -> None:
    papers, problems = read(FIXTURES / "listing_000_paragraphs.txt")
    assert problems == []
    assert [p.title for p in papers] == [
        "ERNIE 3.0: Large-scale Knowledge Enhanced Pre-training for Language Understanding and Generation",
        "Language Models are Few-Shot Learners",
    ]
    assert [s.line for p in papers for s in p.sources] == [11, 15]
    assert papers[0].abstract.startswith("Pre-trained models have achieved state-of-the-art results")
    assert papers[1].abstract.endswith("of this finding and of GPT-3 in general.")
    assert all(p.author_count is None and p.upvotes is None for p in papers)


def test_paragraph_layout_with_daily_papers_chrome_and_double_blank_lines() -> None:
    papers, problems = read(FIXTURES / "listing_002_paragraphs.txt")
    assert problems == []
    assert [(p.title[:7], p.sources[0].line) for p in papers] == [("TinyViT", 11), ("ERNIE 3", 16)]


def test_alternating_layout_unglues_subscribe_from_the_first_title() -> None:
    papers, problems = read(FIXTURES / "listing_001_alternating.txt")
    assert problems == []
    assert (
        papers[0].title == "Transformer Language Models without Positional Encodings Still Learn Positional Information"
    )
    assert papers[0].abstract.startswith("Causal transformer language models (LMs), such as GPT-3")
    assert [p.sources[0].line for p in papers] == [3, 5, 7, 9, 11]
    assert papers[2].title.startswith("StreetSurfaceVis: a dataset of crowdsourced")  # lowercase after the colon
    assert not any("trending" in p.title.lower() or "subscribe" in p.title.lower() for p in papers)


def test_one_per_line_layout_keeps_upvotes_authors_and_date() -> None:
    papers, problems = read(FIXTURES / "listing_004_one_per_line.txt")
    assert [(p.title[:20], p.upvotes, p.author_count, p.published) for p in papers] == [
        ("On the Complementari", None, 6, "2022-09-07"),
        ("PILOT: A Pre-Trained", 2, 4, "2023-09-13"),
        ("Large-scale pretrain", None, 3, "2023-03-27"),
        ("Robot Learning with ", 13, 6, "2023-06-16"),
        ("Test-Time Training o", 7, 6, "2023-07-11"),
        ("Pre-Trained Models: ", None, 24, "2021-06-13"),
        ("Text-to-Text Pre-Tra", None, 2, "2020-05-20"),
    ]
    robot = papers[3]
    assert robot.title == "Robot Learning with Sensorimotor Pre-training"
    assert robot.abstract.startswith("We present a self-supervised sensorimotor pre-training approach")
    assert robot.abstract.endswith("has favorable scaling properties.")  # trailer removed
    # Only the sentence-case title is reported, with its file and line.
    assert [(p.path, p.line, p.severity) for p in problems] == [
        (str(FIXTURES / "listing_004_one_per_line.txt"), 3, "warning")
    ]
    assert "unsure where the title ends" in problems[0].message


def test_one_per_line_record_without_trailer_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    lines = [
        "- Test-Time Training on Video Streams Prior work has established test-time training. 6 authors · Jul 11, 2023",
        "- Robot Learning with Sensorimotor Pre-training We present a self-supervised approach. 6 authors · Jun 16, 2023",
        "5 Text-to-Text Pre-Training for Data-to-Text Tasks We study the pre-train + fine-tune strategy.",
        "Subscribe",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    papers, problems = read(path)
    assert [(p.title, p.upvotes, p.author_count) for p in papers][2] == (
        "Text-to-Text Pre-Training for Data-to-Text Tasks",
        5,
        None,
    )
    assert [(p.line, p.severity) for p in problems] == [(3, "warning")]


def test_paragraph_layout_resynchronises_on_a_missing_abstract(tmp_path: Path) -> None:
    abstract = "We study something at length. " * 20
    path = tmp_path / "page.txt"
    # a page that is a listing (mostly title/abstract pairs) with a damaged stretch in it
    good = "".join(f"Good Paper {n}\n\n{abstract}\n\n" for n in (1, 2))
    path.write_text(
        f"Subscribe\n\nA Title Without Abstract\n\nA Title With One\n\n{abstract}\n\n{abstract}\n\n{good}",
        encoding="utf-8",
    )
    papers, problems = read(path)
    assert [(p.title, bool(p.abstract)) for p in papers] == [
        ("A Title Without Abstract", False),
        ("A Title With One", True),
        ("Good Paper 1", True),
        ("Good Paper 2", True),
    ]
    assert [(p.line, p.severity) for p in problems] == [(3, "warning"), (9, "error")]


def test_non_utf8_byte_in_a_listing_is_replaced_and_the_paper_kept(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    original = (FIXTURES / "listing_000_paragraphs.txt").read_bytes()
    path.write_bytes(original.replace(b"Few-Shot Learners", b"Few-Shot Learn\xe9rs"))
    papers, problems = read(path)
    assert len(papers) == 2
    assert papers[1].title == "Language Models are Few-Shot Learn\ufffdrs"
    assert [(p.line, p.severity) for p in problems] == [(15, "warning")]
    assert "UTF-8" in problems[0].message


def test_html_entities_and_whitespace(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    abstract = "We compare A &amp; B  on  &lt;tasks&gt;. " * 15
    path.write_text(f"Title\twith   Spaces &amp; Entities\n\n{abstract}\n", encoding="utf-8")
    papers, problems = read(path)
    assert problems == []
    assert papers[0].title == "Title with Spaces &amp; Entities"
    assert "A &amp; B on &lt;tasks&gt;." in papers[0].abstract
    assert "  " not in papers[0].abstract


ABSTRACT = "We study how to answer questions about papers, and we report what we found at length. " * 4


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (  # labelled records: read as alternating lines they made papers titled "Authors: …"
            "labelled.txt",
            "".join(f"Title: Paper {n}\nAuthors: A. Author, B. Author\nAbstract: {ABSTRACT}\n\n" for n in range(6)),
        ),
        ("notes.md", "# Notes\n\nRun make.\n\n## Usage\n\nCall it.\n\nSee the docs.\n"),
        ("server.log", "".join(f"2025-01-0{n} 12:00:0{n} INFO worker {n} started\n" for n in range(1, 8))),
        ("prose.txt", "\n\n".join([ABSTRACT] * 5) + "\n"),
        ("tabbed.txt", "".join(f"Paper {n}\t{ABSTRACT}\n" for n in range(5))),
    ],
)
def test_text_in_no_known_layout_is_reported_and_makes_no_paper(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    papers, problems = read(path)
    assert papers == []
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.severity) == (str(path), "error")
    assert problem.line == 1 and "not a listing layout kgbuild reads" in problem.message


@pytest.mark.parametrize(
    "name", ["listing_000_paragraphs.txt", "listing_001_alternating.txt", "listing_002_paragraphs.txt"]
)
def test_known_layouts_are_still_read_whole(name: str) -> None:
    papers, problems = read(FIXTURES / name)
    assert papers and all(p.abstract for p in papers)
    assert not [p for p in problems if "not a listing layout" in p.message]


def test_a_long_listing_is_judged_on_its_first_lines_only(tmp_path: Path) -> None:
    """Abstracts wrapped over several lines: the sniffed head ends inside one, and the cut
    paragraph is not held against the file."""
    path = tmp_path / "wrapped.txt"
    wrapped = "\n".join([ABSTRACT[:90]] * 5)
    path.write_text(
        "Subscribe\n\n" + "".join(f"Wrapped Paper {n}\n\n{wrapped}\n\n" for n in range(7)), encoding="utf-8"
    )
    papers, problems = read(path)
    assert [p.title for p in papers] == [f"Wrapped Paper {n}" for n in range(7)] and problems == []
