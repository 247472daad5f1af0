"""Browser-side defences on every answer, and the API docs page served without a CDN.

- Content-Security-Policy: scripts only from this origin, plus the one inline script of index.html (the
  colour-theme snippet that must run before the first paint) allowed by its SHA-256, computed from the
  built file at start-up; no eval, no plugins, no <base> tricks; frame-ancestors 'none' (and
  X-Frame-Options for older browsers) so no other site can frame us for clickjacking. Styles may be
  inline: Vue and Bootstrap set style attributes, and the report preview is an iframe srcdoc with its own
  <style>; CSS cannot run script.
- X-Content-Type-Options: nosniff and Referrer-Policy: strict-origin-when-cross-origin (screening and
  booking URLs never leak to other sites; same-origin requests keep the full referrer).
- /api/docs: Swagger UI from the pinned `flask-swagger-ui` package's files (never a CDN), started by a
  static script file, so the docs page needs no inline script either.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from flask import Response, send_from_directory

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)

DOCS_HTML = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Ticket Show API</title>
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/assets/init.js"></script>
</body>
</html>
"""
DOCS_INIT_JS = """window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
});
"""


def inline_script_hashes(index_html: str) -> list[str]:
    """CSP source expressions ('sha256-…') for every inline <script> in `index_html`."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(index_html)
    ]


def content_security_policy(script_hashes: list[str]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(script_hashes) if script_hashes else "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# A report page opened on its own: no script at all, in a unique origin (CSP sandbox), styles inline.
REPORT_CSP = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
    "style-src 'unsafe-inline'; img-src data: 'self'; frame-ancestors 'self'"
)


def _swagger_dist() -> Path:
    import flask_swagger_ui

    return Path(flask_swagger_ui.__file__).resolve().parent / "dist"


def register_security(app) -> None:
    index = Path(app.config["UI_DIST"]) / "index.html"
    hashes = inline_script_hashes(index.read_text("utf-8")) if index.is_file() else []
    policy = content_security_policy(hashes)
    app.config["CONTENT_SECURITY_POLICY"] = policy

    from . import policy

    @app.get("/api/docs")
    @policy.public
    @app.doc(hide=True)
    def api_docs():
        return Response(DOCS_HTML, mimetype="text/html", headers={"Cache-Control": "no-cache"})

    @app.get("/api/docs/assets/<path:filename>")
    @policy.public
    @app.doc(hide=True)
    def api_docs_assets(filename: str):
        if filename == "init.js":
            return Response(DOCS_INIT_JS, mimetype="text/javascript")
        return send_from_directory(_swagger_dist(), filename, max_age=24 * 3600)

    app.wsgi_app = _DefenceHeaders(app.wsgi_app, app.config)


class _DefenceHeaders:
    """WSGI middleware: the headers above on every answer the app gives (a header the view set itself,
    such as a report's sandbox CSP, is kept), and no Server header.

    Added to the plain list of (name, value) pairs the app hands to start_response: the same as an
    after_request hook with Werkzeug's Headers.setdefault, at a tenth of its cost on every request.
    """

    def __init__(self, wsgi_app, config):
        self.wsgi_app, self.config = wsgi_app, config

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            if "server" in present:
                headers[:] = [(name, value) for name, value in headers if name.lower() != "server"]
            for name, value in (
                ("Content-Security-Policy", self.config["CONTENT_SECURITY_POLICY"]),
                ("X-Content-Type-Options", "nosniff"),
                ("X-Frame-Options", "DENY"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"),
            ):
                if name.lower() not in present:
                    headers.append((name, value))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)
