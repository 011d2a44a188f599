"""The web app's routes: ``handle(method, path, query, headers)`` returns a ``Response``.

The HTTP server (``kgbuild.serve.http``) keeps the SPARQL protocol at ``/sparql`` and hands every
other GET/HEAD to ``WebApp.handle``, plus ``/sparql`` itself when a browser asks for it without a
query (the console). Pages are rendered server-side (they work with JavaScript off) by Jinja2 with
autoescaping: every title, name, sentence and query string from the store or the request is text.
"""

from __future__ import annotations

import json
import mimetypes
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kgbuild.query.ask import AskError, supported_forms
from kgbuild.query.library import list_queries
from kgbuild.web import console
from kgbuild.web.highlight import highlight
from kgbuild.web.site import PAGE_SIZE, NotFound, Paged, Recent, Site

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
# vis-network as pyvis ships it: served from this machine, never a CDN
HTML = "text/html; charset=utf-8"
# Pages load only what this server sends; inline scripts never run (data travels as JSON blocks).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


CACHED_PAGES = 256  # rendered pages kept (most recently used)
CACHED_BODY_BYTES = 1 << 20  # larger bodies (the explorer) are not kept


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)

    def all_headers(self) -> list[tuple[str, str]]:
        base = {
            "Content-Type": self.content_type,
            "Content-Length": str(len(self.body)),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        if self.content_type.startswith("text/html"):
            base["Content-Security-Policy"] = CSP
        return list({**base, **self.headers}.items())  # a page's own CSP (the explorer) wins


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["highlight"] = highlight
    env.filters["arxiv"] = lambda arxiv_id: f"https://arxiv.org/abs/{quote(str(arxiv_id), safe='/.')}"
    return env


def wants_html(accept: str | None) -> bool:
    """True when the client prefers an HTML page to SPARQL results (a browser's Accept)."""
    if not accept:
        return False
    best_html = best_other = -1.0
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media in ("text/html", "application/xhtml+xml"):
            best_html = max(best_html, q)
        elif media not in ("*/*", "image/*") and not media.startswith("image/"):
            best_other = max(best_other, q)
    return best_html > 0 and best_html >= best_other


def _wants_json(headers: Mapping[str, str], params: Mapping[str, list[str]]) -> bool:
    if params.get("format", [""])[0] == "json":
        return True
    accept = headers.get("Accept") or headers.get("accept") or ""
    return "application/json" in accept and not wants_html(accept)


class WebApp:
    """The pages of one build. ``pool``: the endpoint's query pool (console queries get its time limit)."""

    def __init__(self, out_dir: str | os.PathLike[str], pool: Any = None) -> None:
        self.site = Site(out_dir)
        self.pool = pool
        # the store does not change under a running server (a rebuild gets a new WebApp), so a page
        # once rendered is the same page until then
        self._cache: Recent[Response] = Recent(CACHED_PAGES)
        self.routes: list[tuple[str, Callable[..., Response]]] = [
            ("/static/", self.static),
            ("/entity/", self.entity_page),
            ("/benchmark/", self.leaderboard_page),
            ("/paper/", self.paper_page),
        ]

    def handle(self, method: str, path: str, query: str, headers: Mapping[str, str]) -> Response:
        """Answer one GET or HEAD (HEAD: the same headers, no body)."""
        if method not in ("GET", "HEAD"):
            return Response(405, b"read-only: GET and HEAD only\n", "text/plain; charset=utf-8", {"Allow": "GET, HEAD"})
        params = parse_qs(query, keep_blank_values=True)
        key = (path, query, _wants_json(headers, params))
        response = self._cache.get(key)
        if response is None:
            response = self._respond(path, params, headers)
            if (
                response.status == 200
                and len(response.body) <= CACHED_BODY_BYTES
                and response.headers.get("Cache-Control") != "no-store"
            ):
                self._cache.put(key, response)
        if method == "HEAD":
            response = Response(
                response.status, b"", response.content_type, {"Content-Length": str(len(response.body))}
            )
        return response

    def _respond(self, path: str, params: Mapping[str, list[str]], headers: Mapping[str, str]) -> Response:
        try:
            response = self._route(path, params, headers)
        except NotFound as e:
            response = self._page("error.html", 404, message=str(e))
        except Exception as e:  # noqa: BLE001 - a page that fails says so instead of dropping the connection
            response = self._page("error.html", 500, message=f"this page failed: {type(e).__name__}: {e}")
        return response

    def _route(self, path: str, params: Mapping[str, list[str]], headers: Mapping[str, str]) -> Response:
        if path == "/":
            return self.home()
        if path == "/ask":
            return self.ask_page(params, headers)
        if path in ("/sparql", "/console"):
            return self.console_page(params)
        if path in ("/explore", "/explorer"):
            return self.explorer_page()
        for prefix, handler in self.routes:
            if path.startswith(prefix) and len(path) > len(prefix):
                return handler(path[len(prefix) :], params)
        raise NotFound(f"no page at {path}")

    def _page(self, template: str, status: int = 200, **context: Any) -> Response:
        started = time.perf_counter()
        context.setdefault("link", self.site.local_path)
        text = _environment().get_template(template).render(**context)
        headers = {"Server-Timing": f"render;dur={(time.perf_counter() - started) * 1000:.1f}"}
        return Response(status, text.encode("utf-8"), HTML, headers)

    # -- pages -----------------------------------------------------------------------------

    def home(self) -> Response:
        data = self.site.home()
        return self._page("home.html", examples=_examples(data), **data)

    def ask_page(self, params: Mapping[str, list[str]], headers: Mapping[str, str]) -> Response:
        question = (params.get("q") or [""])[0].strip()
        as_json = _wants_json(headers, params)
        if not question:
            if as_json:
                return _json(400, {"error": "ask needs a question: /ask?q=who+compares+against+GPT-3"})
            return self._page("ask.html", question="", examples=supported_forms())
        try:
            result = self.site.ask(question, max(_pages(params).get("page", 1), 1))
        except AskError as e:
            if as_json:
                return _json(400, {"error": str(e), "question": question})
            return self._page("ask.html", 400, question=question, error=str(e), examples=supported_forms())
        if as_json:
            return _json(200, result.to_json())
        asked = max(_pages(params).get("page", 1), 1)
        pages = max(1, -(-result.total // PAGE_SIZE))
        if asked > pages:  # past the end (a stale link): the last page
            result, asked = self.site.ask(question, pages), pages
        listed = Paged(result.answers, result.total, asked, pages, "page")
        # only the answers shown are looked up (links, arXiv ids), all at once
        meta = self.site.paper_meta(self.site.paper_iri(a.paper_id) for a in listed.items)
        names = self.site.aliases_of(t.iri for t in result.targets)
        answers = []
        for answer in listed.items:
            paper = meta.get(self.site.paper_iri(answer.paper_id), {})
            marks = names + [answer.details.get("compared") or ""]
            answers.append({"answer": answer, "paper": paper, "marks": [m for m in marks if m]})
        return self._page(
            "ask.html",
            question=question,
            result=result,
            heading=result.form.heading.format(target=" / ".join(t.label for t in result.targets)),
            targets=[{"label": t.label, "href": self.site.local_path(t.iri)} for t in result.targets],
            answers=answers,
            listed=listed,
            more=_more_link(params),
            examples=supported_forms(),
        )

    def entity_page(self, segment: str, params: Mapping[str, list[str]]) -> Response:
        entity = self.site.entity(segment, _pages(params))
        from kgbuild.web.focus import focus_graph

        return self._page("entity.html", e=entity, graph=focus_graph(entity), more=_more_link(params))

    def leaderboard_page(self, segment: str, params: Mapping[str, list[str]]) -> Response:
        board = self.site.leaderboard(segment, _pages(params))
        return self._page("leaderboard.html", b=board, entity_href=f"/entity/{segment}", more=_more_link(params))

    def paper_page(self, segment: str, params: Mapping[str, list[str]]) -> Response:
        return self._page("paper.html", **self.site.paper(segment))

    def console_page(self, params: Mapping[str, list[str]]) -> Response:
        examples = console.examples(list_queries(), self.site.sample_entity())
        chosen = (params.get("example") or [""])[0]
        text = (params.get("query") or [""])[0]
        if not text and chosen:
            text = next((ex["sparql"] for ex in examples if ex["name"] == chosen), "")
        outcome = console.run(self.site, text, self.pool) if text.strip() else None
        response = self._page(
            "console.html",
            query=text or console.DEFAULT_QUERY,
            examples=examples,
            outcome=outcome,
        )
        if outcome is not None and outcome.error:
            response.headers["Cache-Control"] = "no-store"  # a timeout or a busy pool passes
        return response

    def explorer_page(self) -> Response:
        """The build's graph.html (what ``kgbuild build`` wrote), under the CSP that page declares itself."""
        path = Path(self.site.out_dir) / "graph.html"
        if not path.is_file():
            raise NotFound(f"no graph.html in this build; write one with kgbuild viz {self.site.out_dir} -o {path}")
        csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:"
        return Response(200, path.read_bytes(), HTML, {"Content-Security-Policy": csp})

    def static(self, name: str, params: Mapping[str, list[str]]) -> Response:
        path = _static_file(name)
        if path is None:
            raise NotFound(f"no static file {name}")
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media.startswith("text/") or media == "application/javascript":
            media += "; charset=utf-8"
        return Response(200, path.read_bytes(), media, {"Cache-Control": "max-age=3600"})


def _examples(home: Mapping[str, Any]) -> list[str]:
    """The ask forms' examples, with names from this build (FooNet is in no corpus)."""
    compared = [r["entity_label"] for r in home["compared"]]
    benchmarks = [r["benchmark_label"] for r in home["benchmarks"]]
    model = compared[1] if len(compared) > 1 else (compared[0] if compared else "FooNet")
    dataset = benchmarks[0] if benchmarks else "ImageNet-1k"
    first = compared[0] if compared else "GPT-3"
    return [
        ex.replace("FooNet", model).replace("ImageNet-1k", dataset).replace("GPT-3", first) for ex in supported_forms()
    ]


def _pages(params: Mapping[str, list[str]]) -> dict[str, int]:
    """The page number asked for each long list (``?by=2``); anything not a small number is page 1."""
    out = {}
    for key, values in params.items():
        value = values[0] if values else ""
        if value.isdigit() and 0 < len(value) <= 6:
            out[key] = int(value)
    return out


def _more_link(params: Mapping[str, list[str]]) -> Callable[[str, int], str]:
    """For the templates: the query string of this page with one list's page changed."""

    def link(key: str, page: int) -> str:
        kept = {k: v[0] for k, v in params.items() if v and k != key}
        if page > 1:
            kept[key] = str(page)
        return "?" + urlencode(kept) if kept else "?"

    return link


def _static_file(name: str) -> Path | None:
    """A file under static/ (or vis-network from pyvis); never a path outside them."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    if name in ("vis-network.min.js", "vis-network.css"):
        import pyvis

        path = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2" / name
    else:
        path = STATIC / name
    return path if path.is_file() else None


def _json(status: int, payload: Any) -> Response:
    body = json.dumps(payload, indent=1, ensure_ascii=False).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")
