"""The admin: a theatre with a Tamil name and an image, a show at two theatres at different prices, a
screening deleted through the confirmation dialog, a theatre's CSV exported and downloaded, the cache
flushed — at a phone and a desktop viewport."""

import email
import email.policy
import os
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import Backstage
from tests.e2e.test_foundation_journey import admin_tab, log_in, open_menu_if_collapsed


def poster(path):
    image = Image.new("RGB", (600, 900), (90, 20, 50))
    image.save(path, "PNG")
    return path


def test_admin_catalogue_export_and_cache(ui, live_server, tmp_path):
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    tamil_name = f"சத்யம் திரையரங்கம் {tag}"
    other = stage.post("/api/theatres", {"name": f"Devi {tag}", "place": "Chennai", "capacity": 40})

    log_in(page, "admin", ADMIN_PASSWORD)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Admin").click()

    # a theatre with a Tamil name and an image (previewed before upload)
    admin_tab(page, "Theatres")
    page.get_by_role("button", name="Create theatre").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill(tamil_name)
    dialog.get_by_label("Place").fill("சென்னை")
    dialog.get_by_label("Capacity").fill("50")
    dialog.get_by_label("Image").set_input_files(str(poster(tmp_path / "hall.png")))
    expect(dialog.get_by_role("img").first).to_be_visible()
    ui.shot("admin-theatre-form")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text(tamil_name).first).to_be_visible()
    theatre = requests.get(f"{live_server.url}/api/theatres", params={"q": tag, "place": "சென்னை"}).json()["items"][0]
    assert theatre["name"] == tamil_name and theatre["image_url"].endswith(".webp")
    assert requests.get(live_server.url + theatre["image_url"]).status_code == 200
    # an edit that changes nothing sends nothing and says so (it said "saved")
    page.get_by_role("listitem").filter(has_text=tamil_name).get_by_role("button", name="Edit").click()
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Nothing changed, so nothing was saved.")).to_be_visible()
    expect(page.get_by_text(f"Theatre '{tamil_name}' saved.")).to_have_count(0)

    # a show allocated to two theatres at different prices
    admin_tab(page, "Shows")
    page.get_by_role("button", name="Create show").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill(f"Kaala {tag}")
    dialog.get_by_label("Rating").fill("4")
    dialog.get_by_label("Tags").fill("action")
    dialog.get_by_label("Ticket price").fill("200")
    starts = (datetime.now(ZoneInfo("Asia/Kolkata")) + timedelta(days=3)).replace(hour=19, minute=0)
    for index, (hall, price) in enumerate(((tamil_name, "180"), (other["name"], "240"))):
        dialog.get_by_role("button", name="Add screening").click()
        dialog.get_by_label("Theatre").nth(index).select_option(label=hall)
        dialog.get_by_label("Starts at").nth(index).fill(starts.strftime("%Y-%m-%dT%H:%M"))
        dialog.get_by_label("Price", exact=True).nth(index).fill(price)
    ui.shot("admin-show-form")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Kaala {tag}").first).to_be_visible()
    show = requests.get(f"{live_server.url}/api/shows", params={"q": f"Kaala {tag}"}).json()["items"][0]
    prices = {
        s["theatre"]["name"]: s["price"]
        for s in requests.get(f"{live_server.url}/api/shows/{show['id']}").json()["screenings"]
    }
    assert prices == {tamil_name: 180.0, other["name"]: 240.0}

    # a screening deleted through the confirmation dialog
    admin_tab(page, "Screenings")
    # other tests' screenings share this server and come earlier: narrow the list to this show, as an admin would
    page.locator("#filter-show").select_option(value=str(show["id"]))
    row = page.get_by_role("listitem").filter(has_text=f"Kaala {tag}").filter(has_text=other["name"])
    row.get_by_role("button", name="Delete").click()
    confirm = page.get_by_role("dialog")
    expect(confirm).to_contain_text(f"Kaala {tag}")
    confirm.get_by_role("button", name="Delete").click()
    expect(row).to_have_count(0)
    remaining = requests.get(f"{live_server.url}/api/shows/{show['id']}").json()["screenings"]
    assert [s["theatre"]["name"] for s in remaining] == [tamil_name]

    # the theatre's CSV, exported and downloaded
    admin_tab(page, "Dashboard")
    # the theatres are paged (other tests' theatres share this server): found by name, as an admin would
    page.get_by_label("Find a theatre").fill(tamil_name)
    page.get_by_role("button", name=f"Export CSV for {tamil_name}").click()
    theatres = page.get_by_role("region", name="Theatres").or_(
        page.locator("section[aria-labelledby='theatres-heading']")
    )
    download_button = theatres.first.get_by_role("button", name="Download").first
    expect(download_button).to_be_visible(timeout=20_000)
    ui.shot("admin-export-done")
    with page.expect_download() as download_info:
        download_button.click()
    with open(download_info.value.path(), encoding="utf-8-sig") as downloaded:
        csv_text = downloaded.read()
    assert tamil_name in csv_text and f"Kaala {tag}" in csv_text and "180.00" in csv_text

    def subjects():
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["Subject"]
            for path in (live_server.data_dir / "mail").glob("*.eml")
        ]

    deadline = time.time() + 15  # the notice is sent by the mail queue just after the job is done
    while f"Export ready: {tamil_name}" not in subjects() and time.time() < deadline:
        time.sleep(0.2)
    assert f"Export ready: {tamil_name}" in subjects()

    # the cache, flushed
    requests.get(f"{live_server.url}/api/theatres")
    assert requests.get(f"{live_server.url}/api/theatres").headers["X-Cache"] == "HIT"
    page.get_by_role("button", name="Flush cache").click()
    page.get_by_role("dialog").get_by_role("button", name="Flush cache").click()
    expect(page.get_by_text("Cache flushed").first).to_be_visible()
    assert requests.get(f"{live_server.url}/api/theatres").headers["X-Cache"] == "MISS"
    assert ui.console_errors == []


def test_admin_shows_sort_over_every_page(ui, live_server):
    """Issue 16 (paged and sortable admin tables): the admin's shows, paged by the server, sort by newest,
    rating or name over all pages (GET /api/shows?sort=), from a "Sort by" select that keeps its choice in
    the URL and starts again at page 1. axe clean."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    for name, rating in (("Banyan", 4.5), ("Ashoka", 3), ("Champa", 2)):  # created in this order
        stage.post("/api/shows", {"name": f"{name} {tag}", "rating": rating, "tags": [], "ticket_price": 100})

    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/admin/shows?q={tag}")
    rows = page.locator("[id^='show-row-']")

    def names():
        return [text.split()[0] for text in rows.all_inner_texts()]

    expect(rows).to_have_count(3)
    sort = page.get_by_label("Sort by")
    expect(sort).to_have_value("latest")
    assert names() == ["Champa", "Ashoka", "Banyan"]  # newest first
    sort.select_option("name")
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(rows.first).to_have_text(f"Ashoka {tag}")
    assert names() == ["Ashoka", "Banyan", "Champa"]
    sort.select_option("rating")
    expect(rows.first).to_have_text(f"Banyan {tag}")
    assert names() == ["Banyan", "Ashoka", "Champa"]  # 4.5, 3, 2
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("rating")
    expect(rows.first).to_have_text(f"Banyan {tag}")
    assert axe_violations(page, "admin shows, sorted") == []


def test_admin_theatres_sort_over_the_whole_chain(ui, live_server):
    """Issue 16: the admin's theatres sort by name, place or seats over every theatre (then paged), with the
    shared "Sort by" select and its direction button; the choice stays in the URL. axe clean."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    for name, place, capacity in (("Banyan", "Madurai", 300), ("Ashoka", "Agra", 120), ("Champa", "Kochi", 60)):
        stage.post("/api/theatres", {"name": f"{name} {tag}", "place": place, "capacity": capacity})

    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/admin/theatres?q={tag}")
    rows = page.locator("[id^='theatre-row-']")

    def names():
        return [text.split()[0] for text in rows.all_inner_texts()]

    expect(rows).to_have_count(3)
    sort = page.get_by_label("Sort by")
    expect(sort).to_have_value("name")
    assert names() == ["Ashoka", "Banyan", "Champa"]
    sort.select_option("capacity")
    expect(rows.first).to_have_text(f"Banyan {tag}")
    assert names() == ["Banyan", "Ashoka", "Champa"]  # 300, 120, 60: largest first
    page.get_by_role("button", name="Sorted largest first: sort smallest first").click()
    expect(rows.first).to_have_text(f"Champa {tag}")
    assert names() == ["Champa", "Ashoka", "Banyan"]
    sort.select_option("place")
    # Banyan was last before this sort too: wait on the row that moves
    expect(rows.first).to_have_text(f"Ashoka {tag}")
    assert names() == ["Ashoka", "Champa", "Banyan"]  # Agra, Kochi, Madurai
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("place")
    expect(rows.last).to_have_text(f"Banyan {tag}")
    assert axe_violations(page, "admin theatres, sorted") == []


def test_admin_screenings_sort_over_every_page(ui, live_server):
    """Issue 16: the admin's screenings, paged by the server, sort soonest or latest first, or by show name,
    over all pages (GET /api/screenings?sort=), from the shared "Sort by" select; the choice stays in the URL
    beside the other filters and a new sort starts at page 1. axe clean."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    theatre = stage.post("/api/theatres", {"name": f"Hall {tag}", "place": "Pune", "capacity": 40})
    now = datetime.now(ZoneInfo("UTC")).replace(microsecond=0)
    for name, days in (("Zinnia", 3), ("Ashoka", 4), ("Banyan", 5)):  # a day apart: the hall is never busy
        show = stage.post("/api/shows", {"name": f"{name} {tag}", "rating": 3, "tags": [], "ticket_price": 100})
        starts_at = (now + timedelta(days=days)).isoformat()
        stage.post("/api/screenings", {"show_id": show["id"], "theatre_id": theatre["id"], "starts_at": starts_at})

    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/admin/screenings?theatre_id={theatre['id']}&page=2")  # other tests' screenings elsewhere
    rows = page.locator("[id^='screening-row-']")

    def names():
        return [text.split()[0] for text in rows.all_inner_texts()]

    sort = page.get_by_label("Sort by")
    expect(sort).to_have_value("starts_at")
    sort.select_option("show")
    expect(page).to_have_url(re.compile(rf"theatre_id={theatre['id']}&sort=show$"))  # page 1: no page=
    # the soonest-first rows are 3 too: wait on the row that moves, then read them all
    expect(rows.first).to_have_text(f"Ashoka {tag}")
    assert names() == ["Ashoka", "Banyan", "Zinnia"]
    sort.select_option("-starts_at")
    expect(rows.first).to_have_text(f"Banyan {tag}")
    assert names() == ["Banyan", "Ashoka", "Zinnia"]  # days 5, 4, 3
    sort.select_option("starts_at")
    expect(rows.first).to_have_text(f"Zinnia {tag}")
    assert names() == ["Zinnia", "Ashoka", "Banyan"]
    expect(page).not_to_have_url(re.compile(r"sort="))  # the default is left out of the URL
    sort.select_option("show")
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("show")
    expect(rows.last).to_have_text(f"Zinnia {tag}")
    assert names() == ["Ashoka", "Banyan", "Zinnia"]
    assert axe_violations(page, "admin screenings, sorted") == []


def test_admin_bookings_sort_over_every_page(ui, live_server):
    """Issue 16: a theatre's bookings show the server's order for the `when` chosen (upcoming: soonest
    screening first; all: newest booked first) until a sort is chosen (GET /api/theatres/{id}/bookings?sort=):
    the largest total or the customer A to Z, over all pages; the choice stays in the URL. axe clean."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    theatre = stage.post("/api/theatres", {"name": f"Hall {tag}", "place": "Pune", "capacity": 40})
    show = stage.post("/api/shows", {"name": f"Show {tag}", "rating": 3, "tags": [], "ticket_price": 100})
    starts_at = (datetime.now(ZoneInfo("UTC")).replace(microsecond=0) + timedelta(days=3)).isoformat()
    screening = stage.post(
        "/api/screenings", {"show_id": show["id"], "theatre_id": theatre["id"], "starts_at": starts_at}
    )
    for name, seats in (("bo", 1), ("cy", 3), ("al", 2)):  # booked in this order
        username = f"{name}{tag}"
        email = f"{username}@example.com"
        stage.post("/api/auth/signup", {"username": username, "email": email, "password": USER_PASSWORD})
        headers = stage.headers(username, USER_PASSWORD)
        stage.post("/api/bookings", {"screening_id": screening["id"], "quantity": seats}, headers)

    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/admin/bookings?theatre_id={theatre['id']}")
    rows = page.locator("[id^='booking-row-']")

    def customers():
        return [text.split()[2][:2] for text in rows.all_inner_texts()]  # "#12 · al1a2b3c"

    expect(rows).to_have_count(3)
    sort = page.get_by_label("Sort by")
    expect(sort).to_have_value("starts_at")  # upcoming: soonest screening first, then as booked
    assert customers() == ["bo", "cy", "al"]
    page.get_by_label("When", exact=True).select_option("all")  # all: the server's order is newest booked first
    expect(page).to_have_url(re.compile(r"when=all"))
    expect(sort).to_have_value("-created_at")
    expect(rows.first).to_contain_text(f"al{tag}")
    assert customers() == ["al", "cy", "bo"]
    sort.select_option("-total_price")
    expect(page).to_have_url(re.compile(r"sort=-total_price"))
    expect(rows.first).to_contain_text(f"cy{tag}")
    assert customers() == ["cy", "al", "bo"]  # 3, 2, 1 seats
    sort.select_option("customer")
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("customer")
    expect(rows.first).to_contain_text(f"al{tag}")
    assert customers() == ["al", "bo", "cy"]
    assert axe_violations(page, "admin bookings, sorted") == []


def test_admin_staff_sort_over_every_page(ui, live_server):
    """Issue 16: the admin's staff (and users found by name) sort by name either way, by role or newest
    account first over all pages (GET /api/admin/staff?sort=); the choice stays in the URL. axe clean."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    theatre = stage.post("/api/theatres", {"name": f"Hall {tag}", "place": "Pune", "capacity": 40})
    for name, role in (("zed", "manager"), ("bo", None), ("al", "scanner")):  # signed up in this order
        username = f"{name}{tag}"
        user = stage.post(
            "/api/auth/signup", {"username": username, "email": f"{username}@example.com", "password": USER_PASSWORD}
        )
        if role:
            body = {"role": role, "theatre_ids": [theatre["id"]]}
            assert requests.put(f"{live_server.url}/api/admin/staff/{user['id']}", json=body, headers=stage.admin).ok

    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/admin/staff?q={tag}")
    rows = page.locator("[id^='staff-row-']")

    def names():
        return [text.split()[0][:-6] for text in rows.all_inner_texts()]

    expect(rows).to_have_count(3)
    sort = page.get_by_label("Sort by")
    expect(sort).to_have_value("username")
    assert names() == ["al", "bo", "zed"]
    sort.select_option("role")
    expect(page).to_have_url(re.compile(r"sort=role"))
    expect(rows.first).to_contain_text(f"zed{tag}")
    assert names() == ["zed", "al", "bo"]  # the manager, the scanner, the user
    sort.select_option("-created_at")
    expect(rows.first).to_contain_text(f"al{tag}")
    assert names() == ["al", "bo", "zed"]
    sort.select_option("-username")
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("-username")
    expect(rows.first).to_contain_text(f"zed{tag}")
    assert names() == ["zed", "bo", "al"]
    assert axe_violations(page, "admin staff, sorted") == []


def test_admin_audit_sort_over_every_page(ui, live_server):
    """Issue 16: the audit log, newest first by default, sorts oldest first or grouped by action over all
    pages (GET /api/admin/audit?sort=) from a "Sort by" select outside the filter form (it applies at once);
    the choice stays in the URL with the filters. axe clean."""
    page, tag = ui.page, os.urandom(3).hex()
    stage = Backstage(live_server.url)
    theatre = stage.post("/api/theatres", {"name": f"T0 {tag}", "place": "Pune", "capacity": 40})
    for name in ("T1", "T2"):  # two renames after the create
        url = f"{live_server.url}/api/theatres/{theatre['id']}"
        assert requests.patch(url, json={"name": f"{name} {tag}"}, headers=stage.admin).ok

    log_in(page, "admin", ADMIN_PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/admin/audit?entity=theatre&entity_id={theatre['id']}")
    rows = page.locator("table.ts-audit tbody tr")

    def entries():  # the create, the first rename (T0 -> T1), the second (T1 -> T2)
        return ["u2" if "T2" in text else "u1" if "T1" in text else "c" for text in rows.all_inner_texts()]

    expect(rows).to_have_count(3)
    sort = page.get_by_label("Sort by")
    expect(sort).to_have_value("-at")
    assert entries() == ["u2", "u1", "c"]
    sort.select_option("at")
    expect(page).to_have_url(re.compile(r"sort=at"))
    expect(rows.first).not_to_contain_text("T1")
    assert entries() == ["c", "u1", "u2"]
    sort.select_option("action")
    expect(rows.nth(1)).to_contain_text("T2")
    assert entries() == ["c", "u2", "u1"]  # create, then the updates newest first
    page.reload()
    expect(page.get_by_label("Sort by")).to_have_value("action")
    expect(rows.nth(1)).to_contain_text("T2")
    assert entries() == ["c", "u2", "u1"]
    assert axe_violations(page, "admin audit, sorted") == []
