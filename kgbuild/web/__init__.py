"""The local web app of ``kgbuild serve``: ask, entity, leaderboard, paper and console pages.

``WebApp(out_dir).handle(method, path, query, headers)`` returns a ``Response``; the HTTP
server calls it for every GET/HEAD that is not a SPARQL protocol request.
"""

from kgbuild.web.app import Response, WebApp, wants_html

__all__ = ["Response", "WebApp", "wants_html"]
