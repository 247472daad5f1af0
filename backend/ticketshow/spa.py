"""Serves the built Vue app (history-mode fallback to index.html) and the re-encoded images.

The fallback lives in the 404 handler rather than a catch-all route, so that /api keeps honest
404 and 405 JSON answers: a catch-all would turn a wrong method on an API path into a page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import current_app, request, send_from_directory
from werkzeug.security import safe_join

from . import i18n
from .errors import error_body
from .i18n import _l

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

    @app.get("/manifest.<locale>.webmanifest")
    @policy.public
    @app.doc(hide=True)
    def localised_manifest(locale: str):
        return _localised_manifest(dist, locale)

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
        return error_body(404, "not_found", _l("Not found."), {"path": path}), 404


# The installed app's description per language; name and short name are the brand, the same everywhere.
MANIFEST_DESCRIPTION = _l("Book tickets for shows at theatres and cinemas near you.")


def _localised_manifest(dist: Path, locale: str):
    """GET /manifest.<en|hi|ta>.webmanifest: the built manifest (vite-plugin-pwa's dist/manifest.webmanifest:
    icons, colours, start_url, scope) with `lang` and `description` in that language. The UI links the one of
    its current language, so an install from a Hindi page is a Hindi app. Unknown locale: 404 JSON."""
    if locale not in i18n.LOCALES:
        return error_body(404, "not_found", _l("Not found."), {"path": request.path}), 404
    source = dist / "manifest.webmanifest"
    if not source.is_file():
        return error_body(503, "ui_not_built", _l("The UI has not been built; run `make run`.")), 503
    manifest = json.loads(source.read_text("utf-8"))
    with i18n.force_locale(locale):
        manifest.update(lang=locale, dir="ltr", description=str(MANIFEST_DESCRIPTION))
    response = current_app.response_class(
        json.dumps(manifest, ensure_ascii=False), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"  # follows a new build at once, like index.html
    return response


def _index_page(dist: Path):
    if not (dist / "index.html").is_file():
        current_app.logger.warning("UI not built: %s/index.html is missing", dist)
        return error_body(503, "ui_not_built", _l("The UI has not been built; run `make run`.")), 503
    response = send_from_directory(dist, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
