"""The dashboard's waiting lists in the browser: a theatre's manager sees each screening's list in figures
(waiting, seats wanted, offers out, offers made, booked), sorts the table by a column (the headers on a
desktop, the "Sort by" select on a phone), and the section fits a 375 px screen, in Tamil too — with an axe
check."""

import os

import requests
from playwright.sync_api import expect

from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import admin_tab, log_in, open_menu_if_collapsed


def test_manager_reads_and_sorts_the_waiting_lists_of_their_theatre(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport}"
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Queue hall {tag}", "place": "Madurai", "capacity": 2})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Long Wait {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 120,
            "screenings": [
                {"theatre_id": hall["id"], "starts_at": at(days=2)},
                {"theatre_id": hall["id"], "starts_at": at(days=3)},
            ],
        },
    )
    sooner, later = stage.screening_ids(show["id"])  # listed by start

    def person(name):
        username = f"{name}-{tag}"
        stage.post("/api/auth/signup", {"username": username, "email": f"{username}@example.com", "password": PASSWORD})
        return stage.headers(username, PASSWORD)

    # sooner: houseful, one entry waiting for two seats. later: houseful, three wait for one seat each; the
    # holder cancels, the first two are offered a seat each and one of them books it.
    stage.post("/api/bookings", {"screening_id": sooner, "quantity": 2}, person("full1"))
    stage.post(f"/api/screenings/{sooner}/waitlist", {"quantity": 2}, person("pair"))
    holder = person("holder")
    booking = stage.post("/api/bookings", {"screening_id": later, "quantity": 2}, holder)
    singles = [person(f"single{n}") for n in range(3)]
    for headers in singles:
        stage.post(f"/api/screenings/{later}/waitlist", {"quantity": 1}, headers)
    assert requests.post(f"{stage.base}/api/bookings/{booking['id']}/cancel", headers=holder).status_code == 200
    offer = requests.get(f"{stage.base}/api/waitlist", headers=singles[0]).json()["items"][0]
    stage.post("/api/bookings", {"hold_id": offer["hold"]["id"]}, singles[0])

    manager = stage.post(
        "/api/auth/signup", {"username": f"mgr-{tag}", "email": f"mgr-{tag}@example.com", "password": PASSWORD}
    )
    requests.put(
        f"{stage.base}/api/admin/staff/{manager['id']}",
        headers=stage.admin,
        json={"role": "manager", "theatre_ids": [hall["id"]]},
    ).raise_for_status()

    log_in(page, f"mgr-{tag}", PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Manage", exact=True).click()
    admin_tab(page, "Dashboard")
    section = page.get_by_role("region", name="Waiting lists")
    table = section.get_by_role("table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)

    def figures(row):
        return [int(text) for text in row.locator("td").all_inner_texts()]

    def order():
        return [int(row.get_attribute("data-screening")) for row in rows.all()]

    # the longest lists first; equal lengths: the soonest screening first
    assert order() == [sooner, later]
    assert figures(rows.nth(0)) == [1, 2, 0, 0, 0]  # waiting, seats wanted, offers out, offers made, booked
    assert figures(rows.nth(1)) == [1, 1, 1, 2, 1]
    expect(rows.nth(1).locator("th")).to_contain_text(f"Long Wait {tag}")
    expect(rows.nth(1).locator("th")).to_contain_text(f"Queue hall {tag}")

    if ui.viewport == "phone":
        sort = section.get_by_label("Sort by")
        expect(sort).to_be_visible()
        sort.select_option(label="Offers made")
        assert order() == [later, sooner]
        section.get_by_role("button", name="Sorted largest first: sort smallest first").click()
        assert order() == [sooner, later]
        # the five figures sit side by side under the title, and nothing scrolls sideways
        first = rows.nth(0).locator("td")
        assert first.nth(0).bounding_box()["y"] == first.nth(4).bounding_box()["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # and no label spills into its neighbour's cell ("Seats wanted" wraps)
        assert first.evaluate_all("cells => cells.filter(c => c.scrollWidth > c.clientWidth).length") == 0
    else:
        expect(section.get_by_label("Sort by")).to_be_hidden()
        header = table.get_by_role("columnheader", name="Offers made")
        expect(header).to_have_attribute("aria-sort", "none")
        header.get_by_role("button").click()
        expect(header).to_have_attribute("aria-sort", "descending")
        assert order() == [later, sooner]
        header.get_by_role("button").click()
        expect(header).to_have_attribute("aria-sort", "ascending")
        assert order() == [sooner, later]
    section.scroll_into_view_if_needed()
    ui.shot("dashboard-waitlists")
    assert axe_violations(page, "dashboard waiting lists") == []

    if ui.viewport == "phone":  # Tamil's longer words still fit the phone's cards (labels wrap, nothing spills)
        page.evaluate("localStorage.setItem('ticketshow.locale', 'ta')")
        page.reload()
        tamil = page.locator("section[aria-labelledby=waitlists-heading]")
        expect(tamil.get_by_role("heading")).to_have_text("காத்திருப்புப் பட்டியல்கள்")
        expect(tamil.locator("tbody tr")).to_have_count(2)
        cells = tamil.locator("tbody td")
        assert cells.evaluate_all("cells => cells.filter(c => c.scrollWidth > c.clientWidth).length") == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        tamil.scroll_into_view_if_needed()
        ui.shot("dashboard-waitlists-ta")
