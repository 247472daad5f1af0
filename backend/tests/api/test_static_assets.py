"""Issue 16, first load: the build's hashed assets go out Brotli- or gzip-compressed (precompressed at build
time) with Vary: Accept-Encoding and a year's immutable cache; index.html is never cached without a check."""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import brotli  # in requirements.lock already (WeasyPrint uses it)
import pytest
from PIL import Image

from ticketshow import create_app

from ..conftest import make_settings

SCRIPT = b"console.log('" + b"ticket show " * 400 + b"')\n"


@pytest.fixture
def ui_app(tmp_path, data_dir, app_redis_url):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<html><script src="/assets/app-1a2b3c.js"></script></html>')
    (dist / "assets" / "app-1a2b3c.js").write_bytes(SCRIPT)
    (dist / "assets" / "app-1a2b3c.js.gz").write_bytes(gzip.compress(SCRIPT))
    (dist / "assets" / "app-1a2b3c.js.br").write_bytes(brotli.compress(SCRIPT))
    (dist / "assets" / "plain-9f8e7d.css").write_bytes(b"body{color:red}")  # too small to be compressed
    application = create_app(make_settings(data_dir, app_redis_url, ui_dist=dist))
    with application.app_context():
        yield application


def _get(app, path, encoding=None):
    headers = {"Accept-Encoding": encoding} if encoding is not None else {}
    return app.test_client().get(path, headers=headers)


def test_brotli_then_gzip_then_plain_by_accept_encoding(ui_app):
    for accept, encoding, decode in [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("gzip;q=1.0, br;q=0", "gzip", gzip.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("identity", None, bytes),
        (None, None, bytes),
    ]:
        response = _get(ui_app, "/assets/app-1a2b3c.js", accept)
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == encoding, accept
        assert response.mimetype == "text/javascript"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert decode(response.data) == SCRIPT


def test_a_file_without_a_compressed_copy_goes_out_as_it_is(ui_app):
    response = _get(ui_app, "/assets/plain-9f8e7d.css", "br, gzip")
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert response.mimetype == "text/css" and response.data == b"body{color:red}"
    assert _get(ui_app, "/assets/missing-000000.js", "br").status_code == 404
    assert _get(ui_app, "/assets/../index.html", "br").status_code == 404


def test_index_html_is_revalidated_every_time(ui_app):
    response = _get(ui_app, "/", "br")
    assert response.headers["Cache-Control"] == "no-cache"


def test_the_real_build_ships_every_script_and_style_precompressed(client):
    """The built UI (make ui): every JS and CSS asset has .br and .gz beside it, and the home page's own
    assets are answered in Brotli."""
    dist = Path(client.application.config["UI_DIST"])
    if not (dist / "index.html").exists():
        pytest.fail("the UI must be built before the tests (make test builds it)")
    assets = [p for p in (dist / "assets").iterdir() if p.suffix in {".js", ".css"}]
    assert len(assets) > 20
    for asset in assets:
        if asset.stat().st_size >= 1024:
            assert asset.with_name(asset.name + ".br").is_file() and asset.with_name(asset.name + ".gz").is_file()
    linked = re.findall(r'(?:src|href)="(/assets/[^"]+)"', (dist / "index.html").read_text())
    assert linked
    for path in linked:
        response = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
        small = (dist / path.lstrip("/")).stat().st_size < 1024  # the build leaves those as they are
        assert response.status_code == 200, path
        assert response.headers.get("Content-Encoding") == (None if small else "br"), path
        assert response.headers["Cache-Control"].endswith("immutable") and "Accept-Encoding" in response.headers["Vary"]


def test_landing_pages_preload_their_first_data_and_poster(ui_app):
    """index.html's Link header names what the page asks for first (spa.py): the settings on every page; on the
    home page the list and the newest show's poster; on a show's page its data and poster. Nothing the page
    would not ask for: no list for a filtered home page, no poster for a show without one or an unknown show."""
    from ..conftest import Api

    api = Api(ui_app.test_client())
    admin = api.admin_headers()
    plain = api.create_show(admin)
    pictured = api.create_show(admin)
    out = io.BytesIO()
    Image.new("RGB", (60, 90), (120, 30, 60)).save(out, "PNG")
    uploaded = api.client.put(
        f"/api/shows/{pictured['id']}/image", headers=admin, data={"image": (io.BytesIO(out.getvalue()), "p.png")}
    )
    poster = uploaded.get_json()["image_url"]
    config = "</api/config>; rel=preload; as=fetch; crossorigin"

    def links(path):
        response = _get(ui_app, path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
        return re.split(r", (?=<)", response.headers.get("Link", ""))  # a quoted srcset has commas of its own

    # The poster as the page's <img> asks for it: the same srcset and sizes (frontend/src/utils/images.js).
    srcset = f"{poster}?w=200 200w, {poster}?w=400 400w, {poster}?w=800 800w"
    card_sizes = "(min-width: 992px) 330px, (min-width: 768px) 33vw, 50vw"
    assert links("/") == [
        config,
        "</api/shows?sort=latest&page=1&per_page=12>; rel=preload; as=fetch; crossorigin",
        f'<{poster}>; rel=preload; as=image; imagesrcset="{srcset}"; imagesizes="{card_sizes}"; fetchpriority=high',
    ]
    detail_sizes = "(min-width: 576px) 330px, 100vw"
    assert links(f"/shows/{pictured['id']}") == [
        config,
        f"</api/shows/{pictured['id']}>; rel=preload; as=fetch; crossorigin",
        f'<{poster}>; rel=preload; as=image; imagesrcset="{srcset}"; imagesizes="{detail_sizes}"; fetchpriority=high',
    ]
    assert links(f"/shows/{plain['id']}") == [config, f"</api/shows/{plain['id']}>; rel=preload; as=fetch; crossorigin"]
    assert links("/shows/999999") == links("/?tag=drama") == links("/my-bookings") == [config]
