"""Dynamic pricing and the popularity forecast in the UI: a buyer whose price moves while they choose
(another customer's booking) is told so, keeps their tickets and books at the new price; a nearly sold-out
screening says "Filling fast"; the admin turns dynamic pricing on in the show form, reads a screening's
price history and runs the forecast from the dashboard — at a phone and a desktop viewport."""

import os
import re

import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import admin_tab, log_in


def rupees(amount) -> str:
    """200 -> "₹200.00", as the UI writes prices (en-IN grouping for thousands)."""
    whole, paise = f"{float(amount):.2f}".split(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups = [head[max(0, i - 2) : i] for i in range(len(head), 0, -2)][::-1]
        whole = ",".join(groups + [tail])
    return f"₹{whole}.{paise}"


def test_price_moves_while_booking_filling_fast_price_history_and_forecast(ui, live_server):
    page, tag = ui.page, os.urandom(3).hex()
    base = live_server.url
    stage = Backstage(base)
    hall = stage.post("/api/theatres", {"name": f"Rang Shankara {tag}", "place": "Bengaluru", "capacity": 10})
    box = stage.post("/api/theatres", {"name": f"Jagriti {tag}", "place": "Bengaluru", "capacity": 10})
    # A show priced by demand (set through the API), at a quiet hall and at a nearly sold-out box, four
    # days out: far enough that only demand moves the price.
    demand = stage.post(
        "/api/shows",
        {
            "name": f"Tughlaq {tag}",
            "rating": 4.5,
            "tags": ["theatre"],
            "ticket_price": 200,
            "dynamic_pricing": {"enabled": True, "floor_pct": 80, "ceiling_pct": 150},
            "screenings": [
                {"theatre_id": hall["id"], "starts_at": at(4)},
                {"theatre_id": box["id"], "starts_at": at(4)},
            ],
        },
    )
    # A show the admin will switch to dynamic pricing in the UI.
    fixed = stage.post(
        "/api/shows",
        {
            "name": f"Hayavadana {tag}",
            "rating": 4,
            "tags": ["theatre"],
            "ticket_price": 200,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(5)}],
        },
    )
    by_theatre = {s["theatre"]["id"]: s for s in stage.screenings(demand["id"])}
    quiet, busy = by_theatre[hall["id"]], by_theatre[box["id"]]
    assert quiet["price"] == quiet["base_price"] == 200.0

    rival, buyer = f"rival-{tag}-{ui.viewport}", f"buyer-{tag}-{ui.viewport}"
    for name in (rival, buyer):
        stage.post("/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    rival_headers = stage.headers(rival, PASSWORD)
    stage.post("/api/bookings", {"screening_id": busy["id"], "quantity": 8}, rival_headers)

    # (c) the buyer sees the nearly sold-out screening filling fast, and the quiet one at its base price
    log_in(page, buyer, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/shows/{demand['id']}")
    busy_row = page.locator(f"[data-screening-id='{busy['id']}']")
    expect(busy_row.get_by_text("Filling fast")).to_be_visible()
    expect(busy_row.get_by_text("Rising")).to_be_visible()  # eight seats sold in a rush pushed its price up
    quiet_row = page.locator(f"[data-screening-id='{quiet['id']}']")
    expect(quiet_row).to_contain_text("₹200.00")
    expect(quiet_row.get_by_text("Filling fast")).to_have_count(0)
    ui.shot("show-filling-fast")

    # (b) they choose two tickets at ₹200 ...
    quiet_row.get_by_role("link", name="Book").click()
    expect(page).to_have_url(re.compile(rf"/book/{quiet['id']}$"))
    expect(page.get_by_test_id("unit-price")).to_have_text("₹200.00")
    page.get_by_role("button", name="More tickets").click()
    expect(page.get_by_test_id("booking-total")).to_have_text("₹400.00")

    # ... while another customer's booking moves the price
    stage.post("/api/bookings", {"screening_id": quiet["id"], "quantity": 3}, rival_headers)
    new_price = requests.get(f"{base}/api/screenings/{quiet['id']}").json()["price"]
    assert new_price > 200

    page.get_by_role("button", name="Book now").click()
    alert = page.get_by_role("alert").filter(has_text="price changed")
    expect(alert).to_contain_text(f"The price changed from ₹200.00 to {rupees(new_price)} per seat; nothing was booked")
    expect(alert).to_contain_text(f"New total: {rupees(2 * new_price)}")
    expect(page.get_by_role("spinbutton", name="Tickets")).to_have_value("2")  # the choice is kept
    expect(page.get_by_test_id("unit-price")).to_have_text(rupees(new_price))
    expect(page.get_by_test_id("booking-total")).to_have_text(rupees(2 * new_price))
    expect(page.get_by_text("Price rising")).to_be_visible()
    expect(page.get_by_text("was ₹200.00")).to_be_visible()
    assert requests.get(f"{base}/api/bookings", headers=stage.headers(buyer, PASSWORD)).json()["items"] == []
    ui.shot("book-price-changed")

    page.get_by_role("button", name="Book now").click()
    expect(page.get_by_role("heading", name="Booking confirmed")).to_be_visible()
    mine = requests.get(f"{base}/api/bookings", headers=stage.headers(buyer, PASSWORD)).json()["items"]
    assert [(b["quantity"], b["unit_price"], b["total_price"]) for b in mine] == [(2, new_price, 2 * new_price)]

    # (a) the admin turns dynamic pricing on for the other show in its form
    page.evaluate("localStorage.clear()")
    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/admin/shows?q={fixed['name']}")
    page.get_by_role("listitem").filter(has_text=fixed["name"]).get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Floor (%)")).to_be_disabled()
    dialog.get_by_role("switch", name="Move prices with demand").check()
    dialog.get_by_label("Floor (%)").fill("5")  # below the API's 10%: its message shows by the field
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("#show-pricing-floor-error")).to_contain_text("10")
    expect(dialog.get_by_label("Floor (%)")).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("Floor (%)").fill("80")
    dialog.get_by_label("Ceiling (%)").fill("160")
    expect(dialog.get_by_test_id("pricing-range")).to_contain_text("between ₹160.00 and ₹320.00")
    ui.shot("admin-dynamic-pricing-form")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Show '{fixed['name']}' saved.").first).to_be_visible()
    shown = requests.get(f"{base}/api/shows/{fixed['id']}").json()
    assert shown["dynamic_pricing"] == {"enabled": True, "floor_pct": 80, "ceiling_pct": 160}

    # (d) the admin reads the quiet screening's price history: the two bookings moved it
    page.goto(f"/admin/screenings?show_id={demand['id']}&theatre_id={hall['id']}")
    row = page.get_by_role("listitem").filter(has_text=demand["name"])
    expect(row).to_contain_text("Base ₹200.00")
    row.get_by_role("button", name="Price history").click()
    history = page.get_by_role("dialog", name=re.compile("Price history"))
    changes = history.get_by_test_id("price-changes")
    expect(changes.get_by_role("row").filter(has_text="Seats were booked")).to_have_count(2)
    expect(changes.get_by_role("row").filter(has_text="Seats were booked").last).to_contain_text(rupees(new_price))
    expect(history.get_by_role("img", name="Price over time")).to_be_visible()
    expect(page.locator(".modal-fade-enter-active")).to_have_count(0)
    ui.shot("admin-price-history")
    history.get_by_role("button", name="Close").first.click()
    expect(history).to_have_count(0)

    # (e) the admin runs the forecast from the dashboard and reads it
    admin_tab(page, "Dashboard")
    card = page.get_by_test_id("forecast-card")
    expect(card.get_by_role("heading", name="Forecast — next 7 days")).to_be_visible()
    card.get_by_role("button", name="Run forecast now").click()
    expect(card.get_by_text("Done", exact=True)).to_be_visible(timeout=30_000)
    expect(card.get_by_test_id("forecast-last-run")).to_contain_text("Model last ran")
    expect(card.get_by_role("img", name=re.compile("Forecast per day"))).to_be_visible()
    expect(card.get_by_role("list", name="Expected to sell best")).to_be_visible()
    ui.shot("admin-forecast")
    assert ui.console_errors == []
