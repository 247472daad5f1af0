"""E-tickets at the door: a user opens a booking's tickets (a large QR per seat, the seat, show, theatre and
time); a scanner of that theatre picks the screening on the Scanner page and checks a ticket in by its typed
code; the second scan of the same ticket is refused — at a phone and a desktop viewport, with axe checks."""

import os
from datetime import datetime

import requests
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, VIEWPORTS
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_booking_journey import PASSWORD, Backstage, at
from tests.e2e.test_foundation_journey import log_in, open_menu_if_collapsed
from tests.e2e.test_staff_journey import log_out


def test_user_opens_tickets_and_scanner_checks_one_in_once(ui, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Door hall {tag}", "place": "Madurai", "capacity": 30})
    # Starts in 90 minutes: check-in is open (from 120 minutes before the start).
    show = stage.post(
        "/api/shows",
        {
            "name": f"Door show {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 120,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(hours=1.5)}],
        },
    )
    screening_id = stage.screening_ids(show["id"])[0]
    fan, door = f"fan-{tag}", f"door-{tag}"
    stage.post(
        "/api/auth/signup", {"username": fan, "email": f"f-{os.urandom(3).hex()}@example.com", "password": PASSWORD}
    )
    scanner = stage.post(
        "/api/auth/signup", {"username": door, "email": f"d-{os.urandom(3).hex()}@example.com", "password": PASSWORD}
    )
    requests.put(
        f"{live_server.url}/api/admin/staff/{scanner['id']}",
        headers=stage.admin,
        json={"role": "scanner", "theatre_ids": [hall["id"]]},
    ).raise_for_status()
    booking = stage.post("/api/bookings", {"screening_id": screening_id, "quantity": 2}, stage.headers(fan, PASSWORD))
    seats = booking["seats"]

    # The user opens the booking's tickets from My bookings.
    log_in(page, fan, PASSWORD)
    page.wait_for_url(lambda url: "/login" not in url)
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="My bookings").first.click()
    card = page.get_by_role("article").filter(has_text=f"Door show {tag}")
    card.get_by_role("link", name="Tickets").click()
    page.wait_for_url(f"**/bookings/{booking['id']}/tickets")
    expect(page.get_by_role("heading", name=f"Door show {tag}")).to_be_visible()
    for seat in seats:
        ticket = page.get_by_role("article").filter(has=page.get_by_role("heading", name=f"Seat {seat}"))
        expect(ticket.get_by_role("img", name=f"QR code of the ticket for seat {seat}")).to_be_visible()
        expect(ticket).to_contain_text(f"Door hall {tag}, Madurai")
        expect(ticket).to_contain_text("Valid")
    expect(page.get_by_role("button", name="Add to calendar")).to_be_visible()
    expect(page.get_by_role("button", name="Share")).to_be_visible()
    qr = page.get_by_role("img", name=f"QR code of the ticket for seat {seats[0]}")
    assert qr.bounding_box()["width"] >= 250  # large enough to scan from a phone
    code = (
        page.get_by_role("article")
        .filter(has=page.get_by_role("heading", name=f"Seat {seats[0]}"))
        .get_attribute("data-ticket-code")
    )
    assert code and code.count(".") == 1
    assert axe_violations(page, "tickets page") == []
    ui.shot("tickets")
    with page.expect_download() as download:
        page.get_by_role("button", name="Add to calendar").click()
    assert download.value.suggested_filename == f"booking-{booking['id']}.ics"
    log_out(page)

    # The scanner checks the ticket in by its typed code; a second scan is refused.
    log_in(page, door, PASSWORD)
    page.wait_for_url("**/scanner")
    page.get_by_label("Screening").select_option(str(screening_id))
    expect(page.get_by_test_id("checkin-count")).to_have_text("0 checked in of 2 sold")
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    answer = page.get_by_test_id("scan-answer")
    expect(answer).to_contain_text("Welcome in")
    expect(answer).to_contain_text(f"Seat {seats[0]}")
    expect(page.get_by_test_id("checkin-count")).to_have_text("1 checked in of 2 sold")
    assert axe_violations(page, "scanner, admitted") == []
    ui.shot("scanner-ok")
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(answer).to_contain_text("Do not admit")
    expect(answer).to_contain_text("Already checked in at")
    expect(answer).to_contain_text(f"Seat {seats[0]}")
    expect(page.get_by_test_id("checkin-count")).to_have_text("1 checked in of 2 sold")
    ui.shot("scanner-refused")
    tickets = requests.get(
        f"{live_server.url}/api/bookings/{booking['id']}/tickets", headers=stage.headers(fan, PASSWORD)
    ).json()
    assert [t["status"] for t in tickets] == ["checked_in", "valid"]
    assert ui.console_errors == []


def scanner_device(browser, live_server, username, viewport):
    """Another phone at the door: a fresh browser context logged in as `username` on the Scanner page."""
    context = browser.new_context(base_url=live_server.url, **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, username, PASSWORD)
    page.wait_for_url("**/scanner")
    return context, page


def type_code(page, code):
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in").click()


def test_offline_scans_are_unconfirmed_then_sync_and_double_entries_are_listed(ui, browser, live_server):
    page, tag = ui.page, f"{os.urandom(3).hex()}{ui.viewport[0]}"
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Offline hall {tag}", "place": "Kochi", "capacity": 30})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Offline show {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 100,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(hours=1.5)}],
        },
    )
    screening_id = stage.screening_ids(show["id"])[0]
    fan = f"fan-{tag}"
    stage.post("/api/auth/signup", {"username": fan, "email": f"{fan}@example.com", "password": PASSWORD})
    doors = []
    for name in (f"door1-{tag}", f"door2-{tag}"):
        person = stage.post(
            "/api/auth/signup", {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        )
        requests.put(
            f"{live_server.url}/api/admin/staff/{person['id']}",
            headers=stage.admin,
            json={"role": "scanner", "theatre_ids": [hall["id"]]},
        ).raise_for_status()
        doors.append(name)
    booking = stage.post("/api/bookings", {"screening_id": screening_id, "quantity": 3}, stage.headers(fan, PASSWORD))
    tickets_url = f"{live_server.url}/api/bookings/{booking['id']}/tickets"
    tickets = requests.get(tickets_url, headers=stage.headers(fan, PASSWORD)).json()

    failed = []  # requests the network refused while offline: the scanner must not be sending any to the API
    page.on("requestfailed", lambda request: failed.append(request.url))
    # Device one opens the Scanner online (the key and the screenings are saved), then the network drops.
    log_in(page, doors[0], PASSWORD)
    page.wait_for_url("**/scanner")
    page.get_by_label("Screening").select_option(str(screening_id))
    expect(page.get_by_test_id("checkin-count")).to_have_text("0 checked in of 3 sold")
    page.context.set_offline(True)
    type_code(page, tickets[0]["code"])
    answer = page.get_by_test_id("scan-answer")
    expect(answer).to_contain_text("Welcome in")
    expect(answer).to_contain_text(f"Seat {tickets[0]['seat']}")
    expect(page.get_by_test_id("unconfirmed")).to_have_text("Unconfirmed")
    expect(page.get_by_test_id("pending-count")).to_contain_text("1 unconfirmed scan waiting to sync")
    expect(page.get_by_test_id("scanner-offline")).to_be_visible()
    ui.shot("scanner-offline-unconfirmed")
    # The same ticket again on this device, still offline: refused by the device's own list.
    type_code(page, tickets[0]["code"])
    expect(answer).to_contain_text("Do not admit")
    expect(answer).to_contain_text("Already let in on this device at")
    # A forged code is refused offline by its signature.
    forged = tickets[2]["code"][:-2] + ("AA" if not tickets[2]["code"].endswith("AA") else "QA")
    type_code(page, forged)
    expect(answer).to_contain_text("Not a valid ticket")
    assert axe_violations(page, "scanner, offline") == []

    # Back online: the scan syncs by itself.
    page.context.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_count(0)
    expect(page.get_by_test_id("checkin-count")).to_have_text("1 checked in of 3 sold")
    status = [t["status"] for t in requests.get(tickets_url, headers=stage.headers(fan, PASSWORD)).json()]
    assert status == ["checked_in", "valid", "valid"]

    # Two devices offline let the same ticket in; the second to sync lists it as a double entry.
    other_context, other = scanner_device(browser, live_server, doors[1], ui.viewport)
    try:
        other.get_by_label("Screening").select_option(str(screening_id))
        expect(other.get_by_test_id("checkin-count")).to_have_text("1 checked in of 3 sold")
        page.context.set_offline(True)
        other_context.set_offline(True)
        type_code(page, tickets[1]["code"])
        expect(page.get_by_test_id("unconfirmed")).to_be_visible()
        type_code(other, tickets[1]["code"])
        expect(other.get_by_test_id("unconfirmed")).to_be_visible()
        page.context.set_offline(False)
        expect(page.get_by_test_id("pending-count")).to_have_count(0)
        first_time = requests.get(tickets_url, headers=stage.headers(fan, PASSWORD)).json()[1]["checked_in_at"]
        assert first_time
        expect(page.get_by_test_id("scan-answer")).to_contain_text("Confirmed by the server")
        other_context.set_offline(False)
        expect(other.get_by_test_id("scan-answer")).to_contain_text("Refused when it synced")
        conflicts = other.get_by_test_id("offline-conflicts")
        expect(conflicts).to_contain_text("Admitted offline but already used")
        expect(conflicts).to_contain_text(f"Seat {tickets[1]['seat']}")
        # the first time, as the page writes times (h:mm in the app's time zone, which checked_in_at is in)
        local = datetime.fromisoformat(first_time)
        expect(conflicts).to_contain_text(f"already used at {local.hour % 12 or 12}:{local.minute:02d}")
        expect(page.get_by_test_id("offline-conflicts")).to_have_count(0)
        ui.shot("scanner-double-entry")
        assert axe_violations(other, "scanner, double entry") == []
    finally:
        other_context.close()

    # The audit says what happened: both offline, one admitted, one refused as already checked in.
    audit = requests.get(
        f"{live_server.url}/api/admin/audit",
        headers=stage.admin,
        params={"entity": "ticket", "entity_id": tickets[1]["id"]},
    ).json()["items"]
    assert sorted((row["action"], row["after"].get("offline")) for row in audit) == [
        ("checkin", True),
        ("checkin_refused", True),
    ]
    assert [url for url in failed if "/api/" in url] == []
    # Chromium fetches the tab's icon again while offline and logs its failure; nothing else may be logged.
    assert [e for e in ui.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []


def qr_video(path, text: str, width: int = 640, height: int = 480, frames: int = 10) -> None:
    """A Y4M video (what Chromium's fake camera plays, in a loop) showing the QR code of `text` on white."""
    import segno

    symbol = segno.make(text, error="m", micro=False)
    side = symbol.symbol_size(scale=1, border=4)[0]
    scale = min(width, height) * 8 // 10 // side
    rows = [bytes(0 if dark else 255 for dark in row) for row in symbol.matrix_iter(scale=scale, border=4)]
    left, top = (width - len(rows[0])) // 2, (height - len(rows)) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(rows):
        luma[(top + y) * width + left : (top + y) * width + left + len(row)] = row
    chroma = b"\x80" * (width * height // 2)  # U and V planes of 4:2:0, grey
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma)


def test_the_camera_reads_a_ticket_with_jsqr_where_the_browser_has_no_barcode_detector(
    playwright, live_server, tmp_path
):
    """Chromium on Linux has no BarcodeDetector: the Scanner loads jsQR and reads the QR code from a camera
    (Chromium's fake camera playing a video of the ticket's QR code)."""
    tag = os.urandom(3).hex()
    stage = Backstage(live_server.url)
    hall = stage.post("/api/theatres", {"name": f"Camera hall {tag}", "place": "Mysuru", "capacity": 30})
    show = stage.post(
        "/api/shows",
        {
            "name": f"Camera show {tag}",
            "rating": 4,
            "tags": ["drama"],
            "ticket_price": 100,
            "screenings": [{"theatre_id": hall["id"], "starts_at": at(hours=1.5)}],
        },
    )
    screening_id = stage.screening_ids(show["id"])[0]
    fan, door = f"fan-{tag}", f"cam-{tag}"
    stage.post("/api/auth/signup", {"username": fan, "email": f"{fan}@example.com", "password": PASSWORD})
    person = stage.post("/api/auth/signup", {"username": door, "email": f"{door}@example.com", "password": PASSWORD})
    requests.put(
        f"{live_server.url}/api/admin/staff/{person['id']}",
        headers=stage.admin,
        json={"role": "scanner", "theatre_ids": [hall["id"]]},
    ).raise_for_status()
    booking = stage.post("/api/bookings", {"screening_id": screening_id, "quantity": 1}, stage.headers(fan, PASSWORD))
    ticket = requests.get(
        f"{live_server.url}/api/bookings/{booking['id']}/tickets", headers=stage.headers(fan, PASSWORD)
    ).json()[0]
    qr_video(tmp_path / "ticket.y4m", ticket["code"])

    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={tmp_path / 'ticket.y4m'}",
        ],
    )
    try:
        context = browser.new_context(base_url=live_server.url, permissions=["camera"], **VIEWPORTS["phone"])
        context.set_default_timeout(15_000)
        page = context.new_page()
        loaded = []
        page.on("request", lambda request: loaded.append(request.url))
        log_in(page, door, PASSWORD)
        page.wait_for_url("**/scanner")
        assert page.evaluate("'BarcodeDetector' in window") is False
        page.get_by_label("Screening").select_option(str(screening_id))
        assert not any("/assets/jsQR" in url for url in loaded)  # not before the camera is wanted
        page.get_by_role("button", name="Scan with the camera").click()
        answer = page.get_by_test_id("scan-answer")
        expect(answer).to_contain_text("Welcome in")
        expect(answer).to_contain_text(f"Seat {ticket['seat']}")
        assert any("/assets/jsQR" in url for url in loaded)  # the fallback, loaded on the Scanner page only
        page.get_by_role("button", name="Stop the camera").click()
        status = requests.get(
            f"{live_server.url}/api/bookings/{booking['id']}/tickets", headers=stage.headers(fan, PASSWORD)
        ).json()[0]["status"]
        assert status == "checked_in"
    finally:
        browser.close()
