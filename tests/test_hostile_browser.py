"""The hostile corpus (tests/fixtures/hostile.py) plus script payloads in titles, built and opened
in Debian's headless Chromium: graph.html (every node and edge clicked) and the pages of
``kgbuild serve`` (/, /paper/…, /entity/…, /ask). No script runs (``window.__pwned`` is never
set, no dialog opens, no element carries an event handler or a javascript: link) and the
hostile strings are shown as text."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fixtures.browser import VIEWPORT
from fixtures.hostile import write_hostile_corpus
from fixtures.serve.endpoint import serving

from kgbuild.cli import main
from kgbuild.export.iris import DEFAULT_BASE_IRI
from kgbuild.serve import SparqlServer
from kgbuild.store import open_store

pytestmark = pytest.mark.slow  # browser
PAGE_TIMEOUT_MS = 180_000

# Each payload sets window.__pwned if it ever runs as script.
PAYLOADS = [
    "<script>window.__pwned='script'</script> Script Payload Paper",
    "<img src=x onerror=\"window.__pwned='img'\"> Image Payload Paper",
    '"><svg onload="window.__pwned=\'svg\'"> Attribute Payload Paper',
    "</script><script>window.__pwned='breakout'</script> Breakout Payload Paper",
    "<a href=\"javascript:window.__pwned='href'\">Link Payload Paper</a>",
    "<!-- ]]> {{ 7*7 }} ${7*7} ' \" ` Comment Payload Paper",
]
ABSTRACT = "We propose HostNet, which outperforms GPT-4 on MMLU. <b onmouseover=\"window.__pwned='abstract'\">bold</b>"

SAFE_CHECK = """() => ({
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    handlers: [...document.querySelectorAll('*')].flatMap(
        e => [...e.attributes].filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
    javascriptLinks: [...document.querySelectorAll('[href], [src]')]
        .map(e => e.getAttribute('href') || e.getAttribute('src'))
        .filter(v => /^\\s*javascript:/i.test(v)),
    injected: document.querySelectorAll('img[src="x"], svg[onload], b[onmouseover]').length,
})"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-browser")
    corpus = root / "corpus"
    corpus.mkdir()
    write_hostile_corpus(corpus)
    with open(corpus / "payloads.jsonl", "w", encoding="utf-8") as handle:
        for title in PAYLOADS:
            handle.write(json.dumps({"title": title, "abstract": ABSTRACT}) + "\n")
    out = root / "out"
    result = CliRunner().invoke(main, ["build", str(corpus), "-o", str(out), "--quiet", "--processes", "1"])
    assert result.exit_code == 1, result.output  # built; the broken hostile files are errors
    return out


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[SparqlServer]:
    with serving(built, timeout=60, workers=2) as srv:
        yield srv


class Visit:
    """One page in a fresh context: dialogs recorded and dismissed, requests off the page's own
    origin (or file://, data:) refused and recorded."""

    def __init__(self, browser: Any, url: str, own: str) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []

        def route(route: Any) -> None:
            if route.request.url.startswith((own, "data:")):
                route.continue_()
            else:
                self.blocked.append(route.request.url)
                route.abort()

        self.context.route("**/*", route)
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # generous: an entity page of this corpus lists the 1 MB title (about 3 MB of HTML)
        self.page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)

    def assert_safe(self, where: str) -> None:
        state = self.page.evaluate(SAFE_CHECK)
        assert state == {"pwned": None, "handlers": [], "javascriptLinks": [], "injected": 0}, (where, state)
        assert self.dialogs == [] and self.blocked == [] and self.errors == [], where

    def close(self) -> None:
        self.context.close()


def test_graph_html_runs_no_payload_when_every_node_and_edge_is_clicked(browser: Any, built: Path) -> None:
    page_path = (built / "graph.html").resolve()
    visit = Visit(browser, page_path.as_uri(), "file://")
    try:
        visit.page.wait_for_selector("html[data-kg-drawn]", state="attached", timeout=60_000)
        shown = visit.page.evaluate(
            """() => {
                const x = window.kgExplorer, texts = [];
                const details = document.getElementById('kg-details');
                for (const id of x.nodes.getIds()) {
                    x.network.emit('click', {nodes: [id], edges: [], pointer: {DOM: {x: 0, y: 0}}});
                    texts.push(details.innerText);
                }
                for (const id of x.edges.getIds()) {
                    x.network.emit('click', {nodes: [], edges: [id], pointer: {DOM: {x: 0, y: 0}}});
                    texts.push(details.innerText);
                }
                return {nodes: x.nodes.length, edges: x.edges.length, text: texts.join('\\n')};
            }"""
        )
        assert shown["nodes"] > 5 and shown["edges"] > 0
        visit.assert_safe("graph.html")
        # the papers of HostNet / GPT-4 / MMLU are listed with their titles, as text
        assert "<script>window.__pwned='script'</script> Script Payload Paper" in shown["text"]
        assert 'Quote"Net: <script>alert(1)</script> & \\backslash' in shown["text"]
    finally:
        visit.close()


def _local_path(iri: str) -> str:
    assert iri.startswith(DEFAULT_BASE_IRI), iri
    return "/" + iri[len(DEFAULT_BASE_IRI) :]


def _iri_of(built: Path, predicate: str, value: str) -> str:
    store = open_store(built / "store")
    literal = json.dumps(value, ensure_ascii=False)
    rows = list(
        store.query(
            f"SELECT ?x WHERE {{ ?x {predicate} {literal} }} LIMIT 1",
            use_default_graph_as_union=True,
            prefixes={"dcterms": "http://purl.org/dc/terms/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
        )
    )
    assert rows, (predicate, value)
    return rows[0]["x"].value


def test_web_pages_show_hostile_strings_as_text(browser: Any, built: Path, server: SparqlServer) -> None:
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}"
    pages: list[tuple[str, list[str]]] = [("/", [])]
    for title in PAYLOADS + ['Quote"Net: <script>alert(1)</script> & \\backslash']:
        pages.append((_local_path(_iri_of(built, "dcterms:title", title)), [title]))
    for name in ("HostNet", "GPT-4"):
        pages.append((_local_path(_iri_of(built, "rdfs:label", name)), [PAYLOADS[0]]))
    for question, expected in (
        ("who compares against GPT-4?", PAYLOADS[:2]),
        ("who proposed HostNet?", [PAYLOADS[3]]),
        (f"who proposed {PAYLOADS[1]}?", ['<img src=x onerror="window.__pwned=']),  # echoed back (as a repr)
    ):
        pages.append(("/ask?" + urllib.parse.urlencode({"q": question}), expected))
    for path, expected in pages:
        visit = Visit(browser, base + path, base + "/")
        try:
            text = visit.page.locator("body").inner_text()
            visit.assert_safe(path)
            for hostile in expected:
                assert hostile in text, (path, hostile)
        finally:
            visit.close()
