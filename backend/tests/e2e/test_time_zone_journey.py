"""The UI takes its time zone and booking limit from the server (GET /api/config), not from its own code:
with APP_TIMEZONE=Europe/London and BOOKING_MAX_QUANTITY=4, in a browser set to Tokyo time, it shows London
times in summer (BST) and winter (GMT) alike, sends times with London's offset for that date, and offers
at most 4 seats — at a phone and a desktop viewport."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD, LiveServer
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.test_booking_journey import Backstage
from tests.e2e.test_foundation_journey import admin_tab, log_in

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def london_server(tmp_path_factory, redis_server):
    # A Redis database of its own, as every LiveServer has: the session's live server's cache cannot answer here.
    server = LiveServer(
        tmp_path_factory.mktemp("london"),
        redis_server["url"],
        APP_TIMEZONE="Europe/London",
        BOOKING_MAX_QUANTITY="4",
    ).start()
    yield server
    server.stop()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, london_server):
    # The visitor's own clock says Tokyo: only the server's setting may decide what is shown.
    context = browser.new_context(base_url=london_server.url, timezone_id="Asia/Tokyo", **VIEWPORTS[request.param])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def test_times_are_shown_and_sent_in_the_server_time_zone(page, london_server):
    tag, year = os.urandom(3).hex(), datetime.now(timezone.utc).year + 1
    summer = datetime(year, 7, 1, 17, 30, tzinfo=timezone.utc)  # 18:30 BST; 23:00 in Kolkata, 02:30 in Tokyo
    winter = datetime(year, 12, 1, 18, 30, tzinfo=timezone.utc)  # 18:30 GMT
    stage = Backstage(london_server.url)
    hall = stage.post("/api/theatres", {"name": f"Old Vic {tag}", "place": "London", "capacity": 30})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Hamlet {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 40,
            "screenings": [
                {"theatre_id": hall["id"], "starts_at": summer.isoformat()},
                {"theatre_id": hall["id"], "starts_at": winter.isoformat()},
            ],
        },
    )
    screenings = stage.screenings(show["id"])
    assert [s["starts_at"] for s in screenings] == [f"{year}-07-01T18:30:00+01:00", f"{year}-12-01T18:30:00+00:00"]

    # shown: both at 6:30 pm, under London's days, and the footer names London's zone as it is now
    page.goto(f"/shows/{show['id']}")
    expect(page.locator("time.ts-showtime")).to_have_text(["6:30 pm", "6:30 pm"])
    expect(page.get_by_text(f"1 July {year}")).to_be_visible()
    expect(page.get_by_text(f"1 December {year}")).to_be_visible()
    zone_now = "British Summer Time" if datetime.now(LONDON).dst() else "Greenwich Mean Time"
    expect(page.get_by_text(f"Showtimes are in {zone_now}.")).to_be_visible()

    # sent: What's on asks from now, with London's offset now
    with page.expect_request(re.compile(r"/api/screenings\?")) as listed:
        page.goto("/whats-on")
    query = parse_qs(urlparse(listed.value.url).query)
    sent_from = datetime.fromisoformat(query["from"][0])
    assert sent_from.utcoffset() == datetime.now(LONDON).utcoffset()
    assert abs((sent_from - datetime.now(timezone.utc)).total_seconds()) < 120

    # the booking page offers at most BOOKING_MAX_QUANTITY seats
    stage.post(
        "/api/auth/signup",
        {"username": f"viola-{tag}", "email": f"viola-{tag}@example.com", "password": "violet-tamarind-42"},
    )
    log_in(page, f"viola-{tag}", "violet-tamarind-42")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/book/{screenings[0]['id']}")
    quantity = page.get_by_role("spinbutton")
    expect(quantity).to_have_attribute("max", "4")
    for _ in range(5):
        if page.get_by_role("button", name="More tickets").is_disabled():
            break
        page.get_by_role("button", name="More tickets").click()
    expect(quantity).to_have_value("4")
    expect(page.get_by_role("button", name="More tickets")).to_be_disabled()


def test_admin_types_london_wall_time_and_the_server_gets_the_right_instant(page, london_server):
    tag, year = os.urandom(3).hex(), datetime.now(timezone.utc).year + 1
    stage = Backstage(london_server.url)
    hall = stage.post("/api/theatres", {"name": f"Globe {tag}", "place": "London", "capacity": 30})
    show = stage.post("/api/shows", {"name": f"Tempest {tag}", "rating": 4, "tags": ["drama"], "ticket_price": 40})

    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/admin/screenings")
    for wall in (f"{year}-07-02T20:00", f"{year}-12-02T20:00"):  # BST, then GMT
        page.get_by_role("button", name="Add screening").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Show").select_option(label=show["name"])
        dialog.get_by_label("Theatre").select_option(label=hall["name"])
        dialog.get_by_label("Starts at").fill(wall)
        dialog.get_by_label("Price", exact=True).fill("40")
        dialog.get_by_role("button", name="Save").click()
        expect(dialog).to_have_count(0)
    starts = sorted(s["starts_at"] for s in stage.screenings(show["id"]))
    assert starts == [f"{year}-07-02T20:00:00+01:00", f"{year}-12-02T20:00:00+00:00"]
    instants = [datetime.fromisoformat(s).astimezone(timezone.utc).hour for s in starts]
    assert instants == [19, 20]
    admin_tab(page, "Screenings")  # the list shows them back at the wall time typed
    row = page.get_by_role("listitem").filter(has_text=show["name"]).first
    expect(row).to_contain_text("8:00 pm")
