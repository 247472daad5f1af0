"""Issue 16, finding shows: from the home page's search box, words in any order and a title in Tamil or Hindi
typed in Latin letters find their show, and nothing else; at a phone and a desktop viewport."""

from __future__ import annotations

import os

from playwright.sync_api import expect

from tests.e2e.test_booking_journey import Backstage


def test_search_by_any_word_order_and_romanised_names(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    names = [f"The Great Dosa Heist {tag}", f"மழைக்காலம் {tag}", f"बारिश की रात {tag}", f"Dosa Days {tag}"]
    for name in names:
        stage.post("/api/shows", {"name": name, "rating": 4, "tags": ["comedy"], "ticket_price": 200})
    cards = page.get_by_role("article")
    for typed, expected in [
        (f"heist {tag} dosa", names[0]),
        (f"mazhai {tag}", names[1]),  # Tamil, by its romanised name
        (f"{tag} barish raat", names[2]),  # Hindi, as it is said
    ]:
        page.goto("/")
        page.get_by_role("searchbox").first.fill(typed)
        page.get_by_role("searchbox").first.press("Enter")
        expect(cards.filter(has_text=expected)).to_have_count(1)
        expect(cards.filter(has_text=tag)).to_have_count(1)  # and none of the other three


def test_a_search_too_long_is_cut_at_the_limit_and_an_address_with_one_says_why(ui, live_server):
    """The box takes at most the server's 120 characters; a link with a longer `q` shows the field's own message
    ("At most 120 characters."), no "Try again" that could never work, and the search chip stays on screen.
    Found by a walkthrough: "Could not load shows — Some fields are invalid." with a dead-end retry."""
    page = ui.page
    page.goto("/")
    box = page.get_by_role("searchbox").first
    box.fill("x" * 130)
    assert len(box.input_value()) == 120
    page.goto("/?q=" + "y" * 130)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("At most 120 characters.")
    expect(alert.get_by_role("button", name="Try again")).to_have_count(0)
    chip = page.get_by_text("y" * 20, exact=False).first
    box_of_chip = chip.bounding_box()
    assert box_of_chip["x"] + box_of_chip["width"] <= page.viewport_size["width"], box_of_chip
    assert ui.console_errors == []
