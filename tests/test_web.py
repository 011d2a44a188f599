"""The web pages of ``kgbuild serve`` over loopback (no browser): routes, the ask JSON contract,
leaderboard order, escaping, and that the SPARQL protocol at /sparql is unchanged."""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures.graph.papers import XSS_TITLE
from fixtures.serve.endpoint import serving
from fixtures.web.site import PERPLEXITY, build_site

from kgbuild.query.api import ask_build
from kgbuild.serve import SparqlServer
from kgbuild.web.highlight import highlight

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what Chromium sends


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def server(out_dir: Path) -> Iterator[SparqlServer]:
    with serving(out_dir, timeout=10, workers=1) as srv:
        yield srv


def get(server: SparqlServer, path: str, accept: str = HTML, method: str = "GET") -> tuple[int, dict[str, str], str]:
    host, port = server.server_address[:2]
    request = urllib.request.Request(f"http://{host}:{port}{path}", headers={"Accept": accept}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode("utf-8")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/ask?q=who+compares+against+GPT-3%3F",
        "/entity/alphanet",
        "/benchmark/wikitext-103",
        "/sparql",
        "/paper/p2",
    ],
)
def test_pages_render_with_a_strict_policy(server: SparqlServer, path: str) -> None:
    status, headers, body = get(server, path)
    assert status == 200, body[:500]
    assert headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "<script>" not in body  # no inline script: the policy would block it
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", body.replace('href="https://arxiv.org', "")), (
        "only local assets"
    )


def test_unknown_entity_is_404(server: SparqlServer) -> None:
    status, _, body = get(server, "/entity/no-such-thing")
    assert status == 404 and "no entity" in body
    assert get(server, "/static/..%2Fapp.py")[0] == 404


def test_head_has_no_body(server: SparqlServer) -> None:
    status, headers, body = get(server, "/", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 0


def test_ask_json_is_the_cli_json(server: SparqlServer, out_dir: Path) -> None:
    status, headers, body = get(server, "/ask?q=who+compares+against+GPT-3%3F", accept="application/json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == ask_build(out_dir, "who compares against GPT-3?").to_json()
    status, _, body = get(server, "/ask?q=what+is+the+weather", accept="application/json")
    assert status == 400 and "cannot answer" in json.loads(body)["error"]


def test_ask_page_lists_papers_with_evidence_marked(server: SparqlServer, out_dir: Path) -> None:
    _, _, body = get(server, "/ask?q=who+compares+against+GPT-3%3F")
    expected = {html.escape(a.title, quote=False) for a in ask_build(out_dir, "who compares against GPT-3?").answers}
    assert expected and all(title in body for title in expected)
    assert "<mark>GPT-3</mark>" in body and "<mark>GPT3</mark>" in body  # the alias is marked too


def test_entity_page_shows_lineage_both_ways_and_scores(server: SparqlServer) -> None:
    _, _, body = get(server, "/entity/betanet")
    lineage = body[body.index('id="lineage"') : body.index('id="scores"')]
    assert "AlphaNet" in lineage  # up
    assert "GammaNet" in lineage and "DeltaNet" in lineage  # down, two hops
    _, _, alpha = get(server, "/entity/alphanet")
    scores = alpha[alpha.index('id="scores"') : alpha.index('id="comparisons"')]
    assert "BenchA" in scores and "71.5%" in scores and "12.0" in scores


def test_entity_page_compares_both_ways(server: SparqlServer) -> None:
    _, _, catnet = get(server, "/entity/catnet")
    assert "Compares against (1)" in catnet and "GPT-3" in catnet
    _, _, gpt3 = get(server, "/entity/gpt-3")
    by = gpt3[gpt3.index("Compared against by") : gpt3.index('id="graph"')]
    assert "CatNet" in by and "DogNet" not in by  # DogNet compared with the 175B variant's own page


def test_leaderboard_sorts_lower_is_better_ascending(server: SparqlServer) -> None:
    _, _, body = get(server, "/benchmark/wikitext-103")
    board = body[body.index('class="data leaderboard"') : body.index("</table>")]
    assert 'data-lower-is-better="true"' in board
    values = [float(v) for v in re.findall(r'data-value="([-0-9.]+)"', board)]
    assert values == sorted(PERPLEXITY.values())
    assert "-2.1" not in board and "-2.1" in body  # the delta is listed apart, not ranked


def test_untrusted_title_is_text_everywhere(server: SparqlServer) -> None:
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    for path in ("/paper/p2", "/entity/gpt-3", "/ask?q=who+compares+against+GPT-3%3F"):
        _, _, body = get(server, path)
        assert XSS_TITLE not in body, path
        assert escaped in body, path
    _, _, body = get(server, "/ask?q=" + urllib.request.quote("who proposed <script>x</script>?"))
    assert "<script>x" not in body


def test_console_runs_a_query_and_links_entities(server: SparqlServer) -> None:
    query = "SELECT ?e ?l WHERE { ?e a kgo:Model ; rdfs:label ?l } ORDER BY ?l"
    _, _, body = get(server, "/console?query=" + urllib.request.quote(query))
    assert 'href="/entity/alphanet"' in body and "AlphaNet" in body
    _, _, examples = get(server, "/sparql")
    assert "most-compared" in examples and "web-leaderboard" in examples
    # a failed query (here: not SPARQL; also a timeout or a busy pool) is not kept as the page's answer
    status, headers, failed = get(server, "/console?query=" + urllib.request.quote("SELECT nonsense"))
    assert status == 200 and "error" in failed and headers.get("Cache-Control") == "no-store"


def test_sparql_protocol_unchanged(server: SparqlServer) -> None:
    query = urllib.request.quote("SELECT ?l WHERE { ?e a kgo:Model ; rdfs:label ?l } LIMIT 1")
    status, headers, body = get(server, f"/sparql?query={query}", accept="application/sparql-results+json")
    assert status == 200 and json.loads(body)["results"]["bindings"]
    status, headers, body = get(server, f"/sparql?query={query}", accept=HTML)  # a browser with a query: results
    assert status == 200 and "sparql-results" in headers["Content-Type"] or "json" in headers["Content-Type"]
    status, headers, body = get(server, "/sparql", accept="*/*")  # a client without a query: the service description
    assert status == 200 and "sd:Service" in body and "sd:endpoint" in body


def test_highlight_escapes_and_marks() -> None:
    out = str(highlight("<b>GPT3</b> beats gpt-3 & BERT", ["GPT-3"]))
    assert out == "&lt;b&gt;<mark>GPT3</mark>&lt;/b&gt; beats <mark>gpt-3</mark> &amp; BERT"


def test_pages_follow_a_rebuild_of_the_store(tmp_path: Path) -> None:
    """A rebuild swaps in a new store directory: the pages answer from it, as the endpoint does."""
    from fixtures.web.site import _lm_paper

    from kgbuild.graph import assemble
    from kgbuild.store import load_store

    out = build_site(tmp_path / "out")
    with serving(out, timeout=10, workers=1) as srv:
        assert get(srv, "/entity/zetalm")[0] == 200
        assert get(srv, "/entity/iotalm")[0] == 404
        load_store(assemble([_lm_paper("IotaLM", 30.5, "2025-01-02")]), out / "store")
        status, _, body = get(srv, "/entity/iotalm")
        assert status == 200 and "IotaLM" in body
        assert get(srv, "/entity/zetalm")[0] == 404  # the old store's page is not served from a cache either
        query = urllib.request.quote("SELECT ?l WHERE { ?e a kgo:Model ; rdfs:label ?l }")
        _, _, answer = get(srv, f"/sparql?query={query}", accept="application/sparql-results+json")
        assert [b["l"]["value"] for b in json.loads(answer)["results"]["bindings"]] == ["IotaLM"]


def test_long_lists_page_through_every_row(out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list longer than a page shows one page and a "show more" link; following the links visits
    every row once, the same rows as one long page."""
    from kgbuild.web import WebApp
    from kgbuild.web import site as site_module

    def compared_by(body: str) -> str:
        return body[body.index('id="compared-by"') : body.index('id="graph"')]

    whole = compared_by(WebApp(out_dir).handle("GET", "/entity/gpt-3", "", {}).body.decode())
    expected = re.findall(r'<li>(.*?) <span class="count">', whole)
    assert len(expected) > 2 and 'rel="next"' not in whole
    monkeypatch.setattr(site_module, "PAGE_SIZE", 1)
    app, query, seen = WebApp(out_dir), "", []
    while True:
        section = compared_by(app.handle("GET", "/entity/gpt-3", query, {}).body.decode())
        seen += re.findall(r'<li>(.*?) <span class="count">', section)
        following = re.search(r'href="\?([^"#]*)#compared-by" rel="next"', section)
        if not following:
            break
        query = html.unescape(following.group(1))
    assert seen == expected
