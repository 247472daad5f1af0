"""Issue 16, first load: in the browser, the home page's scripts and style sheets arrive Brotli-compressed with
a year's immutable cache, the icon font is the small subset, and the page still shows its icons; the first
screen's data is asked for once (preloaded by index.html's Link header) and its first posters first; at a
phone and a desktop viewport."""

from __future__ import annotations

import io
import os

import requests
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.test_booking_journey import Backstage


def test_assets_arrive_compressed_and_cached(ui, live_server):
    page = ui.page
    assets = []
    page.on("response", lambda r: assets.append(r) if "/assets/" in r.url else None)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    code = [r for r in assets if r.url.endswith((".js", ".css"))]
    assert code, "no scripts or style sheets were loaded"
    for response in code:
        headers = response.all_headers()
        assert headers.get("content-encoding") == "br" or len(response.body()) < 1024, response.url
        assert headers["cache-control"] == "public, max-age=31536000, immutable", response.url
        assert "accept-encoding" in headers["vary"].lower(), response.url
    fonts = [r for r in assets if ".woff2" in r.url]  # the CSS adds a ?version
    assert fonts and all(len(r.body()) < 20_000 for r in fonts)  # the full icon font is 134 KB
    # the search button's magnifier is drawn by the icon font: its glyph has a width
    icon = page.locator("form[role='search'] .bi-search").first
    expect(icon).to_be_visible()
    assert page.evaluate("document.fonts.check('16px bootstrap-icons')")
    assert icon.evaluate("e => e.getBoundingClientRect().width") > 0


def _poster(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 450), color).save(out, "PNG")
    return out.getvalue()


def test_first_screen_asks_for_its_data_once_and_its_first_posters_first(ui, live_server):
    """The home page's list and first poster come from the requests index.html's Link header preloaded (one GET
    each, not two), and the first two cards' posters load at once at high priority while the rest wait until
    they are near."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    for n in range(3):  # the newest first on the home page
        show = stage.post(
            "/api/shows", {"name": f"Poster {n} {tag}", "rating": 4, "tags": ["drama"], "ticket_price": 200}
        )
        uploaded = requests.put(
            f"{live_server.url}/api/shows/{show['id']}/image",
            files={"image": ("p.png", _poster((40 * n, 30, 60)), "image/png")},
            headers=stage.admin,
        )
        assert uploaded.status_code == 200, uploaded.text
    lists, posters = [], []
    page.on("request", lambda r: lists.append(r.url) if "/api/shows?" in r.url else None)
    page.on("request", lambda r: posters.append(r.url) if "/media/" in r.url else None)
    page.goto("/")
    cards = page.locator(".ts-card")
    expect(cards.first).to_contain_text(f"Poster 2 {tag}")
    images = cards.locator(".ts-poster img")
    expect(images.nth(2)).to_be_attached()
    assert [images.nth(n).get_attribute("fetchpriority") for n in range(3)] == ["high", "high", "auto"]
    assert [images.nth(n).get_attribute("loading") for n in range(3)] == ["eager", "eager", "lazy"]
    page.wait_for_load_state("networkidle")
    assert len(lists) == 1, lists
    # The first poster is the copy the Link header preloaded, chosen with the page's own srcset and sizes: one
    # request, and the 400 px copy both at 375 px (a card 2 x 170 device px wide) and at 1366 px (330 px), where
    # sizes saying the whole width would have taken the 800 px one.
    first = images.nth(0).evaluate("img => img.currentSrc")
    assert first.endswith("?w=400"), first
    assert [url for url in posters if url.split("?")[0] == first.split("?")[0]] == [first], posters
