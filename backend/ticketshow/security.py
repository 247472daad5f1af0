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

from flask import Response, current_app, send_from_directory

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

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.pop("Server", None)
        return response
