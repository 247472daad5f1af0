"""The waiting room in the browser, at a phone (375 px) and a desktop (1366 px) viewport, on a live server whose
room holds one buyer (WAITING_ROOM_BUYERS=1): while another buyer holds seats, the user waits in line on
the booking page (told they are next, the place read out by an aria-live region); when the other books,
the page goes to the seat map by itself and the user holds and books. axe checks the waiting panel."""

import os
import re

import pytest
import requests
from playwright.sync_api import expect

from tests.conftest import LiveServer, free_port
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage
from tests.e2e.test_foundation_journey import log_in
from tests.e2e.test_seat_picker_journey import house, new_user, seat


@pytest.fixture(scope="module")
def small_room(tmp_path_factory, redis_server):
    """A second live server whose waiting room lets one buyer of a screening choose seats at a time."""
    server = LiveServer(
        tmp_path_factory.mktemp("small-room"), redis_server["url"], WAITING_ROOM_BUYERS="1", SMTP_PORT=str(free_port())
    ).start()
    yield server
    server.stop()


def test_a_second_buyer_waits_then_is_taken_to_the_seats(ui, small_room):
    page, tag = ui.page, os.urandom(3).hex()
    base = small_room.url
    stage = Backstage(base)
    _, screening_id = house(stage, tag)
    first = new_user(stage, f"first-{tag}-{ui.viewport}")
    held = stage.post(f"/api/screenings/{screening_id}/holds", {"seats": ["H10", "H11"]}, first)  # the one inside
    username = f"second-{tag}-{ui.viewport}"
    me = new_user(stage, username)

    log_in(page, username, PASSWORD, base)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{base}/book/{screening_id}")

    # In line, next: the panel says so (a polite live region), no seat map, no booking form.
    panel = page.get_by_test_id("waiting-room")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading")).to_have_text("Many people are choosing seats right now")
    position = page.get_by_test_id("waiting-position")
    expect(position).to_have_text("You're next in line.")
    expect(position).to_have_attribute("aria-live", "polite")
    expect(panel).to_contain_text("Keep this page open; we'll take you to the seats.")
    expect(panel.get_by_role("progressbar", name="Your place in line")).to_be_visible()
    expect(seat(page, "G", 10)).to_have_count(0)
    expect(page.get_by_role("button", name="Book now")).to_have_count(0)
    assert requests.post(f"{base}/api/screenings/{screening_id}/admission", headers=me).status_code == 202
    assert axe_violations(page, "waiting room") == []
    ui.shot("waiting")

    # The other buyer books: the page takes this one to the seats by itself (it asks every second).
    booked = requests.post(f"{base}/api/bookings", json={"hold_id": held["id"]}, headers=first)
    assert booked.status_code == 201, booked.text
    expect(panel).to_have_count(0, timeout=15_000)
    expect(seat(page, "G", 10)).to_be_visible()
    expect(seat(page, "H", 10)).to_have_attribute("aria-label", re.compile(r"sold$"))
    seat(page, "G", 10).click()
    expect(page.get_by_test_id("held-seats")).to_contain_text("G10")
    page.get_by_role("button", name="Book 1 seat").click()
    expect(page.get_by_role("heading", name="Booking confirmed")).to_be_visible()
    [booking] = requests.get(f"{base}/api/bookings", headers=me).json()["items"]
    assert booking["seats"] == ["G10"]
    ui.shot("admitted-and-booked")
    assert ui.console_errors == []


def test_closing_the_page_gives_the_place_to_the_next_in_line(ui, small_room):
    """Leaving the booking page for another site (or closing the tab) gives the place up at once: the next in
    line was kept waiting WAITING_ROOM_IDLE_MINUTES (2) for a tab that was gone. Found by a walkthrough."""
    page, tag = ui.page, os.urandom(3).hex()
    base = small_room.url
    stage = Backstage(base)
    _, screening_id = house(stage, tag)
    username = f"inside-{tag}-{ui.viewport}"
    new_user(stage, username)
    waiting = new_user(stage, f"waiting-{tag}-{ui.viewport}")
    admission = f"{base}/api/screenings/{screening_id}/admission"

    log_in(page, username, PASSWORD, base)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{base}/book/{screening_id}")
    expect(seat(page, "G", 10)).to_be_visible()  # admitted: the one place of the room is this page's
    assert requests.post(admission, headers=waiting).status_code == 202

    page.goto("about:blank")
    # The request outlives the page; the next question of the one waiting is let in.
    answers = []
    for _ in range(50):
        answers.append(requests.post(admission, headers=waiting).status_code)
        if answers[-1] == 200:
            break
        page.wait_for_timeout(100)  # the DELETE is on its way: wait for it to arrive, not for a clock
    assert answers[-1] == 200, answers
    assert ui.console_errors == []
