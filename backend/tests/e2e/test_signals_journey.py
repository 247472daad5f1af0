"""Issue 16, items 2 and 4, at a phone and a desktop viewport, axe clean: prices read "from ₹X" for the place
in view and a show page switches place; tag chips from the catalogue filter the shows and say which rating
filters; a cancelled booking leaves Upcoming for Cancelled; typing more tickets than are left is corrected
aloud ("Only 3 seats left: set to 3"), never silently."""

from __future__ import annotations

import os
import re

import requests
from playwright.sync_api import expect

from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import log_in, open_filters


def _user(stage, live_server, name, place=None):
    stage.post("/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    headers = stage.headers(name, PASSWORD)
    if place:
        answer = requests.patch(f"{live_server.url}/api/auth/me/preferences", json={"place": place}, headers=headers)
        assert answer.status_code == 200
    return headers


def _open_filters(page):
    open_filters(page, "show-filters")  # once the form is there: folded behind "Filters" on a phone
    return page.get_by_role("search", name="Filter shows")


def test_prices_from_for_the_place_in_view_and_the_place_switch(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    madurai = stage.post("/api/theatres", {"name": f"Vaigai {tag}", "place": f"Madurai {tag}", "capacity": 40})
    chennai = stage.post("/api/theatres", {"name": f"Marina {tag}", "place": f"Chennai {tag}", "capacity": 40})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Mazhaikaalam {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 350,  # the default for new screenings, which none of them costs
            "screenings": [
                {"theatre_id": madurai["id"], "starts_at": at(days=1), "price": 250},
                {"theatre_id": chennai["id"], "starts_at": at(days=2), "price": 460},
                {"theatre_id": chennai["id"], "starts_at": at(days=3), "price": 300},
            ],
        },
    )
    name = f"signals-{tag}-{ui.viewport}"
    _user(stage, live_server, name, place=f"Chennai {tag}")
    log_in(page, name, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))

    # the home page lists Chennai's shows (the preferred place) at Chennai's lowest price
    page.goto("/")
    expect(page).to_have_url(re.compile(r"place=Chennai"))
    card = page.get_by_role("article").filter(has_text=f"Mazhaikaalam {tag}")
    expect(card).to_contain_text("from ₹300.00")
    expect(card).not_to_contain_text("₹350.00")
    ui.shot("cards-from-chennai")

    # the show page: Chennai first, its headline price, and a switch to Madurai that re-asks the API
    card.get_by_role("link").first.click()
    screenings = page.locator("section[aria-labelledby='show-screenings']")
    switch = page.get_by_role("group", name="Place")
    expect(switch.get_by_role("button", name=f"Chennai {tag}")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("price-place")).to_have_text(f"in Chennai {tag}")
    expect(page.locator(".ts-facts")).to_contain_text("from ₹300.00")
    expect(screenings.locator("h3")).to_have_text(f"Chennai {tag}")
    expect(screenings.locator("[data-screening-id]")).to_have_count(2)
    assert axe_violations(page, "a show page in Chennai") == []
    switch.get_by_role("button", name=f"Madurai {tag}").click()
    expect(page).to_have_url(re.compile(r"place=Madurai"))
    expect(screenings.locator("h3")).to_have_text(f"Madurai {tag}")
    expect(screenings.locator("[data-screening-id]")).to_have_count(1)
    expect(screenings.locator("[data-screening-id]").first).to_contain_text(f"Vaigai {tag}")
    expect(page.locator(".ts-facts")).to_contain_text("from ₹250.00")
    expect(page.get_by_test_id("price-place")).to_have_text(f"in Madurai {tag}")
    expect(switch.get_by_role("button", name=f"Madurai {tag}")).to_have_attribute("aria-pressed", "true")
    ui.shot("show-switched-to-madurai")
    assert axe_violations(page, "a show page switched to Madurai") == []
    assert show["id"] and ui.console_errors == []


def test_tag_chips_filter_and_the_rating_filter_says_whose(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Hall {tag}", "place": f"Adyar {tag}", "capacity": 40})
    on = lambda days: [{"theatre_id": hall["id"], "starts_at": at(days=days)}]  # noqa: E731
    stage.post(
        "/api/shows",
        {"name": f"Laugh {tag}", "rating": 4, "tags": [f"a{tag}", f"b{tag}"], "ticket_price": 100, "screenings": on(2)},
    )
    stage.post(
        "/api/shows",
        {"name": f"Chuckle {tag}", "rating": 4, "tags": [f"a{tag}"], "ticket_price": 100, "screenings": on(3)},
    )
    stage.post(
        "/api/shows", {"name": f"Unseen {tag}", "rating": 4, "tags": [f"c{tag}"], "ticket_price": 100}
    )  # nothing on: no chip

    page.goto(f"/?place=Adyar {tag}")
    filters = _open_filters(page)
    expect(filters.get_by_label("Critics' rating")).to_be_visible()
    expect(filters).to_contain_text("The critics' score on each card")
    chips = filters.get_by_test_id("tag-chips")
    expect(chips.get_by_role("button", name=f"a{tag}")).to_be_visible()
    expect(chips.get_by_role("button", name=f"c{tag}")).to_have_count(0)
    cards = page.get_by_role("article")
    expect(cards).to_have_count(2)
    first = chips.get_by_role("button", name=f"a{tag}")
    first.focus()
    page.keyboard.press("Enter")  # keyboard alone
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(cards).to_have_count(2)
    chips.get_by_role("button", name=f"b{tag}").click()  # a second chip: shows with both
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(f"Laugh {tag}")
    expect(page).to_have_url(re.compile(rf"tag=a{tag}(%2C|,)b{tag}"))
    ui.shot("tag-chips")
    assert axe_violations(page, "tag chips chosen") == []
    chips.get_by_role("button", name=f"a{tag}").click()  # off again
    expect(chips.get_by_role("button", name=f"a{tag}")).to_have_attribute("aria-pressed", "false")
    expect(cards).to_have_count(1)
    # the critics' rating filters, and each card marks the critics' score as the one filtered by
    expect(cards.first.get_by_test_id("critics-filtered")).to_have_count(0)
    filters.get_by_label("Critics' rating").select_option("3")
    expect(page).to_have_url(re.compile(r"min_rating=3"))
    expect(cards.first.get_by_test_id("critics-filtered")).to_have_count(1)
    expect(cards.first.get_by_test_id("critics-filtered")).to_contain_text("the rating filter uses this")
    assert axe_violations(page, "rating filter on") == []
    assert ui.console_errors == []


def test_cancelled_bookings_leave_upcoming_and_a_typed_quantity_is_corrected_aloud(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Studio {tag}", "place": f"Besant {tag}", "capacity": 40})
    small = stage.post("/api/theatres", {"name": f"Nook {tag}", "place": f"Besant {tag}", "capacity": 3})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Kutcheri {tag}",
            "rating": 4,
            "tags": ["music"],
            "ticket_price": 100,
            "screenings": [
                {"theatre_id": hall["id"], "starts_at": at(days=2)},
                {"theatre_id": hall["id"], "starts_at": at(days=3)},
                {"theatre_id": small["id"], "starts_at": at(days=4)},
            ],
        },
    )
    kept, dropped, tight = stage.screening_ids(show["id"])
    name = f"signals-b-{tag}-{ui.viewport}"
    me = _user(stage, live_server, name)
    stage.post("/api/bookings", {"screening_id": kept, "quantity": 1}, me)
    gone = stage.post("/api/bookings", {"screening_id": dropped, "quantity": 2}, me)
    stage.post(f"/api/bookings/{gone['id']}/cancel", {}, me)
    log_in(page, name, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))

    page.goto("/my-bookings")
    panel = page.get_by_role("tabpanel")
    expect(page.get_by_role("tab", name="Upcoming")).to_have_attribute("aria-selected", "true")
    expect(panel.locator("li.col")).to_have_count(1)
    expect(panel).not_to_contain_text("Cancelled")
    assert axe_violations(page, "my bookings, upcoming") == []
    page.get_by_role("tab", name="Cancelled").click()
    expect(page).to_have_url(re.compile(r"when=cancelled"))
    expect(panel.locator("li.col")).to_have_count(1)
    expect(panel).to_contain_text("Cancelled")
    ui.shot("cancelled-tab")
    assert axe_violations(page, "my bookings, cancelled") == []

    # 7 typed where 3 are left: set to 3, and said so
    page.goto(f"/book/{tight}")
    quantity = page.get_by_role("spinbutton", name="Tickets")
    expect(page.get_by_text("Up to 3 tickets in one booking")).to_be_visible()  # the seats left are known
    quantity.fill("7")
    quantity.press("Tab")
    expect(quantity).to_have_value("3")
    expect(page.get_by_role("status").filter(has_text="Only 3 seats left: set to 3")).to_be_visible()
    ui.shot("quantity-said-aloud")
    assert axe_violations(page, "a quantity corrected") == []
    page.get_by_role("button", name="Fewer tickets").first.click()  # a new choice clears the message
    expect(quantity).to_have_value("2")
    expect(page.get_by_role("status").filter(has_text="Only 3 seats left")).to_have_count(0)
    assert ui.console_errors == []
