"""E-tickets at the door: a user opens a booking's tickets (a large QR per seat, the seat, show, theatre and
time); a scanner of that theatre picks the screening on the Scanner page and checks a ticket in by its typed
code; the second scan of the same ticket is refused — at a phone and a desktop viewport, with axe checks."""

import os

import requests
from playwright.sync_api import expect

from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import log_in, open_menu_if_collapsed
from tests.e2e.test_staff_journey import log_out


def test_user_opens_tickets_and_scanner_checks_one_in_once(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Door hall {tag}", "place": "Madurai", "capacity": 30})
    # Starts in 90 minutes: check-in is open (from 120 minutes before the start).
    show = stage.post(
        "/api/shows",
        {
            "name": f"Door show {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 120,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(hours=1.5)}],
        },
    )
    screening_id = stage.screening_ids(show["id"])[0]
    fan, door = f"fan-{tag}", f"door-{tag}"
    stage.post("/api/auth/signup", {"username": fan, "email": "f@example.com", "password": PASSWORD})
    scanner = stage.post("/api/auth/signup", {"username": door, "email": "d@example.com", "password": PASSWORD})
    requests.put(
        f"{live_server.url}/api/admin/staff/{scanner['id']}",
        headers=stage.admin,
        json={"role": "scanner", "theatre_ids": [hall["id"]]},
    ).raise_for_status()
    booking = stage.post("/api/bookings", {"screening_id": screening_id, "quantity": 2}, stage.headers(fan, PASSWORD))
    seats = booking["seats"]

    # The user opens the booking's tickets from My bookings.
    log_in(page, fan, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="My bookings").first.click()
    card = page.get_by_role("article").filter(has_text=f"Door show {tag}")
    card.get_by_role("link", name="Tickets").click()
    page.wait_for_url(f"**/bookings/{booking['id']}/tickets")
    expect(page.get_by_role("heading", name=f"Door show {tag}")).to_be_visible()
    for seat in seats:
        ticket = page.get_by_role("article").filter(has=page.get_by_role("heading", name=f"Seat {seat}"))
        expect(ticket.get_by_role("img", name=f"QR code of the ticket for seat {seat}")).to_be_visible()
        expect(ticket).to_contain_text(f"Door hall {tag}, Madurai")
        expect(ticket).to_contain_text("Valid")
    expect(page.get_by_role("button", name="Add to calendar")).to_be_visible()
    expect(page.get_by_role("button", name="Share")).to_be_visible()
    qr = page.get_by_role("img", name=f"QR code of the ticket for seat {seats[0]}")
    assert qr.bounding_box()["width"] >= 250  # large enough to scan from a phone
    code = (
        page.get_by_role("article")
        .filter(has=page.get_by_role("heading", name=f"Seat {seats[0]}"))
        .get_attribute("data-ticket-code")
    )
    assert code and code.count(".") == 1
    assert axe_violations(page, "tickets page") == []
    ui.shot("tickets")
    with page.expect_download() as download:
        page.get_by_role("button", name="Add to calendar").click()
    assert download.value.suggested_filename == f"booking-{booking['id']}.ics"
    log_out(page)

    # The scanner checks the ticket in by its typed code; a second scan is refused.
    log_in(page, door, PASSWORD)
    page.wait_for_url("**/scanner")
    page.get_by_label("Screening").select_option(str(screening_id))
    expect(page.get_by_test_id("checkin-count")).to_have_text("0 checked in of 2 sold")
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    answer = page.get_by_test_id("scan-answer")
    expect(answer).to_contain_text("Welcome in")
    expect(answer).to_contain_text(f"Seat {seats[0]}")
    expect(page.get_by_test_id("checkin-count")).to_have_text("1 checked in of 2 sold")
    assert axe_violations(page, "scanner, admitted") == []
    ui.shot("scanner-ok")
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(answer).to_contain_text("Do not admit")
    expect(answer).to_contain_text("Already checked in at")
    expect(answer).to_contain_text(f"Seat {seats[0]}")
    expect(page.get_by_test_id("checkin-count")).to_have_text("1 checked in of 2 sold")
    ui.shot("scanner-refused")
    tickets = requests.get(
        f"{live_server.url}/api/bookings/{booking['id']}/tickets", headers=stage.headers(fan, PASSWORD)
    ).json()
    assert [t["status"] for t in tickets] == ["checked_in", "valid"]
    assert ui.console_errors == []
