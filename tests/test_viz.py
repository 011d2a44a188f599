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
from kgbuild.viz import PHYSICS_MAX_NODES, ViewSpec, VizError, inline, render_html, render_view, write_html
from kgbuild.viz.style import CATEGORY_LABELS, CATEGORY_SHAPES, RELATION_COLOURS

# Markup a tooltip may contain: only what kgbuild.viz.style writes itself, never attributes.
ALLOWED_TOOLTIP_TAGS = {"b", "br", "i"}


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return assemble(sample_extractions())


@pytest.fixture(scope="module")
def page(graph: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("viz") / "kg.html"
    summary = write_html(graph, out, papers=True)
    assert summary.path == str(out)
    assert [p.name for p in out.parent.iterdir()] == ["kg.html"]  # atomic: no temp file left
    return out.read_text(encoding="utf-8")


def page_data(page: str, name: str) -> object:
    """One member of the page's ``window.kgData`` (each sits on its own line as JSON)."""
    match = re.search(rf"^  {name}: (.*?),?$", page, re.M)
    assert match, name
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


def test_legend_lists_every_kind_with_its_shape_and_a_filter(page: str) -> None:
    legend = re.search(r'<fieldset class="kg-filter" id="kg-kinds">(.*?)</fieldset>', page, re.S)
    assert legend
    for label in CATEGORY_LABELS.values():
        assert f'{label} <span class="kg-count">(' in legend.group(1)
    assert 'data-kind="paper" checked' in legend.group(1)
    assert 'Paper <span class="kg-count">(3)' in legend.group(1) and 'Model <span class="kg-count">(6)' in legend.group(
        1
    )
    assert legend.group(1).count("<svg") == len(CATEGORY_LABELS)  # a drawn swatch per kind, no image fetched
    relations = re.search(r'<fieldset class="kg-filter" id="kg-relations">(.*?)</fieldset>', page, re.S)
    assert relations and 'data-relation="based_on" checked' in relations.group(1)
    assert f"background: {RELATION_COLOURS['based_on']}" in relations.group(1)


def test_embedded_data_matches_graph(page: str, graph: nx.MultiDiGraph) -> None:
    nodes = page_data(page, "nodes")
    edges = page_data(page, "edges")
    assert {n["id"] for n in nodes} == set(graph.nodes)
    assert len(nodes) == 17
    # parallel occurrences of one relation are one drawn edge (p1 proposes FooNet twice)
    assert len(edges) == 20
    assert len({e["id"] for e in edges}) == 20
    proposes = [e for e in edges if e["from"] == "paper:p1" and e["to"] == "entity:foonet"]
    assert len(proposes) == 1 and "×2" in proposes[0]["title"]
    assert "We propose FooNet, a model based on GPT-3." in proposes[0]["title"]
    # the relation is named on the edge (small view) and in its hover text, and coloured
    assert proposes[0]["label"] == "proposes" and proposes[0]["title"].startswith("<b>proposes</b>")
    assert proposes[0]["color"]["color"] == RELATION_COLOURS["proposes"]
    assert proposes[0]["kgRelation"] == "proposes" and proposes[0]["kgPapers"] == ["p1"]
    groups = {n["group"] for n in nodes}
    assert {"paper", "model", "dataset", "benchmark", "metric", "method", "result"} <= groups
    assert all(n["shape"] == CATEGORY_SHAPES[n["group"]] for n in nodes)
    sizes = {n["id"]: n["size"] for n in nodes}
    assert sizes["entity:foonet"] > sizes["entity:bert"]  # size follows degree
    assert page_data(page, "options")["physics"]["enabled"] is True
    assert page_data(page, "physics") is True


def test_hover_text_names_papers_and_evidence(page: str) -> None:
    nodes = {n["id"]: n for n in page_data(page, "nodes")}
    gpt3 = nodes["entity:gpt-3"]["title"]
    # the papers it appears in, by title, and a sentence that uses it
    assert "FooNet: GPT-3 beats BERT on SuperGLUE" in gpt3
    # a sentence stating a fact about it (compares_with), not the title that merely mentions it
    assert "“中文模型 is evaluated on ImageNet and compared with GPT 3.”" in gpt3
    assert "also: GPT 3, GPT3, OA, OpenAI GPT3" in gpt3
    edges = page_data(page, "edges")
    compared = next(e for e in edges if e["from"] == "paper:p2" and e["to"] == "entity:gpt-3")
    assert "&lt;img src=x onerror=alert(1)&gt;" in compared["title"]  # the paper, by (escaped) title


def test_click_through_data(page: str) -> None:
    nodes = {n["id"]: n for n in page_data(page, "nodes")}
    assert nodes["paper:p1"]["kgUrl"] == "https://arxiv.org/abs/2401.00001"
    assert nodes["paper:p2"]["kgUrl"] is None  # no arXiv id, no link
    assert nodes["entity:gpt-3"]["kgPapers"] == ["2403.99999v2", "p1", "p2"]
    papers = page_data(page, "papers")
    assert papers["p1"] == {"title": "FooNet: GPT-3 beats BERT on SuperGLUE", "url": "https://arxiv.org/abs/2401.00001"}
    assert papers["p2"]["url"] is None
    # search names: label, every alias, and a paper's arXiv id
    assert nodes["entity:gpt-3"]["kgNames"] == ["GPT-3", "GPT 3", "GPT3", "OA", "OpenAI GPT3"]
    assert "2403.99999v2" in nodes["paper:2403.99999v2"]["kgNames"]


def test_xss_title_is_only_ever_text(page: str) -> None:
    assert XSS_TITLE not in page
    assert "onerror=alert(1)>" not in page
    nodes = page_data(page, "nodes")
    edges = page_data(page, "edges")
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
    summary = write_html(big, tmp_path / "big.html", max_nodes=200, papers=True)
    page = (tmp_path / "big.html").read_text(encoding="utf-8")
    assert (summary.nodes_total, summary.nodes_shown, summary.nodes_omitted) == (601, 200, 401)
    assert summary.physics is False and 200 > PHYSICS_MAX_NODES
    note = re.search(r'<p class="kg-note" id="kg-cap-note">(.*?)</p>', page)
    assert note
    assert note.group(1).startswith(
        "Showing 200 of 601 nodes: 401 lower-degree nodes were left out (limit 200): 300 papers, 101 models. "
        "To see them: kgbuild viz --max-nodes 601 --papers, or a smaller view with --focus NAME --hops 2"
    )
    nodes = page_data(page, "nodes")
    assert len(nodes) == 200
    assert "entity:benchx" in {n["id"] for n in nodes}  # the hub survives
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)
    options = page_data(page, "options")
    assert options["physics"]["enabled"] is False and options["layout"]["improvedLayout"] is False
    edges = page_data(page, "edges")
    shown = {n["id"] for n in nodes}
    assert len(edges) == summary.edges_shown and all(e["from"] in shown and e["to"] in shown for e in edges)
    assert all("label" not in e for e in edges)  # too many edges to name each: hover only
    # what was left out can still be found: the search index names it
    omitted = page_data(page, "omitted")
    assert len(omitted) == 401 and ["Model299", "model", ["Model299"]] in omitted


def test_focus_view_is_the_ego_graph(graph: nx.MultiDiGraph) -> None:
    page, numbers = render_view(graph, ViewSpec(focus="OA", hops=1, papers=True))  # an alias of GPT-3
    ids = {n["id"] for n in page_data(page, "nodes")}
    assert numbers["focus"] == ["entity:gpt-3"]
    assert ids == {"entity:gpt-3", "entity:foonet", "entity:中文模型", "paper:p2", "paper:2403.99999v2"}
    assert "kgbuild knowledge graph: GPT-3 (1 hop)" in page
    assert "Focus: GPT-3 and what lies within 1 hop of it (5 of 17 nodes)." in page
    focus = next(n for n in page_data(page, "nodes") if n["id"] == "entity:gpt-3")
    assert focus["borderWidth"] > 1
    two = render_view(graph, ViewSpec(focus="gpt 3", hops=2, papers=True))[1]
    assert two["nodes_shown"] > numbers["nodes_shown"]


def test_focus_resolves_labels_before_aliases(graph: nx.MultiDiGraph) -> None:
    # "ImageNet" is the label of one node and an alias of two others: the label wins
    assert render_view(graph, ViewSpec(focus="ImageNet", hops=0))[1]["focus"] == ["entity:imagenet"]
    # a paper by its arXiv id
    assert render_view(graph, ViewSpec(focus="2401.00001", hops=0))[1]["focus"] == ["paper:p1"]
    with pytest.raises(VizError, match=r"no entity or paper is called 'FooNte'; did you mean 'FooNet'"):
        render_view(graph, ViewSpec(focus="FooNte"))


def test_kind_and_relation_filters(graph: nx.MultiDiGraph) -> None:
    page, numbers = render_view(graph, ViewSpec(kinds=("MODEL",)))
    assert {n["group"] for n in page_data(page, "nodes")} == {"model"} and numbers["nodes_shown"] == 6
    page, _ = render_view(graph, ViewSpec(relations=("based_on",)))
    assert {n["id"] for n in page_data(page, "nodes")} == {"entity:barnet", "entity:foonet", "entity:gpt-3"}
    assert {e["kgRelation"] for e in page_data(page, "edges")} == {"based_on"}
    # kinds filter what is shown, not what hops walk through: datasets two hops from GPT-3 via papers/models
    page, _ = render_view(graph, ViewSpec(focus="GPT-3", hops=2, kinds=("dataset",)))
    assert {n["id"] for n in page_data(page, "nodes")} == {"entity:gpt-3", "entity:imagenet"}
    with pytest.raises(VizError, match="unknown relation 'cites'"):
        render_view(graph, ViewSpec(relations=("cites",)))
    with pytest.raises(VizError, match="unknown kind 'gizmo'"):
        render_view(graph, ViewSpec(kinds=("gizmo",)))


def test_inline_view_escapes_the_whole_page(graph: nx.MultiDiGraph) -> None:
    html = inline(graph, ViewSpec(focus="GPT-3", hops=1))._repr_html_()
    assert html.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts allow-popups"' in html
    assert html.count("<") == 2 and html.count(">") == 2  # only the iframe element itself is markup


def test_output_is_deterministic(graph: nx.MultiDiGraph) -> None:
    assert render_html(graph)[0] == render_html(assemble(reversed(sample_extractions())))[0]


def test_max_nodes_must_be_positive(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    with pytest.raises(VizError):
        write_html(graph, tmp_path / "x.html", max_nodes=0)
    assert not (tmp_path / "x.html").exists()


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_inline_scripts_are_valid_javascript(page: str, tmp_path: Path) -> None:
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 3  # vis-network, the data, then the explorer
    for i, body in enumerate(scripts):
        path = tmp_path / f"script{i}.js"
        path.write_text(body, encoding="utf-8")
        result = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr


def test_default_view_is_entity_level_with_papers_folded_into_edges() -> None:
    graph = assemble(sample_extractions())
    page, numbers = render_html(graph)
    nodes = page_data(page, "nodes")
    assert nodes and all(not n["id"].startswith(("paper:", "result:")) for n in nodes)
    edges = page_data(page, "edges")
    relations = {e["kgRelation"] for e in edges}
    assert "mentions" not in relations and "proposes" not in relations
    # "we compare OpenAI GPT3 with ..." in the XSS paper has no proposed model: dropped, while
    # FooNet's paper evaluates on ImageNet-1k through its result (84.8%): folded into an edge
    by_pair = {(e["from"], e["to"], e["kgRelation"]): e for e in edges}
    assert any(r == "evaluated_on" for _, _, r in by_pair)
    for edge in edges:
        assert edge["kgPapers"], edge  # every folded edge still names the papers behind it


def test_default_view_of_a_large_graph_picks_compared_and_evaluated_entities() -> None:
    big = assemble(many_papers(300))
    page, numbers = render_html(big, max_nodes=20)
    assert numbers["nodes_shown"] == 20 and numbers["nodes_total"] == 301  # entities only
    shown = {n["id"] for n in page_data(page, "nodes")}
    assert "entity:benchx" in shown  # the benchmark every model is evaluated on
    sizes = [n["size"] for n in page_data(page, "nodes")]
    assert max(sizes) <= 34  # capped: the hub is bigger, not a blob


def test_lineage_view_is_hierarchical_top_down() -> None:
    graph = assemble(sample_extractions())
    page, _ = render_view(graph, ViewSpec(relations=("based_on",)))
    options = page_data(page, "options")
    assert options["layout"]["hierarchical"]["enabled"] is True
    assert options["physics"]["enabled"] is False
