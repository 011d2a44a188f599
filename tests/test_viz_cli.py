"""``kgbuild viz`` through click's runner: reads a build's extractions.jsonl, writes one page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.graph.papers import sample_extractions

from kgbuild.cli import main


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    """A build directory as ``kgbuild build`` leaves it, as far as ``viz`` reads it."""
    out = tmp_path / "out"
    out.mkdir()
    lines = [json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) for e in sample_extractions()]
    (out / "extractions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_focus_view_by_alias(build_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "gpt3.html"
    result = CliRunner().invoke(
        main, ["viz", str(build_dir), "--focus", "OA", "--hops", "1", "--papers", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "Focus: GPT-3 and what lies within 1 hop of it (5 of 17 nodes)." in result.output
    assert f"wrote {target}: 5 of 17 nodes" in result.output
    assert "kgbuild knowledge graph: GPT-3 (1 hop)" in target.read_text(encoding="utf-8")


def test_default_output_is_view_html_in_the_build(build_dir: Path) -> None:
    result = CliRunner().invoke(main, ["viz", str(build_dir), "--relation", "based_on", "--kind", "model"])
    assert result.exit_code == 0, result.output
    assert "Only these relations: based on." in result.output
    assert (build_dir / "view.html").is_file()
    assert not (build_dir / "graph.html").exists()  # the build's own page is never overwritten


def test_cap_note_is_printed(build_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["viz", str(build_dir / "extractions.jsonl"), "--max-nodes", "5", "--papers", "-o", str(tmp_path / "x.html")],
    )
    assert result.exit_code == 0, result.output
    assert "Showing 5 of 17 nodes: 12 lower-degree nodes were left out (limit 5)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--focus", "FooNte"], "no entity or paper is called 'FooNte'; did you mean 'FooNet'"),
        (["--kind", "gizmo"], "unknown kind 'gizmo'"),
        (["--relation", "cites"], "unknown relation 'cites'"),
    ],
)
def test_bad_arguments_are_reported(build_dir: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["viz", str(build_dir), *args])
    assert result.exit_code == 1 and message in result.output
    assert not (build_dir / "view.html").exists()


def test_missing_build_says_what_to_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["viz", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "run 'kgbuild build -o" in result.output and "nowhere" in result.output


def test_broken_record_names_its_line(build_dir: Path) -> None:
    with (build_dir / "extractions.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    result = CliRunner().invoke(main, ["viz", str(build_dir)])
    assert result.exit_code == 1 and "extractions.jsonl:4: not an extraction record" in result.output
