"""Staff: the admin makes a user the manager of one theatre on the Staff page; the manager sees only their
theatre's pages and screenings, moves a screening's price there (the API refuses the other theatre) and
cancels a customer's booking;
a scanner lands on the Scanner page; the admin finds the manager's change on the Audit page — at a phone
and a desktop viewport, with axe checks on the new pages.

Found walking the staff pages with fresh eyes, and asserted here: the role dialog's controls sat on its edge,
named the person twice, hid theatres in a scroll area and disabled "Save role" without a word; the manager's
Theatre filter was blank; saving an unchanged screening said "saved"; a link to another theatre's screenings
offered Edit and Delete, its bookings a 403 under "Try again"; the bookings list showed seat positions, not
labels."""

import os
import re

import requests
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import admin_tab, log_in, open_menu_if_collapsed


def log_out(page):
    open_menu_if_collapsed(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def new_manager(stage, name, theatre_ids):
    """A new user (password PASSWORD) whom the admin makes the manager of those theatres, through the API."""
    manager = stage.post("/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD})
    granted = requests.put(
        f"{stage.base}/api/admin/staff/{manager['id']}",
        json={"role": "manager", "theatre_ids": theatre_ids},
        headers=stage.admin,
    )
    assert granted.status_code == 200, granted.text


def test_admin_grants_manager_who_edits_only_their_theatre_and_admin_audits_it(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    mine = stage.post("/api/theatres", {"name": f"Mine {tag}", "place": "Pune", "capacity": 30})
    theirs = stage.post("/api/theatres", {"name": f"Theirs {tag}", "place": "Pune", "capacity": 30})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Staff show {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 150,
            "screenings": [
                {"theatre_id": mine["id"], "starts_at": at(days=2)},
                {"theatre_id": theirs["id"], "starts_at": at(days=3)},
            ],
        },
    )
    by_theatre = {s["theatre"]["id"]: s["id"] for s in stage.screenings(show["id"])}
    # A chain's worth of theatres, so the role dialog must show a long list (12, as in the demo data)
    listed = requests.get(f"{live_server.url}/api/theatres", params={"per_page": 1}).json()["total"]
    for extra in range(max(0, 12 - listed)):
        stage.post("/api/theatres", {"name": f"Extra {extra} {tag}", "place": "Nashik", "capacity": 20})
    manager_name, scanner_name = f"mgr-{tag}", f"door-{tag}"
    customer_name = f"fan-{tag}"
    stage.post(
        "/api/auth/signup",
        {"username": customer_name, "email": f"f-{os.urandom(3).hex()}@example.com", "password": PASSWORD},
    )
    booking = stage.post(
        "/api/bookings", {"screening_id": by_theatre[mine["id"]], "quantity": 2}, stage.headers(customer_name, PASSWORD)
    )
    manager = stage.post(
        "/api/auth/signup",
        {"username": manager_name, "email": f"m-{os.urandom(3).hex()}@example.com", "password": PASSWORD},
    )
    scanner = stage.post(
        "/api/auth/signup",
        {"username": scanner_name, "email": f"s-{os.urandom(3).hex()}@example.com", "password": PASSWORD},
    )

    # The admin finds the user on the Staff page and makes them the manager of one theatre.
    log_in(page, "admin", ADMIN_PASSWORD)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Admin", exact=True).click()
    admin_tab(page, "Staff")
    page.get_by_label("Find a user by username").fill(manager_name)
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("listitem").filter(has_text=manager_name)
    row.get_by_role("button", name="Change role").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(f"Role of {manager_name}")).to_have_count(1)  # the title; the legend says "Role"
    dialog.get_by_label("Manager").check()
    # The controls sit inside the dialog's padding, not on its left edge.
    assert dialog.get_by_label("Manager").bounding_box()["x"] - dialog.bounding_box()["x"] >= 12
    # No theatre hides in an inner scroll area; a long list has a filter and a count of those chosen.
    theatre_list = dialog.locator(".ts-staff-theatres")
    assert theatre_list.evaluate("list => list.scrollHeight <= list.clientHeight + 1")
    expect(dialog.get_by_text(re.compile(r"^0 of \d+ chosen$"))).to_be_visible()
    # Save is disabled until a theatre is chosen, and says so.
    expect(dialog.get_by_role("button", name="Save role")).to_be_disabled()
    expect(dialog.get_by_role("button", name="Save role")).to_have_accessible_description(
        "Choose at least one theatre for a manager."
    )
    expect(dialog.get_by_text("Choose at least one theatre for a manager.")).to_be_visible()
    dialog.get_by_label("Find a theatre").fill(f"Mine {tag}")
    expect(dialog.locator(".ts-staff-theatres .form-check")).to_have_count(1)
    dialog.get_by_label(f"Mine {tag}, Pune").check()
    expect(dialog.get_by_text(re.compile(r"^1 of \d+ chosen$"))).to_be_visible()
    expect(dialog.get_by_text("Choose at least one theatre")).to_have_count(0)
    assert axe_violations(page, "staff role dialog") == []
    ui.shot("staff-role-dialog")
    dialog.get_by_role("button", name="Save role").click()
    expect(page.get_by_text(f"{manager_name} is now a manager at Mine {tag}.")).to_be_visible()
    expect(row.get_by_text("manager", exact=True)).to_be_visible()
    assert axe_violations(page, "staff page") == []
    staff = requests.get(f"{live_server.url}/api/admin/staff", params={"q": manager_name}, headers=stage.admin).json()
    assert staff["items"][0]["role"] == "manager" and staff["items"][0]["theatre_ids"] == [mine["id"]]
    # Saving the same role and theatres again sends nothing (no audit entry for a change not made) and says so.
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "PUT" else None)
    row.get_by_role("button", name="Change role").click()
    expect(dialog.get_by_label(f"Mine {tag}, Pune")).to_be_checked()
    dialog.get_by_role("button", name="Save role").click()
    expect(page.get_by_text("Nothing changed, so nothing was saved.")).to_be_visible()
    expect(dialog).to_have_count(0)
    assert sent == []
    requests.put(
        f"{live_server.url}/api/admin/staff/{scanner['id']}",
        headers=stage.admin,
        json={"role": "scanner", "theatre_ids": [mine["id"]]},
    ).raise_for_status()
    log_out(page)

    # The manager sees their theatre's area only, and moves their screening's price.
    log_in(page, manager_name, PASSWORD)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Manage", exact=True).click()
    expect(page.get_by_role("heading", name="Manage your theatres")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Admin sections").get_by_role("link")
    expect(tabs).to_have_text(["Dashboard", "Screenings", "Bookings"])
    expect(page.get_by_role("heading", name="Past exports")).to_be_visible()
    expect(page.get_by_text(f"Theirs {tag}")).to_have_count(0)  # the dashboard covers their theatre only
    admin_tab(page, "Screenings")
    row = page.get_by_role("listitem").filter(has_text=f"Staff show {tag}")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"Mine {tag}")
    # The Theatre filter shows the theatre listed, among their own theatres only.
    theatre_filter = page.get_by_label("Theatre", exact=True)
    expect(theatre_filter).to_have_value(str(mine["id"]))
    expect(theatre_filter.locator("option")).to_have_text([f"Mine {tag}"])
    # Saving with nothing changed sends nothing and says so, not "saved".
    row.get_by_role("button", name="Edit").click()
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Nothing changed, so nothing was saved.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Screening of .* saved\."))).to_have_count(0)
    # Another theatre's screenings by a link: a lock notice and a way back, no Edit or Delete.
    page.goto(f"/admin/screenings?theatre_id={theirs['id']}")
    notice = page.get_by_test_id("screenings-not-yours")
    expect(notice).to_contain_text("This isn't one of your theatres")
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    expect(page.get_by_text(f"Theirs {tag}")).to_have_count(0)
    assert theatre_filter.evaluate("select => select.selectedOptions[0].text.trim()") == "Choose one of your theatres"
    assert axe_violations(page, "screenings of another theatre") == []
    notice.get_by_role("link", name="Show my theatres' screenings").click()
    expect(row).to_contain_text(f"Mine {tag}")
    expect(theatre_filter).to_have_value(str(mine["id"]))
    row.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Base price").fill("175")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    screening = requests.get(f"{live_server.url}/api/screenings/{by_theatre[mine['id']]}").json()
    assert screening["base_price"] == 175.0
    # ...and cancels a customer's booking there, on their behalf.
    admin_tab(page, "Bookings")
    row = page.get_by_role("listitem").filter(has_text=customer_name)
    expect(row).to_contain_text(f"Staff show {tag}")
    # Seats by their labels, as on the ticket ("2 seats (A1, A2)"), never their positions in the layout.
    assert booking["seats"] and all(label[0].isalpha() for label in booking["seats"])
    expect(row).to_contain_text(f"2 seats ({', '.join(booking['seats'])})")
    row.get_by_role("button", name="Cancel booking").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_text(f"Booking #{booking['id']} of {customer_name} cancelled.")).to_be_visible()
    expect(row).to_contain_text("Cancelled")
    assert axe_violations(page, "theatre bookings") == []
    # Another theatre's bookings by a link: a lock notice and a way back, not a 403 under "Try again".
    page.goto(f"/admin/bookings?theatre_id={theirs['id']}")
    notice = page.get_by_test_id("bookings-not-yours")
    expect(notice).to_contain_text("You can see bookings at your own theatres only.")
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    theatre_filter = page.get_by_label("Theatre", exact=True)
    assert theatre_filter.evaluate("select => select.selectedOptions[0].text.trim()") == "Choose one of your theatres"
    notice.get_by_role("link", name="Show my theatres' bookings").click()
    expect(theatre_filter).to_have_value(str(mine["id"]))
    expect(page.get_by_role("listitem").filter(has_text=customer_name)).to_contain_text("Cancelled")
    token = page.evaluate("JSON.parse(localStorage.getItem('ticketshow.session')).token")
    refused = requests.patch(
        f"{live_server.url}/api/screenings/{by_theatre[theirs['id']]}",
        json={"price": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_your_theatre"
    page.goto("/admin/staff")  # not theirs: sent back with a message
    expect(page.get_by_text("Your role does not include that page.")).to_be_visible()
    log_out(page)

    # A scanner lands on the Scanner page.
    log_in(page, scanner_name, PASSWORD)
    page.wait_for_url("**/scanner")
    expect(page.get_by_role("heading", name="Scanner")).to_be_visible()
    expect(page.get_by_text(f"Mine {tag}, Pune")).to_be_visible()
    assert axe_violations(page, "scanner page") == []
    log_out(page)

    # The admin finds the manager's change on the Audit page.
    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/admin/audit")
    page.get_by_label("Who").select_option(label=f"{manager_name} (manager)")
    page.get_by_role("button", name="Apply").click()
    entry = page.get_by_role("row").filter(has_text=f"screening #{by_theatre[mine['id']]}")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(manager_name)
    expect(entry).to_contain_text("update")
    expect(entry).to_contain_text("base_price")
    expect(entry).to_contain_text("175")
    cancelled = page.get_by_role("row").filter(has_text=f"booking #{booking['id']}")
    expect(cancelled).to_contain_text("cancel")
    expect(cancelled).to_contain_text("cancelled_by_staff")
    assert axe_violations(page, "audit page") == []
    ui.shot("audit-page")
    page.get_by_label("Entity").select_option("staff")
    page.get_by_label("Who").select_option(label="Anyone")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("row").filter(has_text=f"staff #{manager['id']}")).to_contain_text("grant")
    assert ui.console_errors == []


def test_a_manager_reaches_their_theatres_layout_and_comes_back(ui, live_server):
    """Found walking the app as a manager: the layout editor was reachable only from Admin → Theatres, which a
    manager may not open, and its "Theatres" breadcrumb and "Back to theatres" sent them to the home page with
    an error. Now their dashboard links each of their theatres' seat layouts, and the way back is the dashboard."""
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    mine = stage.post("/api/theatres", {"name": f"Layout Hall {tag}", "place": "Pune", "capacity": 30})
    other = stage.post("/api/theatres", {"name": f"Not Mine {tag}", "place": "Pune", "capacity": 30})
    stage.post(
        "/api/shows",
        {
            "name": f"Layout show {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 150,
            "screenings": [{"theatre_id": mine["id"], "starts_at": at(days=2)}],
        },
    )
    name = f"lay-{tag}"
    new_manager(stage, name, [mine["id"]])

    log_in(page, name, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/admin/dashboard")
    row = page.locator(f"tr[data-theatre='{mine['id']}']")
    row.get_by_role("link", name="Seat layout").click()
    expect(page).to_have_url(f"{live_server.url}/admin/theatres/{mine['id']}/layout")
    expect(page.get_by_text(f"Seat layout of Layout Hall {tag}")).to_be_visible()
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page).to_have_url(f"{live_server.url}/admin/dashboard")
    page.goto(f"/admin/theatres/{mine['id']}/layout")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(f"{live_server.url}/admin/dashboard")

    # Another theatre's layout by its link: said plainly, no editor whose Save the server would refuse.
    page.goto(f"/admin/theatres/{other['id']}/layout")
    expect(page.get_by_test_id("layout-not-yours")).to_contain_text("You can't change this theatre's seat layout")
    expect(page.get_by_role("button", name="Save layout")).to_have_count(0)
    page.get_by_test_id("layout-not-yours").get_by_role("link", name="Back to the dashboard").click()
    expect(page).to_have_url(f"{live_server.url}/admin/dashboard")
    assert ui.console_errors == []
