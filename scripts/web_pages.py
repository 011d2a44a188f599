"""Time the web pages of ``kgbuild serve`` on a build, and optionally screenshot them.

    python scripts/web_pages.py out                       # load times (server, then in Chromium)
    python scripts/web_pages.py out --shots docs          # and PNGs of /, an entity, a leaderboard, the explorer
    python scripts/web_pages.py big --entity gpt-4 --entity llama --benchmark mmlu --benchmark imagenet
    python scripts/web_pages.py big --graph-only                 # graph.html: size and draw time only

The server runs in this process on a free 127.0.0.1 port; each page is fetched ``--repeat`` times
over HTTP (median and worst wall time printed), then loaded once in headless Chromium
(/usr/bin/chromium) until its scripts have drawn, which gives the time a reader waits.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kgbuild.serve import make_server

CHROMIUM = "/usr/bin/chromium"


def fetch(url: str, timeout: float = 600) -> tuple[int, int, float]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            return response.status, len(body), time.perf_counter() - started
    except urllib.error.HTTPError as e:  # a page that is not there is timed too, and said
        return e.code, len(e.read()), time.perf_counter() - started
    except TimeoutError:  # status 0: no answer within the timeout
        return 0, 0, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build", type=Path)
    parser.add_argument(
        "--entity", action="append", help="entity id of an entity page (the IRI's last segment); repeatable"
    )
    parser.add_argument("--benchmark", action="append", help="entity id of a leaderboard; repeatable")
    parser.add_argument("--question", action="append", help="a question for /ask; repeatable")
    parser.add_argument("--paper", default=None, help="paper id of a paper page (default: any paper of the build)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shots", type=Path, default=None, help="directory for the PNG screenshots")
    parser.add_argument("--graph-only", action="store_true", help="only graph.html: its size and draw time")
    parser.add_argument("--no-browser", action="store_true", help="HTTP timings only")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for one page")
    args = parser.parse_args()
    if args.graph_only:
        graph_html(args.build / "graph.html")
        return

    server = make_server(args.build, port=0, timeout=60, workers=1, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}"
    pages = {"home": "/"}
    for i, question in enumerate(args.question or ["who compares against GPT-3?"]):
        pages[f"ask{i or ''}"] = "/ask?q=" + urllib.parse.quote(question)
    for i, entity in enumerate(args.entity or ["bert"]):
        pages[f"entity{i or ''}"] = f"/entity/{entity}"
    for i, benchmark in enumerate(args.benchmark or ["imagenet"]):
        pages[f"leaderboard{i or ''}"] = f"/benchmark/{benchmark}"
    pages["paper"] = f"/paper/{args.paper or any_paper(server)}"
    pages["console"] = "/sparql"
    pages["explorer"] = "/explore"
    # first: the page rendered on this request (the server started cold); warm: served again
    print(f"{'page':<13} {'status':>6} {'KB':>8} {'first s':>8} {'warm s':>8}  path")
    for name, path in pages.items():
        runs = [fetch(base + path, args.timeout)]
        if runs[0][0]:  # a page that timed out is not asked again
            runs += [fetch(base + path, args.timeout) for _ in range(args.repeat - 1)]
        times = [t for _, _, t in runs]
        status, size, _ = runs[0]
        print(
            f"{name:<13} {status:>6} {size / 1024:>8.1f} {times[0]:>8.3f} {statistics.median(times[1:] or times):>8.3f}"
            f"  {path[:60]}"
        )
    if args.no_browser:
        server.shutdown()
        server.server_close()
        return

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        print(f"\n{'page':<13} {'load s':>7} {'drawn ms':>9}  (Chromium, 1400x900; pages served warm)")
        for name, path in pages.items():
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(base + path, wait_until="load")
            drawn = None
            if name == "explorer":
                page.wait_for_function("document.documentElement.hasAttribute('data-kg-drawn')", timeout=120_000)
                drawn = float(page.evaluate("document.documentElement.getAttribute('data-kg-drawn')"))
            elif name.startswith("entity"):
                page.wait_for_function("window.kgFocusDrawnMs !== undefined", timeout=120_000)
                drawn = float(page.evaluate("window.kgFocusDrawnMs"))
            loaded = time.perf_counter() - started
            print(f"{name:<13} {loaded:>7.2f} {'' if drawn is None else f'{drawn:.0f}':>9}")
            if args.shots and name in ("home", "entity", "leaderboard", "explorer"):
                args.shots.mkdir(parents=True, exist_ok=True)
                page.wait_for_timeout(300)
                page.screenshot(path=str(args.shots / f"web-{name}.png"))
            page.close()
        browser.close()
    server.shutdown()
    server.server_close()


def any_paper(server: object) -> str:
    from kgbuild.query.run import run_query

    rows = run_query(
        server.web.site.store,  # type: ignore[attr-defined]
        "SELECT ?id WHERE { ?p a kgo:Paper ; dcterms:identifier ?id } LIMIT 1",
    ).rows
    return urllib.parse.quote(rows[0]["id"].value, safe="") if rows else "none"  # type: ignore[union-attr]


def graph_html(path: Path) -> None:
    """Size of a build's graph.html and the time headless Chromium takes to load and draw it."""
    from playwright.sync_api import sync_playwright

    print(f"{path}: {path.stat().st_size / 1e6:.2f} MB")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for run in range(3):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.wait_for_function("document.documentElement.hasAttribute('data-kg-drawn')", timeout=120_000)
            drawn = float(page.evaluate("document.documentElement.getAttribute('data-kg-drawn')"))
            print(f"run {run + 1}: loaded and drawn in {time.perf_counter() - started:.2f} s (drawing {drawn:.0f} ms)")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
