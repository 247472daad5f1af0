"""Serves the built Vue app (history-mode fallback to index.html) and the re-encoded images.

The fallback lives in the 404 handler rather than a catch-all route, so that /api keeps honest
404 and 405 JSON answers: a catch-all would turn a wrong method on an API path into a page.
"""

from __future__ import annotations

import json
import mimetypes
import re
from pathlib import Path

from flask import current_app, request, send_from_directory
from werkzeug.security import safe_join

from . import i18n
from .catalog import images
from .catalog.schemas import ImageQuery
from .errors import error_body
from .i18n import _l

HASHED_ASSET_MAX_AGE = 365 * 24 * 3600


def register_spa(app) -> None:
    from . import policy

    dist = Path(app.config["UI_DIST"])

    @app.get("/media/<path:filename>")
    @policy.public
    @app.input(ImageQuery, location="query", arg_name="query")
    @app.doc(hide=True)  # files, as /assets: the OpenAPI document is the /api contract (docs/api.md has `w`)
    def media(filename: str, query: dict):
        """Get a poster or theatre photo

        A show's or theatre's `image_url` (a WebP at most 1,600 px on its longer side). `w` asks for a copy at
        most 200, 400 or 800 px wide, for `srcset`: made the first time it is asked for, then kept; any other
        `w` is 422 `validation_error`. Names are random and never reused, so every answer may be cached for good.
        """
        media_dir = Path(app.config["MEDIA_DIR"])
        if "w" in query:
            filename = images.variant(media_dir, filename, query["w"])
            if filename is None:
                return error_body(404, "not_found", _l("Not found."), {"path": request.path}), 404
        response = send_from_directory(media_dir, filename, max_age=HASHED_ASSET_MAX_AGE)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.get("/assets/<path:filename>")
    @policy.public
    @app.doc(hide=True)
    def assets(filename: str):
        return _hashed_asset(dist / "assets", filename)

    @app.get("/")
    @policy.public
    @app.doc(hide=True)
    def index():
        return _index_page(dist, [CONFIG_HINT] + (_home_hints() if not request.query_string else []))

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
            show = SHOW_PAGE.fullmatch(path)
            hints = _show_hints(int(show[1])) if show and not request.query_string else []
            return _index_page(dist, [CONFIG_HINT] + hints)
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


# Encodings the build writes next to each asset (vite-plugin-compression2), best first.
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))


def _accepted_encodings() -> set[str]:
    """Content codings the client accepts (q=0 refuses one)."""
    accepted = set()
    for part in request.headers.get("Accept-Encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            if name and float(quality) > 0:
                accepted.add(name.strip().lower())
        except ValueError:
            continue
    return accepted


def _hashed_asset(folder: Path, filename: str):
    """A hashed build file (its name changes with its content, so it is cached for a year, immutable), as
    the Brotli or gzip copy the build made beside it when the client accepts one (Vary: Accept-Encoding);
    otherwise as it is. The copy keeps the original's Content-Type."""
    plain = safe_join(str(folder), filename)
    accepted = _accepted_encodings()
    encoding = None
    if plain and Path(plain).is_file():
        for name, suffix in PRECOMPRESSED:
            if name in accepted and Path(plain + suffix).is_file():
                encoding = (name, suffix)
                break
    if encoding:
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = send_from_directory(folder, filename + encoding[1], max_age=HASHED_ASSET_MAX_AGE, mimetype=mimetype)
        response.headers["Content-Encoding"] = encoding[0]
    else:
        response = send_from_directory(folder, filename, max_age=HASHED_ASSET_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={HASHED_ASSET_MAX_AGE}, immutable"
    response.vary.add("Accept-Encoding")
    return response


# The UI's first request on its two landing pages (frontend/src/api/shows.js: homeListParams with no filters,
# showRequest with no place), and the posters preloaded: the first only, the largest picture on a phone's first
# screen (the page's largest contentful paint); a second would share the slow network with the scripts.
HOME_FIRST_REQUEST = "/api/shows?sort=latest&page=1&per_page=12"
HOME_FIRST_POSTERS = 1
SHOW_PAGE = re.compile(r"/shows/(\d+)")


def _fetch_hint(url: str) -> str:
    # crossorigin (anonymous): the same credentials mode as the UI's fetch(), which the browser requires to
    # hand the preloaded answer to it (as it does only when the request sends no headers of its own).
    return f"<{url}>; rel=preload; as=fetch; crossorigin"


# Every page mounts once it has the settings (frontend/src/main.js, serverConfig.js).
CONFIG_HINT = _fetch_hint("/api/config")


def _home_hints() -> list[str]:
    """Link header values for GET / (no query): the home page's list and its first posters."""
    from .catalog import service

    shows = service.list_shows(sort="latest", page=1, per_page=HOME_FIRST_POSTERS)["items"]  # ShowOut-shaped dicts
    return [_fetch_hint(HOME_FIRST_REQUEST)] + [
        _poster_hint(show["image_url"], CARD_SIZES) for show in shows if show["image_url"]
    ]


def _show_hints(show_id: int) -> list[str]:
    """Link header values for GET /shows/<id> (no query): the show's data and poster (none for an unknown show)."""
    from .catalog.models import Show
    from .extensions import db

    show = db.session.get(Show, show_id)
    if show is None or show.removed_at is not None:
        return []
    poster = [_poster_hint(show.image_url, DETAIL_SIZES)] if show.image_url else []
    return [_fetch_hint(f"/api/shows/{show_id}")] + poster


# How wide the posters are drawn, as the UI tells the browser (`sizes`: CARD_SIZES and DETAIL_SIZES in
# frontend/src/utils/images.js; keep them equal): the preload then picks, from the same `srcset`, the copy the
# page's <img> will ask for (200 px on a phone's card at one device pixel per CSS pixel) and the page takes it.
CARD_SIZES = "(min-width: 992px) 330px, (min-width: 768px) 33vw, 50vw"
DETAIL_SIZES = "(min-width: 576px) 330px, 100vw"


def _poster_hint(url: str, sizes: str) -> str:
    srcset = ", ".join(f"{url}?w={width} {width}w" for width in images.VARIANT_WIDTHS)
    return f'<{url}>; rel=preload; as=image; imagesrcset="{srcset}"; imagesizes="{sizes}"; fetchpriority=high'


def _index_page(dist: Path, hints: list[str] = ()):
    """index.html, never cached without asking. `hints`: Link header values (rel=preload) naming what the
    page will ask for first, so a phone fetches the first page's data and posters while the scripts are
    still on their way instead of one round trip after another (docs/benchmarks.md, bench/ui_vitals.py)."""
    if not (dist / "index.html").is_file():
        current_app.logger.warning("UI not built: %s/index.html is missing", dist)
        return error_body(503, "ui_not_built", _l("The UI has not been built; run `make run`.")), 503
    response = send_from_directory(dist, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    if hints:
        response.headers["Link"] = ", ".join(hints)
    return response
