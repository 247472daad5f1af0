"""Issue 16, first load: in the browser, the home page's scripts and style sheets arrive Brotli-compressed with
a year's immutable cache, the icon font is the small subset, and the page still shows its icons; at a phone
and a desktop viewport."""

from __future__ import annotations

from playwright.sync_api import expect


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
