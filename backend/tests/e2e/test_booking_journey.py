"""A new user searches by place and tag, books three tickets, meets a houseful screening, cancels, and
rates a show after it has started — at a phone and a desktop viewport."""

import os
import re
from datetime import datetime, timedelta, timezone

import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.e2e.test_foundation_journey import open_filters

PASSWORD = "violet-tamarind-42"


class Backstage:
    """Sets the scene through the API, as the admin and other users would."""

    def __init__(self, base_url):
        self.base = base_url
        self.admin = self.headers("admin", ADMIN_PASSWORD)

    def headers(self, username, password):
        token = requests.post(f"{self.base}/api/auth/login", json={"username": username, "password": password}).json()[
            "access_token"
        ]
        return {"Authorization": f"Bearer {token}"}

    def post(self, path, body, headers=None):
        response = requests.post(f"{self.base}{path}", json=body, headers=headers or self.admin)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def screenings(self, show_id):
        return requests.get(f"{self.base}/api/shows/{show_id}").json()["screenings"]

    def screening_ids(self, show_id):
        return [s["id"] for s in self.screenings(show_id)]


def at(days=0, hours=0):
    return (datetime.now(timezone.utc) + timedelta(days=days, hours=hours)).replace(microsecond=0).isoformat()


def test_search_book_houseful_cancel_and_rate(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    place = f"Mylapore {tag}"
    hall = stage.post("/api/theatres", {"name": f"Kalakshetra {tag}", "place": place, "capacity": 30})
    tiny = stage.post("/api/theatres", {"name": f"Box {tag}", "place": place, "capacity": 2})
    wanted = stage.post(
        "/api/shows",
        {
            "name": f"Margazhi {tag}",
            "rating": 4.5,
            "tags": ["music", f"t{tag}"],
            "ticket_price": 350,
            "screenings": [
                {"theatre_id": hall["id"], "starts_at": at(2)},
                {"theatre_id": hall["id"], "starts_at": at(3)},
            ],
        },
    )
    full = stage.post(
        "/api/shows",
        {
            "name": f"Sold Out {tag}",
            "rating": 3,
            "tags": ["comedy"],
            "ticket_price": 100,
            "screenings": [{"theatre_id": tiny["id"], "starts_at": at(2)}],
        },
    )
    stage.post(
        "/api/shows", {"name": f"Elsewhere {tag}", "rating": 4, "tags": ["music", f"t{tag}"], "ticket_price": 100}
    )
    full_screening = stage.screening_ids(full["id"])[0]
    stage.post(
        "/api/auth/signup",
        {
            "username": f"early-{tag}-{ui.viewport}",
            "email": f"e-{os.urandom(3).hex()}@example.com",
            "password": PASSWORD,
        },
    )
    stage.post(
        "/api/bookings",
        {"screening_id": full_screening, "quantity": 2},
        stage.headers(f"early-{tag}-{ui.viewport}", PASSWORD),
    )

    # a new user signs up
    username = f"fan-{tag}-{ui.viewport}"
    page.goto("/signup")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{tag}@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).not_to_have_url(re.compile(r"/signup"))

    # searches by place and tag
    page.goto("/")
    open_filters(page, "show-filters")  # once the form is there: folded behind "Filters" on a phone
    filters = page.get_by_role("search", name="Filter shows")
    filters.get_by_test_id("tag-chips").get_by_role("button", name=f"t{tag}", exact=True).click()
    filters.get_by_label("Place").select_option(place)  # one of the places the theatres are in
    cards = page.get_by_role("article")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(f"Margazhi {tag}")
    ui.shot("search-results")

    # books three tickets
    cards.first.get_by_role("link").first.click()
    page.locator("[data-screening-id]").first.get_by_role("link", name=re.compile("Book")).click()
    expect(page).to_have_url(re.compile(r"/book/\d+"))
    page.get_by_role("button", name="More tickets").click()
    page.get_by_role("button", name="More tickets").click()
    expect(page.get_by_role("spinbutton", name="Tickets")).to_have_value("3")
    expect(page.get_by_test_id("booking-total")).to_have_text("₹1,050.00")
    ui.shot("booking-stepper")
    page.get_by_role("button", name="Book now").click()
    expect(page.get_by_role("heading", name="Booking confirmed")).to_be_visible()
    ui.shot("booking-confirmed")
    mine = requests.get(f"{live_server.url}/api/bookings", headers=stage.headers(username, PASSWORD)).json()
    assert [(b["quantity"], b["total_price"], b["status"]) for b in mine["items"]] == [(3, 1050.0, "confirmed")]

    # meets a houseful screening and is told so
    page.goto(f"/whats-on?place={place}")
    row = page.locator(f"[data-screening-id='{full_screening}']")
    expect(row.get_by_text("Houseful")).to_be_visible()
    expect(row.get_by_role("button", name="Book")).to_be_disabled()
    ui.shot("whats-on-houseful")
    page.goto(f"/book/{full_screening}")
    book_now = page.get_by_role("button", name="Book now")
    if book_now.is_enabled():
        book_now.click()
    expect(page.get_by_role("alert").filter(has_text="Houseful")).to_be_visible()

    # cancels the booking
    page.goto("/my-bookings")
    page.get_by_role("button", name="Cancel booking").first.click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_text("Booking cancelled").first).to_be_visible()
    ui.shot("booking-cancelled")
    mine = requests.get(f"{live_server.url}/api/bookings", headers=stage.headers(username, PASSWORD)).json()
    assert mine["items"][0]["status"] == "cancelled"
    seats = requests.get(f"{live_server.url}/api/screenings/{mine['items'][0]['screening']['id']}").json()
    assert seats["seats_left"] == 30

    # rates a show after it has started (the admin moved the screening to an hour ago)
    second = stage.screening_ids(wanted["id"])[1]
    stage.post("/api/bookings", {"screening_id": second, "quantity": 1}, stage.headers(username, PASSWORD))
    moved = requests.patch(
        f"{live_server.url}/api/screenings/{second}", json={"starts_at": at(hours=-1)}, headers=stage.admin
    )
    assert moved.status_code == 200
    page.goto("/my-bookings?when=past")
    page.get_by_role("radio", name="Rate 4 stars").first.check()
    expect(page.get_by_text("Thanks for rating").first).to_be_visible()
    ui.shot("rated")
    show = requests.get(f"{live_server.url}/api/shows/{wanted['id']}").json()
    assert show["user_rating"] == {"average": 4.0, "count": 1}
    assert ui.console_errors == []
