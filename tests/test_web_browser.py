"""The web pages of ``kgbuild serve`` in Debian's headless Chromium (Playwright, no download).

On the fixture build (lineage, an XSS title, a perplexity leaderboard) and on the bundled
corpus: every page loads with no console error and no request leaving 127.0.0.1; the ask box
answers; the entity page shows lineage and scores; the leaderboard sorts lower-is-better
ascending; the SPARQL console runs a query; an untrusted title stays text. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fixtures.browser import ARTIFACTS, VIEWPORT
from fixtures.graph.papers import XSS_TITLE
from fixtures.serve.endpoint import serving
from fixtures.web.site import PERPLEXITY, build_site
from test_browser import LoadedPage

from kgbuild.build import build
from kgbuild.query.api import ask_build
from kgbuild.serve import SparqlServer

pytestmark = pytest.mark.slow


def origin(server: SparqlServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    with serving(build_site(tmp_path_factory.mktemp("site")), timeout=20, workers=1) as server:
        yield server


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SparqlServer]]:
    out = tmp_path_factory.mktemp("bundled")
    build(None, out, processes=1, use_cache=False)
    with serving(out, timeout=20, workers=1) as server:
        yield out, server


@contextmanager
def open_page(browser: Any, server: SparqlServer, path: str) -> Iterator[LoadedPage]:
    """Load a page of ``server``; any request to another origin is recorded and refused."""
    base = origin(server)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    loaded = LoadedPage(page, base + path)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(base + "/") or url.startswith("data:"):
            route.continue_()
        else:
            loaded.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("request", lambda request: loaded.requests.append(request.url))
    page.on("console", lambda message: loaded.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: loaded.console_errors.append(f"uncaught: {error}"))
    page.on("dialog", lambda dialog: (loaded.dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(loaded.url, wait_until="load")
        yield loaded
    finally:
        context.close()


def assert_clean(loaded: LoadedPage, base: str) -> None:
    assert loaded.blocked == [], f"the page tried to leave 127.0.0.1: {loaded.blocked}"
    assert all(url.startswith(base) or url.startswith("data:") for url in loaded.requests), loaded.requests
    assert loaded.console_errors == [], loaded.console_errors
    assert loaded.dialogs == [], loaded.dialogs


PAGES = [
    ("/", "home"),
    ("/ask?q=who+compares+against+GPT-3%3F", "ask"),
    ("/entity/betanet", "entity"),
    ("/benchmark/wikitext-103", "leaderboard"),
    ("/sparql", "console"),
    ("/paper/p2", "paper"),
    ("/explore", "explorer"),
]


@pytest.mark.parametrize(("path", "name"), PAGES)
def test_page_loads_locally_without_errors(browser: Any, site: SparqlServer, path: str, name: str) -> None:
    with open_page(browser, site, path) as loaded:
        if name == "entity":
            loaded.page.wait_for_function("window.kgFocusDrawnMs !== undefined", timeout=30_000)
        if name == "explorer":
            loaded.page.wait_for_selector("html[data-kg-drawn]", state="attached", timeout=30_000)
        loaded.screenshot(f"web-{name}.png")
        assert loaded.page.title()
        assert_clean(loaded, origin(site))


def test_ask_box_answers_on_the_bundled_corpus(browser: Any, bundled: tuple[Path, SparqlServer]) -> None:
    out, server = bundled
    expected = {a.title for a in ask_build(out, "who compares against GPT-3?").answers}
    assert "LoRA: Low-Rank Adaptation of Large Language Models" in expected
    with open_page(browser, server, "/") as loaded:
        box = loaded.page.locator(".hero input[name=q]")
        box.fill("who compares against GPT-3?")
        with loaded.page.expect_navigation():
            box.press("Enter")
        titles = loaded.page.locator(".answer .paper > a").all_text_contents()
        assert set(titles) == expected
        marks = loaded.page.locator(".answer mark").all_text_contents()
        assert marks and all("gpt" in m.lower() for m in marks)
        loaded.screenshot("web-bundled-ask.png")
        assert_clean(loaded, origin(server))


def test_entity_page_shows_lineage_and_scores(browser: Any, site: SparqlServer) -> None:
    with open_page(browser, site, "/entity/betanet") as loaded:
        lineage = loaded.page.locator("#lineage").inner_text()
        assert "AlphaNet" in lineage and "GammaNet" in lineage and "DeltaNet" in lineage
        loaded.page.wait_for_function("window.kgFocusDrawnMs !== undefined", timeout=30_000)
        drawn = loaded.evaluate("() => window.kgFocus.body.data.nodes.getIds().length")
        assert drawn >= 4  # BetaNet, AlphaNet above, GammaNet and DeltaNet below
    with open_page(browser, site, "/entity/alphanet") as loaded:
        scores = loaded.page.locator("#scores").inner_text()
        assert "BenchA" in scores and "71.5%" in scores and "BenchB" in scores
        assert_clean(loaded, origin(site))


def test_leaderboard_sorts_lower_is_better_ascending(browser: Any, site: SparqlServer) -> None:
    with open_page(browser, site, "/benchmark/wikitext-103") as loaded:
        table = loaded.page.locator("table.leaderboard").first
        assert table.get_attribute("data-lower-is-better") == "true"
        values = [float(v) for v in table.locator("td.num").evaluate_all("cells => cells.map(c => c.dataset.value)")]
        assert values == sorted(PERPLEXITY.values())
        models = table.locator("tbody tr td:nth-child(2)").all_text_contents()
        assert models == sorted(PERPLEXITY, key=PERPLEXITY.__getitem__)


def test_sparql_console_runs_a_query(browser: Any, site: SparqlServer) -> None:
    with open_page(browser, site, "/sparql") as loaded:
        page = loaded.page
        page.locator("#query").fill(
            "SELECT ?model ?label WHERE { ?model a kgo:Model ; rdfs:label ?label } ORDER BY ?label"
        )
        with page.expect_navigation():
            page.locator("#run").click()
        rows = page.locator("table.results tbody tr")
        assert rows.count() > 5
        link = page.locator("table.results a", has_text="alphanet").first
        with page.expect_navigation():
            link.click()
        assert page.locator("h1").inner_text().startswith("AlphaNet")
        assert_clean(loaded, origin(site))


def test_xss_title_stays_text(browser: Any, site: SparqlServer) -> None:
    for path in ("/paper/p2", "/entity/gpt-3", "/ask?q=who+compares+against+GPT-3%3F"):
        with open_page(browser, site, path) as loaded:
            assert XSS_TITLE in loaded.page.locator("main").inner_text(), path
            assert loaded.page.locator("main img").count() == 0, path
            assert loaded.dialogs == [], path
    ARTIFACTS.mkdir(exist_ok=True)
