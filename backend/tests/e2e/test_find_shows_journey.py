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
