"""The page around the network, and the vis-network assets inlined into it.

pyvis 0.3.2's own template always links Bootstrap from a CDN (even with
``cdn_resources="in_line"``), so kgbuild renders its own template. It inlines the vis-network
JS and CSS that pyvis ships in ``pyvis/templates/lib/vis-9.1.2/``, references nothing over the
network, and a Content-Security-Policy forbids the browser from fetching anything at all.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyvis
from jinja2 import Environment
from markupsafe import Markup

VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"


class AssetError(RuntimeError):
    """The vis-network files pyvis should ship are missing or cannot be inlined safely."""


@lru_cache(maxsize=None)
def _asset(name: str, closing_tag: str) -> Markup:
    path = VIS_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise AssetError(f"cannot read vis-network asset {path}: {e}") from e
    if closing_tag in text.lower():
        # would end the inline <script>/<style> element early
        raise AssetError(f"{path} contains {closing_tag!r} and cannot be inlined")
    return Markup(text)


def vis_js() -> Markup:
    return _asset("vis-network.min.js", "</script")


def vis_css() -> Markup:
    return _asset("vis-network.css", "</style")


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }}</title>
<style>{{ vis_css }}</style>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #222; }
  header { padding: 0.6em 1em; border-bottom: 1px solid #ddd; }
  header h1 { font-size: 1.2em; margin: 0 0 0.3em 0; }
  .kg-stats { margin: 0.2em 0; font-size: 0.9em; color: #555; }
  .kg-note { margin: 0.3em 0; padding: 0.3em 0.6em; background: #fff3cd; border: 1px solid #e0c36c; font-size: 0.9em; }
  .kg-legend { list-style: none; padding: 0; margin: 0.3em 0 0 0; display: flex; flex-wrap: wrap; gap: 0.4em 1.2em; font-size: 0.9em; }
  .kg-legend li { display: flex; align-items: center; gap: 0.35em; }
  .kg-swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%; border: 1px solid #555; }
  #kg-network { width: 100%; height: calc(100vh - 9em); min-height: 400px; }
  .kg-tip { max-width: 32em; white-space: normal; font-size: 0.85em; line-height: 1.35; }
</style>
</head>
<body>
<header>
  <h1>{{ heading }}</h1>
  <p class="kg-stats">{{ stats }}</p>
  {% if note %}<p class="kg-note" id="kg-cap-note">{{ note }}</p>{% endif %}
  <ul class="kg-legend" id="kg-legend" aria-label="Legend">
    {% for item in legend %}<li><span class="kg-swatch" style="background: {{ item.colour }}"></span>{{ item.label }} ({{ item.count }})</li>
    {% endfor %}
  </ul>
</header>
<div id="kg-network"></div>
<noscript>This view needs JavaScript.</noscript>
<script>{{ vis_js }}</script>
<script>
(function () {
  "use strict";
  // Tooltips arrive as HTML in which Python escaped every value taken from the data; vis-network
  // shows plain strings as raw text, so they are handed over as elements to keep the formatting.
  function tip(html) {
    var box = document.createElement("div");
    box.className = "kg-tip";
    box.innerHTML = html;
    return box;
  }
  var nodeData = {{ nodes }};
  var edgeData = {{ edges }};
  nodeData.forEach(function (n) { if (typeof n.title === "string") { n.title = tip(n.title); } });
  edgeData.forEach(function (e) { if (typeof e.title === "string") { e.title = tip(e.title); } });
  var data = { nodes: new vis.DataSet(nodeData), edges: new vis.DataSet(edgeData) };
  window.kgNetwork = new vis.Network(document.getElementById("kg-network"), data, {{ options }});
})();
</script>
</body>
</html>
"""


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape: headings, notes and legend text are escaped like everything else on the page
    return Environment(autoescape=True, keep_trailing_newline=True)
