"""Serves the built Vue app (history-mode fallback to index.html) and the re-encoded images.

The fallback lives in the 404 handler rather than a catch-all route, so that /api keeps honest
404 and 405 JSON answers: a catch-all would turn a wrong method on an API path into a page.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app, request, send_from_directory
from werkzeug.security import safe_join

from .errors import error_body

HASHED_ASSET_MAX_AGE = 365 * 24 * 3600


def register_spa(app) -> None:
    from . import policy

    dist = Path(app.config["UI_DIST"])

    @app.get("/media/<path:filename>")
    @policy.public
    @app.doc(hide=True)
    def media(filename: str):
        # Image names are random and never reused, so they may be cached for good.
        response = send_from_directory(app.config["MEDIA_DIR"], filename, max_age=HASHED_ASSET_MAX_AGE)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.get("/assets/<path:filename>")
    @policy.public
    @app.doc(hide=True)
    def assets(filename: str):
        response = send_from_directory(dist / "assets", filename, max_age=HASHED_ASSET_MAX_AGE)
        response.headers["Cache-Control"] = f"public, max-age={HASHED_ASSET_MAX_AGE}, immutable"
        return response

    @app.get("/")
    @policy.public
    @app.doc(hide=True)
    def index():
        return _index_page(dist)

    @app.errorhandler(404)
    def not_found(error):
        path = request.path
        # Slashes are not merged by routing, so "//api//x" is judged by its merged form: still the API.
        merged = re.sub("/{2,}", "/", path)
        if (
            request.method in {"GET", "HEAD"}
            and not merged.startswith(("/api/", "/media/", "/assets/"))
            and merged.rstrip("/") not in {"/api", "/media", "/assets"}
        ):
            file_path = safe_join(str(dist), path.lstrip("/"))
            if file_path and Path(file_path).is_file():
                return send_from_directory(dist, path.lstrip("/"), max_age=0)
            return _index_page(dist)
        return error_body(404, "not_found", "Not found.", {"path": path}), 404


def _index_page(dist: Path):
    if not (dist / "index.html").is_file():
        current_app.logger.warning("UI not built: %s/index.html is missing", dist)
        return error_body(503, "ui_not_built", "The UI has not been built; run `make run`."), 503
    response = send_from_directory(dist, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
