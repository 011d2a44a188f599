"""Interactive HTML: offline (nothing fetched), legend, escaping of untrusted text, node cap."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from fixtures.graph.papers import ODD_NAME, XSS_TITLE, many_papers, sample_extractions

from kgbuild.graph import assemble
from kgbuild.viz import PHYSICS_MAX_NODES, VizError, render_html, write_html
from kgbuild.viz.style import CATEGORY_LABELS

# Markup a tooltip may contain: only what kgbuild.viz.style writes itself, never attributes.
ALLOWED_TOOLTIP_TAGS = {"b", "br", "i"}


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return assemble(sample_extractions())


@pytest.fixture(scope="module")
def page(graph: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("viz") / "kg.html"
    summary = write_html(graph, out)
    assert summary.path == str(out)
    assert [p.name for p in out.parent.iterdir()] == ["kg.html"]  # atomic: no temp file left
    return out.read_text(encoding="utf-8")


def _data(page: str, name: str) -> list[dict]:
    match = re.search(rf"^  var {name} = (.*);$", page, re.M)
    assert match, name
    return json.loads(match.group(1))


def _options(page: str) -> dict:
    match = re.search(r"new vis\.Network\([^,]+, data, (.*)\);$", page, re.M)
    assert match
    return json.loads(match.group(1))


def _outside_scripts_and_styles(page: str) -> str:
    return re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", page, flags=re.S | re.I)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, attrs))


def test_nothing_is_loaded_from_anywhere(page: str) -> None:
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    for css in re.findall(r"<style\b[^>]*>(.*?)</style>", page, re.S | re.I):
        assert not re.search(r"@import", css, re.I)
        assert not re.search(r"url\(\s*(?![\"']?data:)", css, re.I)  # only inline data: images
    markup = _outside_scripts_and_styles(page)
    assert not re.search(r"\b(src|href)\s*=", markup, re.I)
    assert "bootstrap" not in page.lower() and "tom-select" not in page.lower()
    # the browser is told not to fetch anything either
    assert "default-src 'none'" in page
    # vis-network itself is inlined
    assert "vis-network" in page and "new vis.Network(" in page


def test_legend_lists_every_kind(page: str) -> None:
    legend = re.search(r'<ul class="kg-legend" id="kg-legend"[^>]*>(.*?)</ul>', page, re.S)
    assert legend
    for label in CATEGORY_LABELS.values():
        assert f"{label} (" in legend.group(1)
    assert "Paper (3)" in legend.group(1) and "Model (6)" in legend.group(1)


def test_embedded_data_matches_graph(page: str, graph: nx.MultiDiGraph) -> None:
    nodes = _data(page, "nodeData")
    edges = _data(page, "edgeData")
    assert {n["id"] for n in nodes} == set(graph.nodes)
    assert len(nodes) == 17
    # parallel occurrences of one relation are one drawn edge (p1 proposes FooNet twice)
    assert len(edges) == 20
    proposes = [e for e in edges if e["from"] == "paper:p1" and e["to"] == "entity:foonet"]
    assert len(proposes) == 1 and "×2" in proposes[0]["title"]
    assert "We propose FooNet, a model based on GPT-3." in proposes[0]["title"]
    colours = {n["group"] for n in nodes}
    assert {"paper", "model", "dataset", "benchmark", "metric", "method", "result"} <= colours
    degrees = {n["id"]: n["size"] for n in nodes}
    assert degrees["entity:foonet"] > degrees["entity:bert"]  # size follows degree
    assert _options(page)["physics"]["enabled"] is True


def test_xss_title_is_only_ever_text(page: str) -> None:
    assert XSS_TITLE not in page
    assert "onerror=alert(1)>" not in page
    nodes = _data(page, "nodeData")
    edges = _data(page, "edgeData")
    xss_node = next(n for n in nodes if n["id"] == "paper:p2")
    assert "&lt;img src=x onerror=alert(1)&gt;" in xss_node["title"]
    # labels are painted on the canvas as text, never parsed as HTML, so they stay verbatim
    assert xss_node["label"] == XSS_TITLE
    for item in nodes + edges:
        parser = _Tags()
        parser.feed(item.get("title", ""))
        for tag, attrs in parser.tags:
            assert tag in ALLOWED_TOOLTIP_TAGS and not attrs, (item.get("id"), tag, attrs)
    odd = next(n for n in nodes if n["label"] == ODD_NAME)
    assert "&quot;Q&lt;&gt;#%&quot; Net ü" in odd["title"]
    bold = next(n for n in nodes if n["id"] == "paper:2403.99999v2")
    assert "&lt;b&gt;bold&lt;/b&gt;" in bold["title"]


def test_no_cap_note_when_everything_fits(page: str) -> None:
    assert "kg-cap-note" not in page


def test_large_graph_is_capped_with_note_and_static_layout(tmp_path: Path) -> None:
    big = assemble(many_papers(300))  # 300 papers + 300 models + 1 benchmark
    summary = write_html(big, tmp_path / "big.html", max_nodes=200)
    page = (tmp_path / "big.html").read_text(encoding="utf-8")
    assert (summary.nodes_total, summary.nodes_shown, summary.nodes_omitted) == (601, 200, 401)
    assert summary.physics is False and 200 > PHYSICS_MAX_NODES
    note = re.search(r'<p class="kg-note" id="kg-cap-note">(.*?)</p>', page)
    assert note and note.group(1) == "Showing 200 of 601 nodes: 401 lower-degree nodes were left out (limit 200)."
    nodes = _data(page, "nodeData")
    assert len(nodes) == 200
    assert "entity:benchx" in {n["id"] for n in nodes}  # the hub survives
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)
    assert _options(page)["physics"]["enabled"] is False
    edges = _data(page, "edgeData")
    shown = {n["id"] for n in nodes}
    assert len(edges) == summary.edges_shown and all(e["from"] in shown and e["to"] in shown for e in edges)


def test_output_is_deterministic(graph: nx.MultiDiGraph) -> None:
    assert render_html(graph)[0] == render_html(assemble(reversed(sample_extractions())))[0]


def test_max_nodes_must_be_positive(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(VizError):
        write_html(graph, tmp_path / "x.html", max_nodes=0)
    assert not (tmp_path / "x.html").exists()


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_inline_scripts_are_valid_javascript(page: str, tmp_path: Path) -> None:
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2  # vis-network, then the page's own
    for i, body in enumerate(scripts):
        path = tmp_path / f"script{i}.js"
        path.write_text(body, encoding="utf-8")
        result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
