"""``load_papers``: directories, dedup across files, ordering, and the bundled founding corpus."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import shared_dir

from kgbuild.ingest import IngestResult, bundled_corpus_paths, load_papers
from kgbuild.records import Paper, normalise_name

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
LISTINGS = [
    FIXTURES / "listing_000_paragraphs.txt",
    FIXTURES / "listing_001_alternating.txt",
    FIXTURES / "listing_002_paragraphs.txt",
    FIXTURES / "listing_004_one_per_line.txt",
]

# Measured on the bundled corpus (kgbuild/data/corpus, 505 records): a regression guard.
CORPUS_UNIQUE_PAPERS = 441
CORPUS_DUPLICATES = 64


def by_title(result: IngestResult) -> dict[str, Paper]:
    return {p.title: p for p in result.papers}


def test_duplicates_across_files_become_one_paper_with_all_sources() -> None:
    result = load_papers(LISTINGS)
    assert result.files == [str(p) for p in LISTINGS]
    assert len(result.papers) == 13 and result.duplicates == 3
    papers = by_title(result)
    ernie = papers["ERNIE 3.0: Large-scale Knowledge Enhanced Pre-training for Language Understanding and Generation"]
    assert [(s.path, s.line) for s in ernie.sources] == [(str(LISTINGS[0]), 11), (str(LISTINGS[2]), 16)]
    few_shot = papers["Language Models are Few-Shot Learners"]
    assert [(s.path, s.line) for s in few_shot.sources] == [(str(LISTINGS[0]), 15), (str(LISTINGS[1]), 9)]
    # The layout-004 copy adds its metadata to the layout-001 copy.
    ptm = papers["Pre-Trained Models: Past, Present and Future"]
    assert [s.line for s in ptm.sources] == [11, 6] and ptm.author_count == 24
    assert len({p.paper_id for p in result.papers}) == len(result.papers)


def test_order_and_merge_do_not_depend_on_which_file_is_read_first() -> None:
    forward = load_papers(LISTINGS)
    backward = load_papers(list(reversed(LISTINGS)))
    assert sorted(p.paper_id for p in forward.papers) == sorted(p.paper_id for p in backward.papers)
    assert backward.papers[0].title.startswith("On the Complementarity between Pre-Training")  # 004 first
    ptm = by_title(backward)["Pre-Trained Models: Past, Present and Future"]
    assert [s.path for s in ptm.sources] == [str(LISTINGS[3]), str(LISTINGS[1])]


def test_known_titles_from_other_files_guide_the_split_and_the_exact_abstract_wins(tmp_path: Path) -> None:
    # The glued line alone would be split after "Stable"; the JSONL title settles it, and its
    # abstract (from separate fields) is preferred to the one cut from the glued line.
    title = "Model Dementia: Generated Data Makes Models Forget"
    line_file = tmp_path / "a_page.txt"
    line_file.write_text(
        f"- {title} Stable Diffusion revolutionised image creation. 5 authors · May 27, 2023\n", encoding="utf-8"
    )
    records = tmp_path / "b_records.jsonl"
    exact = "Stable Diffusion revolutionised image creation from descriptive text."
    records.write_text(json.dumps({"title": title, "abstract": exact}) + "\n", encoding="utf-8")
    result = load_papers([line_file, records])
    assert result.problems == []
    assert len(result.papers) == 1 and result.duplicates == 1
    paper = result.papers[0]
    assert (paper.title, paper.abstract, paper.author_count, paper.published) == (title, exact, 5, "2023-05-27")
    assert [s.path for s in paper.sources] == [str(line_file), str(records)]


def test_arxiv_id_from_any_copy_names_the_merged_paper() -> None:
    result = load_papers([FIXTURES / "listing_000_paragraphs.txt", FIXTURES / "papers.csv"])
    few_shot = by_title(result)["Language Models are Few-Shot Learners"]
    assert few_shot.paper_id == "arxiv-2005.14165" and few_shot.arxiv_id == "2005.14165"
    assert few_shot.abstract.startswith(
        "Recent work has demonstrated substantial gains on many NLP tasks and benchmarks"
    )


def test_directory_is_expanded_in_name_order() -> None:
    result = load_papers([FIXTURES])
    names = [Path(f).name for f in result.files]
    assert names == [
        "arxiv_listings_sample.jsonl.gz",
        "bad_records.jsonl",
        "listing_000_paragraphs.txt",
        "listing_001_alternating.txt",
        "listing_002_paragraphs.txt",
        "listing_004_one_per_line.txt",
        "papers.csv",
        "records_list.json",
        "records_mixed.jsonl",
    ]
    assert len(result.papers) == 24 and result.duplicates == 7
    assert [(Path(p.path).name, p.line) for p in result.errors] == [
        ("bad_records.jsonl", 3),
        ("bad_records.jsonl", 4),
        ("bad_records.jsonl", 6),
        ("papers.csv", 6),
    ]


def test_empty_path_list_loads_nothing_and_empty_directory_warns(tmp_path: Path) -> None:
    assert load_papers([]) == IngestResult()
    result = load_papers([tmp_path])
    assert result.papers == [] and [p.severity for p in result.problems] == ["warning"]


def test_bundled_corpus_paths() -> None:
    paths = bundled_corpus_paths()
    assert [p.name[:3] for p in paths] == ["000", "001", "002", "003", "004"]
    assert all(p.is_file() and p.suffix == ".txt" for p in paths)


def test_bundled_corpus_loads_to_the_measured_count_without_errors() -> None:
    result = load_papers()
    assert len(result.papers) == CORPUS_UNIQUE_PAPERS
    assert result.duplicates == CORPUS_DUPLICATES
    assert result.errors == []
    assert len(result.files) == 5
    # The only warnings: three glued titles in 004 whose end the splitter cannot be sure of.
    assert [(Path(p.path).name[:3], p.line) for p in result.warnings] == [("004", 12), ("004", 13), ("004", 16)]
    titles = [p.title for p in result.papers]
    assert len({normalise_name(t) for t in titles}) == CORPUS_UNIQUE_PAPERS
    chrome = ("subscribe", "trending papers", "research community", "daily papers")
    assert not any(word in t.lower() for t in titles for word in chrome)
    assert min(len(p.abstract) for p in result.papers) > 400  # every paper kept its abstract
    assert max(len(t) for t in titles) < 200  # no title swallowed an abstract


def test_bundled_corpus_covers_every_dev_gold_title() -> None:
    gold = shared_dir() / "eval" / "dev.jsonl"
    keys = {normalise_name(p.title) for p in load_papers().papers}
    titles = [json.loads(line)["title"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(titles) == 50 and all(normalise_name(t) in keys for t in titles)


def test_records_merge_on_arxiv_id_and_homonyms_with_other_ids_stay_apart(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    records = [
        {"title": "Attention Is All You Need", "abstract": "v1 text.", "id": "1706.03762v1"},
        {"title": "Attention is all you need (revised)", "abstract": "v5 text.", "id": "1706.03762v5"},
        {"title": "ATTENTION IS ALL YOU NEED", "abstract": "Other id.", "id": "9999.99999"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = load_papers([path])
    assert result.duplicates == 1
    assert [(p.paper_id, p.abstract, [s.line for s in p.sources]) for p in result.papers] == [
        ("arxiv-1706.03762", "v1 text.", [1, 2]),
        ("arxiv-9999.99999", "Other id.", [3]),
    ]
    assert [(p.line, p.severity) for p in result.problems] == [(3, "warning")]
    assert "kept as separate papers" in result.problems[0].message
