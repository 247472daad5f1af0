"""A waiting list in the browser: a user joins the list of a houseful screening from the booking page and
sees their place; another user cancels; the waiting user finds the offer in My bookings, opens the booking
page with the held seats and books them — at a phone and a desktop viewport."""

import os
import re

import requests
from playwright.sync_api import expect

from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import log_in


def small_house(stage, theatre, show, capacity, price, tag, ui, *who):
    """A theatre of `capacity` seats with one screening two days ahead at `price` rupees, and a signed-up user
    for each of `who`: (the screening's id, their usernames)."""
    box = stage.post("/api/theatres", {"name": theatre, "place": "Adyar", "capacity": capacity})
    created = stage.post(
        "/api/shows",
        {
            "name": show,
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": price,
            "screenings": [{"theatre_id": box["id"], "starts_at": at(2)}],
        },
    )
    names = [f"{role}-{tag}-{ui.viewport}" for role in who]
    for name in names:
        stage.post("/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    return stage.screening_ids(created["id"])[0], names


def test_join_the_waiting_list_then_book_the_offered_seats(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    screening_id, (holder, waiter) = small_house(
        stage, f"Box {tag}", f"Full House {tag}", 2, 180, tag, ui, "holder", "waiter"
    )
    holder_headers = stage.headers(holder, PASSWORD)
    booking = stage.post("/api/bookings", {"screening_id": screening_id, "quantity": 2}, holder_headers)

    # the waiting user meets a houseful screening and joins its waiting list for two seats
    log_in(page, waiter, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/book/{screening_id}")
    panel = page.get_by_test_id("waitlist-panel")
    expect(panel).to_be_visible()
    panel.get_by_role("button", name="More tickets").click()
    expect(panel.get_by_role("spinbutton", name="Seats wanted")).to_have_value("2")
    panel.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_test_id("waitlist-position")).to_contain_text("number 1")
    ui.shot("waitlist-joined")
    # leaving would lose the place for good: it asks, and staying changes nothing
    panel.get_by_role("button", name="Leave the waiting list").click()
    page.get_by_role("dialog").get_by_role("button", name="Stay in line").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_test_id("waitlist-position")).to_contain_text("number 1")

    # the other user cancels: the seats are offered to the waiting user in the same request
    cancelled = requests.post(f"{live_server.url}/api/bookings/{booking['id']}/cancel", headers=holder_headers)
    assert cancelled.status_code == 200
    page.goto("/my-bookings")
    offer = page.get_by_test_id("waitlist-entry-offered")
    expect(offer).to_contain_text("Seats for you")
    expect(offer).to_contain_text("₹360.00")
    ui.shot("waitlist-offer")
    offer.get_by_role("link", name="Book").click()
    expect(page).to_have_url(re.compile(rf"/book/{screening_id}\?hold=\d+"))
    expect(page.get_by_test_id("held-seats")).to_contain_text("A1")
    expect(page.get_by_test_id("booking-total")).to_have_text("₹360.00")
    page.get_by_role("button", name="Book 2 seats").click()
    expect(page.get_by_role("heading", name="Booking confirmed")).to_be_visible()
    ui.shot("waitlist-booked")

    entries = requests.get(f"{live_server.url}/api/waitlist", headers=stage.headers(waiter, PASSWORD)).json()
    assert [(e["state"], e["quantity"]) for e in entries["items"]] == [("booked", 2)]
    mine = requests.get(f"{live_server.url}/api/bookings", headers=stage.headers(waiter, PASSWORD)).json()
    assert [(b["quantity"], b["total_price"], sorted(b["seats"])) for b in mine["items"]] == [(2, 360.0, ["A1", "A2"])]
    assert ui.console_errors == []


def test_declining_an_offer_asks_first_and_the_seats_go_to_the_next_in_line(ui, live_server):
    """Declining gives the held seats to the next person at once and cannot be undone, and it sits beside Book:
    one stray tap must not throw the seats away. Leaving a list (losing one's place) asks the same way."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    screening_id, (holder, waiter, next_in_line) = small_house(
        stage, f"Tiny {tag}", f"One Seat {tag}", 1, 150, tag, ui, "holder", "waiter", "next"
    )
    holder_headers = stage.headers(holder, PASSWORD)
    booking = stage.post("/api/bookings", {"screening_id": screening_id, "quantity": 1}, holder_headers)
    for name in (waiter, next_in_line):
        stage.post(f"/api/screenings/{screening_id}/waitlist", {"quantity": 1}, stage.headers(name, PASSWORD))
    assert requests.post(f"{live_server.url}/api/bookings/{booking['id']}/cancel", headers=holder_headers).ok

    log_in(page, waiter, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/my-bookings")
    offer = page.get_by_test_id("waitlist-entry-offered")
    offer.get_by_role("button", name="Decline").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Decline this seat?")
    expect(dialog).to_contain_text("A1")
    ui.shot("waitlist-decline-asks")
    dialog.get_by_role("button", name="Keep it").click()
    expect(dialog).to_be_hidden()
    expect(offer).to_contain_text("Seats for you")  # nothing was sent
    assert [
        e["state"]
        for e in requests.get(f"{live_server.url}/api/waitlist", headers=stage.headers(waiter, PASSWORD)).json()[
            "items"
        ]
    ] == ["offered"]

    offer.get_by_role("button", name="Decline").click()
    page.get_by_role("dialog").get_by_role("button", name="Decline").click()
    expect(page.get_by_test_id("waitlist-entry-offered")).to_have_count(0)
    nexts = requests.get(f"{live_server.url}/api/waitlist", headers=stage.headers(next_in_line, PASSWORD)).json()[
        "items"
    ]
    assert [(e["state"], e["hold"]["seats"]) for e in nexts] == [("offered", ["A1"])]
    assert ui.console_errors == []
