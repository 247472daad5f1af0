"""Issue 16, forms that teach: signing up with a taken name, a bad email and a common password shows three
messages, one beside each field, after one submit; at a phone and a desktop viewport."""

from __future__ import annotations

import os

from playwright.sync_api import expect

from tests.e2e.test_booking_journey import PASSWORD, Backstage


def test_three_wrong_fields_three_messages_in_one_submit(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    name = f"asha-{tag}-{ui.viewport}"
    Backstage(live_server.url).post(
        "/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    )
    page.goto("/signup")
    page.get_by_label("Username").fill(name.upper())
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_role("button", name="Sign up").click()
    for field, words in [("Username", "taken"), ("Email", "@"), ("Password", "common")]:
        box = page.get_by_label(field, exact=True)
        expect(box).to_have_attribute("aria-invalid", "true")
        described = box.get_attribute("aria-describedby") or ""
        texts = " ".join(page.locator(f"#{i}").inner_text() for i in described.split() if page.locator(f"#{i}").count())
        assert words in texts, (field, texts)
