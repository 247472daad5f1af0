"""A page past the last one of a list (an old link, or the last row of the last page cancelled or deleted)
shows the last page, not the list's empty state: "No upcoming bookings" or "No shows yet" there said that
there was nothing at all, and hid the pages that had something (found walking the app, at 375 and 1366 px)."""

import os
import re

from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import log_in


def test_my_bookings_past_the_last_page_shows_the_last_page(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Paging Hall {tag}", "place": "Chennai", "capacity": 30})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Paging {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 150,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(3)}],
        },
    )
    username = f"pager-{tag}-{ui.viewport}"
    stage.post("/api/auth/signup", {"username": username, "email": f"{username}@example.com", "password": PASSWORD})
    me = stage.headers(username, PASSWORD)
    stage.post("/api/bookings", {"screening_id": stage.screening_ids(show["id"])[0], "quantity": 1}, me)

    log_in(page, username, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/my-bookings?page=7")
    expect(page.get_by_role("link", name=f"Paging {tag}")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"page="))  # page 1, the last, is the default and leaves the URL
    expect(page.get_by_text("No upcoming bookings")).to_have_count(0)
    assert ui.console_errors == []


def test_an_admin_list_past_the_last_page_shows_the_last_page(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    Backstage(live_server.url).post(
        "/api/shows", {"name": f"Paged {tag}", "rating": 3, "tags": ["drama"], "ticket_price": 90}
    )
    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/admin/shows?page=999")
    expect(page.locator(".ts-admin-row").first).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"page=999"))
    expect(page).to_have_url(re.compile(r"/admin/shows(\?page=\d+)?$"))
    expect(page.get_by_text("No shows yet")).to_have_count(0)
    assert ui.console_errors == []


def test_the_home_page_past_the_last_page_shows_the_last_page(ui, live_server):
    """The home page too: "/?page=999" showed "No shows yet" on a catalogue full of shows."""
    page, tag = ui.page, os.urandom(3).hex()
    Backstage(live_server.url).post(
        "/api/shows", {"name": f"Home paged {tag}", "rating": 3, "tags": ["drama"], "ticket_price": 90}
    )
    page.goto("/?page=999")
    expect(page.locator("article.ts-card").first).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"page=999"))
    expect(page.get_by_text("No shows yet")).to_have_count(0)
    assert ui.console_errors == []
