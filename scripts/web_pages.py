"""Time the web pages of ``kgbuild serve`` on a build, and optionally screenshot them.

    python scripts/web_pages.py out                       # load times (server, then in Chromium)
    python scripts/web_pages.py out --shots docs          # and PNGs of /, an entity, a leaderboard, the explorer
    python scripts/web_pages.py big --entity gpt-4 --benchmark mmlu

The server runs in this process on a free 127.0.0.1 port; each page is fetched ``--repeat`` times
over HTTP (median and worst wall time printed), then loaded once in headless Chromium
(/usr/bin/chromium) until its scripts have drawn, which gives the time a reader waits.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from kgbuild.serve import make_server

CHROMIUM = "/usr/bin/chromium"


def fetch(url: str) -> tuple[int, int, float]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=600) as response:
        body = response.read()
        return response.status, len(body), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build", type=Path)
    parser.add_argument("--entity", default="bert", help="entity id of the entity page (the IRI's last segment)")
    parser.add_argument("--benchmark", default="imagenet", help="entity id of the leaderboard")
    parser.add_argument("--question", default="who compares against GPT-3?")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shots", type=Path, default=None, help="directory for the PNG screenshots")
    args = parser.parse_args()

    server = make_server(args.build, port=0, timeout=60, workers=1, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    base = f"http://{host}:{port}"
    pages = {
        "home": "/",
        "ask": "/ask?q=" + urllib.parse.quote(args.question),
        "entity": f"/entity/{args.entity}",
        "leaderboard": f"/benchmark/{args.benchmark}",
        "console": "/sparql",
        "explorer": "/explore",
    }
    print(f"{'page':<12} {'status':>6} {'KB':>8} {'first s':>8} {'median s':>9} {'max s':>7}")
    for name, path in pages.items():
        runs = [fetch(base + path) for _ in range(args.repeat)]
        times = [t for _, _, t in runs]
        status, size, _ = runs[0]
        print(
            f"{name:<12} {status:>6} {size / 1024:>8.1f} {times[0]:>8.3f} {statistics.median(times[1:] or times):>9.3f} "
            f"{max(times):>7.3f}"
        )

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        print(f"\n{'page':<12} {'load s':>7} {'drawn ms':>9}  (Chromium, 1400x900)")
        for name, path in pages.items():
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(base + path, wait_until="load")
            drawn = None
            if name == "explorer":
                page.wait_for_function("document.documentElement.hasAttribute('data-kg-drawn')", timeout=120_000)
                drawn = float(page.evaluate("document.documentElement.getAttribute('data-kg-drawn')"))
            elif name == "entity":
                page.wait_for_function("window.kgFocusDrawnMs !== undefined", timeout=120_000)
                drawn = float(page.evaluate("window.kgFocusDrawnMs"))
            loaded = time.perf_counter() - started
            print(f"{name:<12} {loaded:>7.2f} {'' if drawn is None else f'{drawn:.0f}':>9}")
            if args.shots and name in ("home", "entity", "leaderboard", "explorer"):
                args.shots.mkdir(parents=True, exist_ok=True)
                page.wait_for_timeout(300)
                page.screenshot(path=str(args.shots / f"web-{name}.png"))
            page.close()
        browser.close()
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
