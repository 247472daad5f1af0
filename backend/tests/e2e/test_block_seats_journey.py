"""Blocking seats for one screening from Admin → Screenings → Block seats, at a phone (375 px, touch) and a
desktop viewport: the admin blocks seats with the keyboard alone and with the mouse or a finger (sold and
held seats cannot be toggled), saves, loses a seat to a buyer's hold between loading and saving (409: the
page names it and keeps the other choices), a buyer sees the seats "not for sale" and Best available goes
around them, and Unblock all puts them back on sale; a theatre's manager blocks seats at their theatre and
gets a plain notice, not a broken page, at another theatre's screening. axe checks the page."""

import os
import re

import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage
from tests.e2e.test_foundation_journey import log_in
from tests.e2e.test_seat_picker_journey import house, new_user, seat, seat_states
from tests.e2e.test_staff_journey import log_out, new_manager

# Three rows of six seats, no aisles: small enough to reason about where Best available goes.
SMALL_HOUSE = {
    "categories": [{"code": "standard", "name": "Standard", "price_pct": 100}],
    "rows": [{"label": row, "seats": [{"number": n, "category": "standard"} for n in range(1, 7)]} for row in "ABC"],
}


def blocked(base, screening_id):
    return sorted(label for label, state in seat_states(base, screening_id).items() if state == "blocked")


def open_block_seats(page, theatre_id, screening_id):
    """From Admin → Screenings (filtered to the theatre), the row's Block seats button."""
    page.goto(f"/admin/screenings?theatre_id={theatre_id}")
    page.get_by_role("listitem").filter(has_text="Kantara").get_by_role("link", name="Block seats").click()
    expect(page).to_have_url(re.compile(rf"/admin/screenings/{screening_id}/seats$"))
    expect(page.get_by_role("checkbox")).to_have_count(18)


def test_admin_blocks_seats_a_buyer_cannot_have_them_then_unblocks(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    theatre, screening_id = house(stage, tag, capacity=18, layout=SMALL_HOUSE)
    base = f"{live_server.url}/api/screenings/{screening_id}"
    rival = new_user(stage, f"rival-{tag}")
    held = requests.post(f"{base}/holds", json={"seats": ["C6"]}, headers=rival).json()
    stage.post("/api/bookings", {"hold_id": held["id"], "expected_total_price": 200}, rival)  # C6 sold
    assert requests.post(f"{base}/holds", json={"seats": ["C5"]}, headers=rival).status_code == 201  # C5 held
    # Before any block, Best available for two is the middle of the middle row.
    scratch = new_user(stage, f"scratch-{tag}")
    best = requests.post(f"{base}/holds", json={"quantity": 2}, headers=scratch).json()
    assert best["seats"] == ["B3", "B4"]
    requests.delete(f"{live_server.url}/api/holds/{best['id']}", headers=scratch).raise_for_status()

    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    open_block_seats(page, theatre["id"], screening_id)
    expect(page.get_by_text(f"Kantara {tag}")).to_be_visible()
    count = page.get_by_test_id("blocked-count")
    expect(count).to_have_text("0 seats blocked")
    expect(page.get_by_role("button", name="Save blocked seats")).to_be_disabled()
    expect(seat(page, "C", 6)).to_have_attribute("aria-label", "Row C, seat 6, Standard, ₹200, sold")
    expect(seat(page, "C", 6)).to_have_attribute("aria-disabled", "true")
    expect(seat(page, "C", 5)).to_have_attribute("aria-label", "Row C, seat 5, Standard, ₹200, held by someone else")
    expect(seat(page, "C", 5)).to_have_attribute("aria-disabled", "true")

    # The keyboard alone: Tab reaches the map on its first free seat; down a row, right one, Enter blocks B2.
    def focused():
        return page.evaluate("document.activeElement?.getAttribute('aria-label')")

    for _ in range(60):
        page.keyboard.press("Tab")
        if (focused() or "").startswith("Row "):
            break
    assert focused() == "Row A, seat 1, Standard, ₹200, available"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert focused() == "Row B, seat 2, Standard, ₹200, available"
    page.keyboard.press("Enter")
    expect(seat(page, "B", 2)).to_have_attribute("aria-checked", "true")
    expect(seat(page, "B", 2)).to_have_attribute("aria-label", "Row B, seat 2, Standard, ₹200, not for sale")
    # The mouse or a finger: B3 and B4; a sold and a held seat do not toggle.
    seat(page, "B", 3).click()
    seat(page, "B", 4).click()
    seat(page, "C", 6).click(force=True)  # aria-disabled: Playwright would wait for it to be enabled
    seat(page, "C", 5).click(force=True)
    expect(count).to_have_text("3 seats blocked")
    expect(page.get_by_test_id("blocked-seats")).to_have_text("B2, B3, B4")
    expect(seat(page, "C", 6)).to_have_attribute("aria-checked", "false")
    expect(page.get_by_text("Changes not saved yet.")).to_be_visible()
    assert axe_violations(page, "block seats") == []
    ui.shot("block-seats")
    page.get_by_role("button", name="Save blocked seats").click()
    expect(page.get_by_text("Saved: 3 seats are not for sale at this screening.")).to_be_visible()
    expect(page.get_by_text("Changes not saved yet.")).to_have_count(0)
    assert blocked(live_server.url, screening_id) == ["B2", "B3", "B4"]

    # A1 and A6 chosen; a buyer holds A6 before Save: the page says so, shows A6 held and keeps A1.
    seat(page, "A", 1).click()
    seat(page, "A", 6).click()
    expect(count).to_have_text("5 seats blocked")
    assert requests.post(f"{base}/holds", json={"seats": ["A6"]}, headers=scratch).status_code == 201
    page.get_by_role("button", name="Save blocked seats").click()
    problem = page.get_by_test_id("block-seats-problem")
    expect(problem).to_contain_text("Seat A6 was just sold or held by a buyer, so it can't be blocked.")
    expect(problem).to_contain_text("your other choices are kept")
    expect(seat(page, "A", 6)).to_have_attribute("aria-label", "Row A, seat 6, Standard, ₹200, held by someone else")
    expect(seat(page, "A", 6)).to_have_attribute("aria-checked", "false")
    expect(seat(page, "A", 1)).to_have_attribute("aria-checked", "true")
    expect(count).to_have_text("4 seats blocked")
    assert blocked(live_server.url, screening_id) == ["B2", "B3", "B4"]  # nothing saved
    assert axe_violations(page, "block seats, a seat lost") == []
    ui.shot("block-seats-lost")
    page.get_by_role("button", name="Save blocked seats").click()
    expect(page.get_by_text("Saved: 4 seats are not for sale at this screening.")).to_be_visible()
    assert blocked(live_server.url, screening_id) == ["A1", "B2", "B3", "B4"]
    log_out(page)

    # A buyer sees them not for sale, and Best available goes around them.
    buyer = f"buyer-{tag}"
    new_user(stage, buyer)
    log_in(page, buyer, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/book/{screening_id}")
    expect(seat(page, "B", 3)).to_have_attribute("aria-label", "Row B, seat 3, Standard, ₹200, not for sale")
    expect(seat(page, "B", 3)).to_have_attribute("aria-disabled", "true")
    expect(page.locator("[data-seat='B3'].is-blocked")).to_have_count(1)
    page.get_by_role("button", name="More tickets").click()
    page.get_by_role("button", name="Best available").click()
    expect(page.get_by_test_id("held-seats").get_by_role("listitem")).to_have_count(2)
    mine = sorted(
        label
        for label, state in seat_states(live_server.url, screening_id, stage.headers(buyer, PASSWORD)).items()
        if state == "mine"
    )
    # B3-B4 are blocked; A3-A4 and C2-C3 would strand a single seat; C3-C4 is the nearest pair left.
    assert mine == ["C3", "C4"]
    log_out(page)

    # Unblock all puts every blocked seat back on sale.
    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    open_block_seats(page, theatre["id"], screening_id)
    expect(count).to_have_text("4 seats blocked")
    page.get_by_role("button", name="Unblock all").click()
    expect(count).to_have_text("0 seats blocked")
    # Leaving with changes not saved asks first (it lost them without a word); staying keeps them.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/admin/screenings/{screening_id}/seats"))
    expect(count).to_have_text("0 seats blocked")
    assert asked == ["You have changes that are not saved. Leave this page and lose them?"]
    expect(seat(page, "B", 3)).to_have_attribute("aria-label", "Row B, seat 3, Standard, ₹200, available")
    page.get_by_role("button", name="Save blocked seats").click()
    expect(page.get_by_text("Saved: 0 seats are not for sale at this screening.")).to_be_visible()
    assert blocked(live_server.url, screening_id) == []
    # Cancel goes back to the screenings list as it was left.
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/admin/screenings\?(.*&)?theatre_id={theatre['id']}"))
    assert ui.console_errors == []


def test_a_manager_blocks_seats_at_their_theatre_only(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    mine, mine_screening = house(stage, f"{tag}m", capacity=18, layout=SMALL_HOUSE)
    _, other_screening = house(stage, f"{tag}o", capacity=18, layout=SMALL_HOUSE)
    name = f"blockmgr-{tag}"
    new_manager(stage, name, [mine["id"]])

    log_in(page, name, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    open_block_seats(page, mine["id"], mine_screening)
    seat(page, "A", 1).click()
    seat(page, "A", 2).click()
    expect(page.get_by_test_id("blocked-count")).to_have_text("2 seats blocked")
    page.get_by_role("button", name="Save blocked seats").click()
    expect(page.get_by_text("Saved: 2 seats are not for sale at this screening.")).to_be_visible()
    assert blocked(live_server.url, mine_screening) == ["A1", "A2"]

    # Another theatre's screening by its link: said plainly, no map whose Save the server would refuse.
    page.goto(f"/admin/screenings/{other_screening}/seats")
    notice = page.get_by_test_id("block-seats-not-yours")
    expect(notice).to_contain_text("You can't block seats at this theatre")
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Save blocked seats")).to_have_count(0)
    assert axe_violations(page, "block seats, not yours") == []
    notice.get_by_role("link", name="Back to screenings").click()
    expect(page).to_have_url(f"{live_server.url}/admin/screenings")
    assert blocked(live_server.url, other_screening) == []
    assert ui.console_errors == []
