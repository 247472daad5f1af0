"""axe-core finds no serious or critical accessibility violation on any page, at either viewport."""

import os
import time
from datetime import datetime, timedelta, timezone

import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.e2e.test_booking_journey import PASSWORD, Backstage
from tests.e2e.test_foundation_journey import log_in

SERIOUS = {"serious", "critical"}


def violations_on(page, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return axe_violations(page, path)


def axe_violations(page, where):
    # The pointer is moved off the content first: left where the last click was, it can end up over a button
    # that a late layout shift brings under it after the wait below, and axe then reads that button mid-way
    # through its hover transition (seen once on the Tamil booking confirmation's "What's on" button).
    page.mouse.move(0, 0)
    # Wait out fades and colour transitions: axe reads a half-faded dialog or toast, or a button whose hover
    # colours are still changing under the pointer (Bootstrap's 0.15 s), and reports low contrast.
    expect(
        page.locator(".modal-fade-enter-active, .toast-slide-enter-active, .toast-slide-leave-active")
    ).to_have_count(0)
    page.wait_for_function(
        "() => document.getAnimations().every("
        "(a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)"  # spinners spin on
    )
    results = Axe().run(page)
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def run_forecast(stage):
    """Runs the popularity forecast through the API and waits for its job, so the dashboard shows one."""
    accepted = requests.post(f"{stage.base}/api/admin/jobs/forecast", headers=stage.admin)
    assert accepted.status_code == 202, accepted.text
    job = accepted.json()
    deadline = time.time() + 30
    while time.time() < deadline:
        state = requests.get(f"{stage.base}/api/jobs/{job['job_id']}", headers=stage.admin).json()["state"]
        if state in ("done", "failed"):
            assert state == "done"
            return
        time.sleep(0.2)
    raise AssertionError("the forecast job did not finish")


def test_no_serious_accessibility_violations(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    theatre = stage.post("/api/theatres", {"name": f"Axe hall {tag}", "place": "Pune", "capacity": 20})
    starts = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    later_starts = (datetime.now(timezone.utc) + timedelta(days=1, hours=4)).isoformat()  # one hall, one show at a time
    show = stage.post(
        "/api/shows",
        {
            "name": f"Axe show {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 90,
            "screenings": [{"theatre_id": theatre["id"], "starts_at": starts}],
        },
    )
    screening_id = stage.screening_ids(show["id"])[0]
    username = f"axe-{tag}-{ui.viewport}"
    stage.post(
        "/api/auth/signup",
        {"username": username, "email": f"axe-{os.urandom(3).hex()}@example.com", "password": PASSWORD},
    )
    # every state a page can show: a houseful screening, a booking, a past booking to rate
    box = stage.post("/api/theatres", {"name": f"Axe box {tag}", "place": "Pune", "capacity": 1})
    stage.post("/api/screenings", {"show_id": show["id"], "theatre_id": box["id"], "starts_at": starts})
    houseful = [s["id"] for s in stage.screenings(show["id"]) if s["theatre"]["id"] == box["id"]][0]
    user = stage.headers(username, PASSWORD)
    stage.post("/api/bookings", {"screening_id": houseful, "quantity": 1}, user)
    stage.post("/api/bookings", {"screening_id": screening_id, "quantity": 2}, user)
    # a show priced by demand whose price has moved (trend badges, price history), and a forecast
    dynamic = stage.post(
        "/api/shows",
        {
            "name": f"Axe demand {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 100,
            "dynamic_pricing": {"enabled": True},
            "screenings": [{"theatre_id": theatre["id"], "starts_at": later_starts}],
        },
    )
    moving = stage.screening_ids(dynamic["id"])[0]
    stage.post("/api/bookings", {"screening_id": moving, "quantity": 3}, user)
    run_forecast(stage)

    found = []
    for path in (
        "/",
        "/whats-on",
        "/theatres",
        f"/theatres/{theatre['id']}",
        f"/shows/{show['id']}",
        f"/shows/{dynamic['id']}",
        "/login",
        "/signup",
        "/no-such-page",
    ):
        found += violations_on(page, path)
    log_in(page, username, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    for path in (f"/book/{screening_id}", f"/book/{moving}", "/my-bookings", "/reports", "/account"):
        found += violations_on(page, path)
    page.evaluate("localStorage.clear()")
    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    for path in ("/admin/dashboard", "/admin/theatres", "/admin/shows", "/admin/screenings"):
        found += violations_on(page, path)
    page.goto(f"/admin/screenings?show_id={dynamic['id']}")
    page.get_by_role("button", name="Price history").first.click()
    expect(page.get_by_role("dialog").get_by_test_id("price-changes")).to_be_visible()
    found += axe_violations(page, "price history dialog")
    page.goto(f"/admin/shows?q=Axe demand {tag}")
    page.get_by_role("button", name="Edit").first.click()
    expect(page.get_by_role("switch", name="Move prices with demand")).to_be_checked()
    found += axe_violations(page, "show form with dynamic pricing")
    assert found == []
