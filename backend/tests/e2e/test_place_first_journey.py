"""Issue 16, place-aware show pages: a user whose preferred place is Chennai sees a show's Chennai screenings
first, under a "Chennai" heading, although Madurai's is sooner; a visitor without a place sees the soonest
place first. At a phone and a desktop viewport, axe clean."""

from __future__ import annotations

import os
import re

import requests
from playwright.sync_api import expect

from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import log_in


def test_a_chennai_user_sees_chennai_first(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    madurai = stage.post("/api/theatres", {"name": f"Vaigai {tag}", "place": f"Madurai {tag}", "capacity": 40})
    chennai = stage.post("/api/theatres", {"name": f"Marina {tag}", "place": f"Chennai {tag}", "capacity": 40})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Mazhaikaalam {tag}",
            "rating": 4,
            "tags": ["romance"],
            "ticket_price": 350,
            "screenings": [
                {"theatre_id": madurai["id"], "starts_at": at(days=1), "price": 250},
                {"theatre_id": chennai["id"], "starts_at": at(days=2), "price": 300},
            ],
        },
    )
    screenings = page.locator("section[aria-labelledby='show-screenings']")

    page.goto(f"/shows/{show['id']}")
    expect(screenings.locator("h3").first).to_have_text(f"Madurai {tag}")  # no place of one's own: soonest

    name = f"chennai-{tag}-{ui.viewport}"
    stage.post("/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    user = stage.headers(name, PASSWORD)
    answer = requests.patch(
        f"{live_server.url}/api/auth/me/preferences", json={"place": f"Chennai {tag}"}, headers=user
    )
    assert answer.status_code == 200
    log_in(page, name, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))  # logged in (the menu is folded on a phone)
    page.goto(f"/shows/{show['id']}")
    expect(screenings.locator("h3").first).to_have_text(f"Chennai {tag}")
    expect(screenings.locator("h3")).to_have_count(1)  # one place in view; the switch offers the other
    expect(page.get_by_role("group", name="Place").get_by_role("button")).to_have_count(2)
    expect(screenings.locator("[data-screening-id]").first).to_contain_text(f"Marina {tag}")
    assert axe_violations(page, f"/shows/{show['id']} as a Chennai user") == []
