"""Installable and offline: the manifest and service worker are served and registered, and the lists a
user saw open offline with a clear banner."""

import re

import requests
from playwright.sync_api import expect

from tests.e2e.test_booking_journey import Backstage


def test_manifest_service_worker_and_offline_lists(ui, live_server):
    page, context = ui.page, ui.page.context
    stage = Backstage(live_server.url)
    stage.post("/api/shows", {"name": "Offline Show", "rating": 4, "tags": ["drama"], "ticket_price": 120})

    page.goto("/")
    cards = page.locator("main article.card .card-title")
    expect(cards.first).to_be_visible()
    titles = cards.all_inner_texts()
    assert "Offline Show" in titles

    assert page.evaluate("navigator.serviceWorker.ready.then(r => new URL(r.scope).pathname)") == "/"
    # a promise, not wait_for_function: the page's CSP (no 'unsafe-eval') refuses Playwright's polled predicates
    page.evaluate(
        "new Promise(done => navigator.serviceWorker.controller ? done(true)"
        " : navigator.serviceWorker.addEventListener('controllerchange', () => done(true), {once: true}))"
    )
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == live_server.url + "/sw.js"

    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href == "/manifest.webmanifest"
    manifest_response = requests.get(live_server.url + href)
    assert manifest_response.status_code == 200 and "manifest+json" in manifest_response.headers["Content-Type"]
    manifest = manifest_response.json()
    assert manifest["name"] == "Ticket Show" and manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes and any("maskable" in icon.get("purpose", "") for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert requests.get(live_server.url + "/" + icon["src"].lstrip("/")).headers["Content-Type"] == "image/png"

    page.wait_for_function(
        "async () => (await (await caches.open('ticketshow-api')).keys())"
        ".some(k => new URL(k.url).pathname === '/api/shows')",
        polling=250,
    )
    context.set_offline(True)
    try:
        page.reload()
        expect(page.get_by_role("status").filter(has_text=re.compile(r"^You are offline"))).to_be_visible()
        expect(cards.first).to_be_visible()
        assert cards.all_inner_texts() == titles
        ui.shot("offline")
    finally:
        context.set_offline(False)
