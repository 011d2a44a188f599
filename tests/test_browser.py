"""The explorer page in a real browser: Debian's headless Chromium driven by Playwright.

Checked on small fixture graphs: no request leaves file:// or data: (recorded in the browser, not
grepped), no console errors, the graph has the expected nodes, search finds an alias, a kind
filter hides nodes, untrusted titles stay text, click-through links. The founding corpus is
opened in test_notebook_tour.py, which reuses the tour notebook's build. Screenshots go to
test-artifacts/.

Nothing is downloaded: Playwright drives /usr/bin/chromium (the Makefile installs it with
apt-get when missing). Without Chromium the tests skip, except under CI (``CI`` set), where a
missing browser fails: a green CI run must mean the page was tested in a browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from fixtures.browser import ARTIFACTS, VIEWPORT
from fixtures.graph.papers import XSS_TITLE, many_papers, sample_extractions

from kgbuild.graph import assemble
from kgbuild.viz import write_html

pytestmark = pytest.mark.slow  # browser: make test-fast skips it

DRAWN_TIMEOUT_MS = 60_000


@dataclass
class LoadedPage:
    page: Any  # playwright Page
    url: str
    requests: list[str] = field(default_factory=list)  # every request the page made, allowed or not
    blocked: list[str] = field(default_factory=list)  # requests that would have left the machine
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)  # alert()/confirm(): an injected script ran

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def node_point(self, node_id: str) -> tuple[float, float]:
        """Where a node is drawn, in page pixels (for real mouse clicks and hovers)."""
        point = self.page.evaluate(
            """(id) => {
                const net = window.kgExplorer.network;
                const dom = net.canvasToDOM(net.getPositions([id])[id]);
                const box = document.getElementById("kg-network").getBoundingClientRect();
                return [box.left + dom.x, box.top + dom.y];
            }""",
            node_id,
        )
        return float(point[0]), float(point[1])

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path


def _local(url: str) -> bool:
    return url.startswith("file://") or url.startswith("data:") or url.startswith("about:")


@contextmanager
def open_page(browser: Any, path: Path) -> Iterator[LoadedPage]:
    """Load ``path`` from disk and wait until the graph is drawn; the context closes afterwards."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    loaded = LoadedPage(page, path.resolve().as_uri())

    def route(route: Any) -> None:
        url = route.request.url
        if _local(url):
            route.continue_()
        else:  # recorded and refused, so a failing test never actually touches the network
            loaded.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("request", lambda request: loaded.requests.append(request.url))
    page.on("console", lambda message: loaded.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: loaded.console_errors.append(f"uncaught: {error}"))
    page.on("dialog", lambda dialog: (loaded.dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(loaded.url)
        page.wait_for_selector("html[data-kg-drawn]", state="attached", timeout=DRAWN_TIMEOUT_MS)
        yield loaded
    finally:
        context.close()


def assert_offline_and_clean(loaded: LoadedPage) -> None:
    assert loaded.blocked == [], f"the page tried the network: {loaded.blocked}"
    assert all(_local(url) for url in loaded.requests), loaded.requests
    assert loaded.console_errors == [], loaded.console_errors
    assert loaded.dialogs == [], loaded.dialogs


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return assemble(sample_extractions())


@pytest.fixture(scope="module")
def fixture_page(graph: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "fixture.html"
    write_html(graph, path, papers=True)
    return path


@pytest.fixture
def loaded(browser: Any, fixture_page: Path) -> Iterator[LoadedPage]:
    with open_page(browser, fixture_page) as page:
        yield page


def visible_nodes(loaded: LoadedPage) -> set[str]:
    return set(loaded.evaluate("window.kgExplorer.visibleNodeIds()"))


def drawn_nodes(loaded: LoadedPage) -> set[str]:
    # vis-network's own list of the nodes it draws: checks the canvas, not just our flags
    return set(loaded.evaluate("window.kgExplorer.network.body.nodeIndices"))


def settle(loaded: LoadedPage) -> None:
    """Stop the physics so nodes stay where a mouse event is aimed (small views simulate)."""
    loaded.evaluate("window.kgExplorer.network.stopSimulation()")


# --- the fixture graph: 17 nodes, an XSS title, aliases ---------------------------------------


def test_page_loads_offline_without_errors(loaded: LoadedPage, graph: nx.MultiDiGraph) -> None:
    assert_offline_and_clean(loaded)
    assert loaded.requests == [loaded.url]  # the file itself and nothing else
    assert loaded.evaluate("window.kgExplorer.nodes.length") == graph.number_of_nodes() == 17
    assert drawn_nodes(loaded) == set(graph.nodes)
    assert loaded.evaluate("window.kgExplorer.edges.length") == 20
    assert loaded.evaluate("window.kgExplorer.drawnMs") > 0
    loaded.screenshot("explorer-fixture.png")


def test_search_finds_an_entity_by_alias(loaded: LoadedPage) -> None:
    box = loaded.page.locator("#kg-search")
    box.fill("OA")  # an alias of GPT-3 that no label contains
    first = loaded.page.locator("#kg-search-results li button").first
    assert first.get_attribute("data-node") == "entity:gpt-3"
    assert "also called OA" in first.inner_text()
    box.press("Enter")
    assert loaded.evaluate("window.kgExplorer.network.getSelectedNodes()") == ["entity:gpt-3"]
    assert loaded.page.locator("#kg-details h2").inner_text() == "GPT-3"
    box.fill("gpt 3")  # spelling variants meet in the normal form
    assert loaded.page.locator("#kg-search-results li button").first.get_attribute("data-node") == "entity:gpt-3"
    box.fill("zzzz")
    assert loaded.page.locator("#kg-search-results").inner_text() == "no match"
    assert_offline_and_clean(loaded)


def test_kind_and_relation_filters_hide_and_restore(loaded: LoadedPage, graph: nx.MultiDiGraph) -> None:
    datasets = {n for n, d in graph.nodes(data=True) if d.get("kind") == "DATASET"}
    assert len(datasets) == 3
    loaded.page.locator('input[data-kind="dataset"]').uncheck()
    assert visible_nodes(loaded) == set(graph.nodes) - datasets
    assert drawn_nodes(loaded) == set(graph.nodes) - datasets
    # no edge is left pointing at a hidden node
    dangling = loaded.evaluate("""() => window.kgExplorer.edges.get({filter: e => !e.hidden})
        .filter(e => window.kgExplorer.nodes.get(e.from).hidden || window.kgExplorer.nodes.get(e.to).hidden).length""")
    assert dangling == 0
    loaded.page.locator('input[data-relation="based_on"]').uncheck()
    hidden_relations = loaded.evaluate("window.kgExplorer.edges.get({filter: e => e.hidden}).map(e => e.kgRelation)")
    assert "based_on" in hidden_relations
    loaded.page.locator('input[data-kind="dataset"]').check()
    loaded.page.locator('input[data-relation="based_on"]').check()
    assert visible_nodes(loaded) == set(graph.nodes)
    assert loaded.evaluate("window.kgExplorer.visibleEdgeIds().length") == 20
    assert_offline_and_clean(loaded)


def test_xss_title_stays_text_on_hover_and_click(loaded: LoadedPage) -> None:
    settle(loaded)
    x, y = loaded.node_point("paper:p2")
    loaded.page.mouse.move(x, y)
    tooltip = loaded.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert XSS_TITLE in tooltip.inner_text()
    loaded.page.mouse.click(x, y)
    details = loaded.page.locator("#kg-details")
    assert XSS_TITLE in details.inner_text()
    assert loaded.evaluate("document.querySelectorAll('img').length") == 0  # nothing became markup
    assert loaded.evaluate("window.kgExplorer.network.getSelectedNodes()") == ["paper:p2"]
    loaded.screenshot("explorer-xss-title.png")
    assert_offline_and_clean(loaded)  # and no alert() ran


def test_click_through_to_arxiv(loaded: LoadedPage) -> None:
    settle(loaded)
    # record what a double-click would open instead of letting the browser go online
    loaded.evaluate("() => { window.opened = []; window.open = (url) => { window.opened.push(url); return null; }; }")
    x, y = loaded.node_point("paper:p1")
    loaded.page.mouse.click(x, y)
    link = loaded.page.locator("#kg-details a")
    assert link.get_attribute("href") == "https://arxiv.org/abs/2401.00001"
    assert link.get_attribute("rel") == "noopener noreferrer"
    loaded.page.mouse.dblclick(x, y)
    assert loaded.evaluate("window.opened") == ["https://arxiv.org/abs/2401.00001"]
    assert_offline_and_clean(loaded)


def test_capped_page_finds_left_out_nodes(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "capped.html"
    summary = write_html(assemble(many_papers(300)), path, max_nodes=200, papers=True)
    with open_page(browser, path) as loaded:
        assert_offline_and_clean(loaded)
        assert loaded.evaluate("window.kgExplorer.nodes.length") == summary.nodes_shown == 200
        assert loaded.evaluate("window.kgExplorer.network.physics.physicsEnabled") is False
        assert loaded.page.locator("#kg-cap-note").inner_text().startswith("Showing 200 of 601 nodes")
        loaded.page.locator("#kg-search").fill("Model299")
        # the model and its paper ("Model299 on BenchX") are both left out, and both found
        absent = loaded.page.locator("#kg-search-results .kg-absent")
        assert absent.count() == 2
        assert 'kgbuild viz --focus "Model299" --hops 2' in absent.first.inner_text()
