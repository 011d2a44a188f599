"""The page around the network, and the vis-network assets inlined into it.

pyvis 0.3.2's own template always links Bootstrap from a CDN (even with
``cdn_resources="in_line"``), so kgbuild renders its own template. It inlines the vis-network
JS and CSS that pyvis ships in ``pyvis/templates/lib/vis-9.1.2/``, references nothing over the
network, and a Content-Security-Policy forbids the browser from fetching anything at all.
kgbuild's own script and stylesheet live in ``assets/`` and are inlined the same way.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import pyvis
from jinja2 import Environment
from markupsafe import Markup

VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
ASSETS_DIR = Path(__file__).resolve().parent / "assets"


class AssetError(RuntimeError):
    """The vis-network files pyvis should ship are missing or cannot be inlined safely."""


@cache
def _asset(path: Path, closing_tag: str) -> Markup:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise AssetError(f"cannot read vis-network asset {path}: {e}") from e
    if closing_tag in text.lower():
        # would end the inline <script>/<style> element early
        raise AssetError(f"{path} contains {closing_tag!r} and cannot be inlined")
    return Markup(text)


def vis_js() -> Markup:
    return _asset(VIS_DIR / "vis-network.min.js", "</script")


def vis_css() -> Markup:
    return _asset(VIS_DIR / "vis-network.css", "</style")


def explorer_js() -> Markup:
    """kgbuild's own page script: search, filters, details panel, load-to-drawn timing."""
    return _asset(ASSETS_DIR / "explorer.js", "</script")


def explorer_css() -> Markup:
    return _asset(ASSETS_DIR / "explorer.css", "</style")


# Jinja macro: the legend's shape swatch as inline SVG (markup, not a fetched image).
SHAPE_MACRO = """{% macro swatch(shape, colour) -%}
<svg class="kg-swatch" viewBox="-10 -10 20 20" width="14" height="14" aria-hidden="true">
{%- if shape == "square" %}<rect x="-7" y="-7" width="14" height="14" fill="{{ colour }}"/>
{%- elif shape == "diamond" %}<polygon points="0,-9 9,0 0,9 -9,0" fill="{{ colour }}"/>
{%- elif shape == "triangle" %}<polygon points="0,-9 9,7 -9,7" fill="{{ colour }}"/>
{%- elif shape == "triangleDown" %}<polygon points="0,9 9,-7 -9,-7" fill="{{ colour }}"/>
{%- elif shape == "hexagon" %}<polygon points="8,0 4,7 -4,7 -8,0 -4,-7 4,-7" fill="{{ colour }}"/>
{%- elif shape == "star" %}<polygon points="0,-9 2.6,-3 9,-3 4,1.5 6,8.5 0,4.5 -6,8.5 -4,1.5 -9,-3 -2.6,-3" fill="{{ colour }}"/>
{%- else %}<circle r="7" fill="{{ colour }}"/>{% endif -%}
</svg>
{%- endmacro %}"""

PAGE = (
    SHAPE_MACRO
    + """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }}</title>
<style>{{ vis_css }}</style>
<style>{{ explorer_css }}</style>
</head>
<body>
<header>
  <h1>{{ heading }}</h1>
  <p class="kg-stats">{{ stats }}</p>
  {% for note in notes %}<p class="kg-note kg-view-note">{{ note }}</p>
  {% endfor %}
  {% if cap_note %}<p class="kg-note" id="kg-cap-note">{{ cap_note }}</p>{% endif %}
  <div class="kg-controls">
    <div class="kg-search">
      <label for="kg-search">Find</label>
      <input id="kg-search" type="search" autocomplete="off" spellcheck="false" placeholder="name or alias, e.g. GPT-3">
      <ol id="kg-search-results" class="kg-search-results" aria-live="polite"></ol>
    </div>
    <fieldset class="kg-filter" id="kg-kinds">
      <legend>Kinds</legend>
      {% for item in kinds %}<label class="kg-legend-item{% if not item.count %} kg-empty{% endif %}"><input type="checkbox" data-kind="{{ item.key }}" checked>{{ swatch(item.shape, item.colour) }}{{ item.label }} <span class="kg-count">({{ item.count }})</span></label>
      {% endfor %}
    </fieldset>
    <fieldset class="kg-filter" id="kg-relations">
      <legend>Relations</legend>
      {% for item in relations %}<label class="kg-legend-item"><input type="checkbox" data-relation="{{ item.key }}" checked><span class="kg-line" style="background: {{ item.colour }}"></span>{{ item.label }} <span class="kg-count">({{ item.count }})</span></label>
      {% endfor %}
    </fieldset>
  </div>
</header>
<main>
  <div id="kg-network"></div>
  <aside id="kg-details" class="kg-details" aria-live="polite">
    <p class="kg-hint">Hover a node or edge for its papers and evidence; click for details and links; double-click a paper to open it.</p>
  </aside>
</main>
<noscript>This view needs JavaScript.</noscript>
<script>{{ vis_js }}</script>
<script>
window.kgData = {
  nodes: {{ nodes }},
  edges: {{ edges }},
  options: {{ options }},
  papers: {{ papers }},
  omitted: {{ omitted }},
  physics: {{ physics }}
};
</script>
<script>{{ explorer_js }}</script>
</body>
</html>
"""
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape: headings, notes and legend text are escaped like everything else on the page
    return Environment(autoescape=True, keep_trailing_newline=True)
