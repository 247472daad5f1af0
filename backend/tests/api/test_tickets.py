"""E-tickets and check-in (API.md "E-tickets and check-in"): signed codes verified with nothing but the
public key, revocation on cancel, the check-in answers, nonces, the window against a moved clock, roles."""

from __future__ import annotations

import base64
import json
import os
import stat
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.conftest import make_settings
from ticketshow import create_app


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def soon(minutes: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).replace(microsecond=0).isoformat()


@pytest.fixture
def door(api, client, admin):
    """A screening starting in 90 minutes (check-in open, cancellation still open), a user's booking of 3 seats, a scanner of its
    theatre, and a second theatre with its own screening and scanner."""
    theatre = api.create_theatre(admin, name="Door hall")
    other = api.create_theatre(admin, name="Other hall")
    show = api.create_show(admin, name="Sholay", duration_minutes=150)
    screening = api.create_screening(admin, show["id"], theatre["id"], soon(90))
    elsewhere = api.create_screening(admin, show["id"], other["id"], soon(60))
    user = api.new_user()
    booking = client.post(
        "/api/bookings", headers=user["headers"], json={"screening_id": screening["id"], "quantity": 3}
    )
    assert booking.status_code == 201, booking.get_json()
    scanners = {}
    for name, hall in (("here", theatre), ("there", other)):
        person = api.new_user()
        granted = client.put(
            f"/api/admin/staff/{person['id']}", headers=admin, json={"role": "scanner", "theatre_ids": [hall["id"]]}
        )
        assert granted.status_code == 200, granted.get_json()
        scanners[name] = person["headers"]
    return {
        "screening": screening,
        "elsewhere": elsewhere,
        "user": user,
        "booking": booking.get_json(),
        "scanner": scanners["here"],
        "scanner_elsewhere": scanners["there"],
        "show": show,
        "theatre": theatre,
    }


def tickets_of(client, door, headers=None):
    response = client.get(f"/api/bookings/{door['booking']['id']}/tickets", headers=headers or door["user"]["headers"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def scan(client, door, code, headers=None, **body):
    return client.post(
        "/api/checkin",
        headers=headers or door["scanner"],
        json={"code": code, "screening_id": door["screening"]["id"], **body},
    )


def test_codes_verify_offline_with_the_public_key(app, client, door):
    key = client.get("/api/checkin/key").get_json()
    assert key["algorithm"] == "Ed25519"
    public = Ed25519PublicKey.from_public_bytes(unb64(key["public_key"]))
    tickets = tickets_of(client, door)
    assert [t["seat"] for t in tickets] == door["booking"]["seats"]
    for ticket in tickets:
        assert ticket["status"] == "valid" and ticket["checked_in_at"] is None
        head, signature = ticket["code"].split(".")
        assert "=" not in ticket["code"]
        public.verify(unb64(signature), head.encode("ascii"))  # raises if it does not hold
        assert (
            unb64(head)
            == json.dumps(
                {"t": ticket["id"], "s": door["screening"]["id"], "seat": ticket["seat"], "v": 1}, separators=(",", ":")
            ).encode()
        )
        with pytest.raises(InvalidSignature):  # the signature covers the payload: another seat fails
            forged = base64.urlsafe_b64encode(unb64(head).replace(ticket["seat"].encode(), b"Z99")).rstrip(b"=")
            public.verify(unb64(signature), forged)
    # Nothing personal in a code: the booker's name and email are nowhere in it.
    assert door["user"]["username"].encode() not in unb64(tickets[0]["code"].split(".")[0])
    # The key was generated once into the data dir, owner-only, and is the same for the next process.
    path = app.config["SETTINGS"].data_dir / "ticket-signing-key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = create_app(app.config["SETTINGS"])
    with again.app_context():
        assert again.test_client().get("/api/checkin/key").get_json() == key


def test_any_changed_character_is_invalid_code_and_checks_nothing_in(client, door):
    code = tickets_of(client, door)[0]["code"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for position, char in enumerate(code):
        if char == ".":
            continue
        changed = code[:position] + alphabet[(alphabet.index(char) + 1) % 64] + code[position + 1 :]
        response = scan(client, door, changed)
        assert response.status_code == 422, (position, response.get_json())
        assert response.get_json()["error"]["code"] == "invalid_code"
    for broken in ("", "abc", code + "A", code.replace(".", ""), code + ".x", "é" + code[1:], code[:-2]):
        response = scan(client, door, broken)
        assert response.status_code == 422 and response.get_json()["error"]["code"] in {
            "invalid_code",
            "validation_error",
        }
    assert client.get(f"/api/screenings/{door['screening']['id']}/checkin", headers=door["scanner"]).get_json() == {
        "screening_id": door["screening"]["id"],
        "seats_sold": 3,
        "checked_in": 0,
    }


def test_any_text_a_qr_code_can_hold_that_is_no_ticket_is_invalid_code(client, door):
    """A door camera reads whatever QR is held up: a payment QR, a long link. Any text that is no ticket of ours
    is the scanner's "not a valid ticket", never a form error about a field the door staff never typed."""
    long_link = "https://pay.example/upi?pa=merchant@bank&pn=" + "Shop%20" * 200  # about 1,450 characters
    for text in (long_link, "7" * 7089, "😀" * 300):  # 7089 digits: the most a QR code holds
        response = scan(client, door, text)
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["error"]["code"] == "invalid_code", response.get_json()


def test_check_in_once_then_already_checked_in_with_the_first_time(client, door, admin):
    first, second = tickets_of(client, door)[:2]
    ok = scan(client, door, first["code"])
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["result"] == "ok" and body["ticket"] == {"id": first["id"], "seat": first["seat"]}
    assert body["booking_id"] == door["booking"]["id"] and body["checked_in_at"].endswith("+05:30")
    again = scan(client, door, first["code"])
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "already_checked_in" and error["details"]["checked_in_at"] == body["checked_in_at"]
    listed = {t["id"]: t for t in tickets_of(client, door)}
    assert listed[first["id"]]["status"] == "checked_in"
    assert listed[first["id"]]["checked_in_at"] == body["checked_in_at"]
    assert listed[second["id"]]["status"] == "valid"
    counts = client.get(f"/api/screenings/{door['screening']['id']}/checkin", headers=door["scanner"]).get_json()
    assert (counts["seats_sold"], counts["checked_in"]) == (3, 1)
    audit = client.get(f"/api/admin/audit?entity=ticket&entity_id={first['id']}", headers=admin).get_json()
    assert [(e["action"], e["after"]["seat"]) for e in audit["items"]] == [
        ("checkin_refused", first["seat"]),  # the second scan, newest first
        ("checkin", first["seat"]),
    ]


def test_a_nonce_returns_the_first_answer_and_changes_nothing(client, door, admin):
    first, second = tickets_of(client, door)[:2]
    ok = scan(client, door, first["code"], nonce="scan-1")
    replay = scan(client, door, first["code"], nonce="scan-1")
    assert ok.status_code == replay.status_code == 200 and replay.get_json() == ok.get_json()
    audit = client.get(f"/api/admin/audit?entity=ticket&entity_id={first['id']}", headers=admin).get_json()
    assert audit["total"] == 1  # the replay wrote nothing (a refusal would have written one too)
    refused = scan(client, door, first["code"], nonce="scan-2")
    assert refused.status_code == 409
    # The refusal is the first answer of scan-2: it stays a refusal, even with another code sent along.
    assert scan(client, door, second["code"], nonce="scan-2").get_json() == refused.get_json()
    assert (
        client.get(f"/api/screenings/{door['screening']['id']}/checkin", headers=door["scanner"]).get_json()[
            "checked_in"
        ]
        == 1
    )
    # Nonces are per caller: another scanner's "scan-1" is a scan of its own.
    assert scan(client, door, second["code"], headers=admin, nonce="scan-1").status_code == 200


def test_cancelled_bookings_tickets_are_revoked_and_their_seats_get_new_ids(client, door):
    tickets = tickets_of(client, door)
    cancelled = client.post(f"/api/bookings/{door['booking']['id']}/cancel", headers=door["user"]["headers"])
    assert cancelled.status_code == 200, cancelled.get_json()
    after = tickets_of(client, door)
    assert [(t["id"], t["seat"], t["code"], t["status"]) for t in after] == [
        (t["id"], t["seat"], t["code"], "revoked") for t in tickets
    ]
    response = scan(client, door, tickets[0]["code"])
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "revoked"
    # The same seats sold again are new tickets: the old codes stay revoked.
    rebooked = client.post(
        "/api/bookings", headers=door["user"]["headers"], json={"screening_id": door["screening"]["id"], "quantity": 3}
    ).get_json()
    assert sorted(rebooked["seats"]) == sorted(t["seat"] for t in tickets)
    fresh = client.get(f"/api/bookings/{rebooked['id']}/tickets", headers=door["user"]["headers"]).get_json()
    assert not {t["id"] for t in fresh} & {t["id"] for t in tickets}
    assert scan(client, door, tickets[0]["code"]).get_json()["error"]["code"] == "revoked"
    assert scan(client, door, fresh[0]["code"]).status_code == 200


def test_wrong_screening_and_unknown_screening(client, door, admin):
    code = tickets_of(client, door)[0]["code"]
    response = client.post("/api/checkin", headers=admin, json={"code": code, "screening_id": door["elsewhere"]["id"]})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "wrong_screening"
    assert response.get_json()["error"]["details"]["screening_id"] == door["screening"]["id"]
    missing = client.post("/api/checkin", headers=admin, json={"code": code, "screening_id": 999999})
    assert missing.status_code == 404
    assert client.post("/api/checkin", headers=admin, json={"screening_id": 1}).status_code == 422


def test_tickets_are_the_owners_and_the_admins_only(client, api, door, admin):
    assert len(tickets_of(client, door, headers=admin)) == 3
    for headers in (api.new_user()["headers"], door["scanner"]):
        response = client.get(f"/api/bookings/{door['booking']['id']}/tickets", headers=headers)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get(f"/api/bookings/{door['booking']['id']}/tickets").status_code == 401
    assert client.get("/api/bookings/999999/tickets", headers=admin).status_code == 404


def test_who_may_check_in(client, api, door):
    code = tickets_of(client, door)[0]["code"]
    user = scan(client, door, code, headers=door["user"]["headers"])
    assert user.status_code == 403 and user.get_json()["error"]["code"] == "staff_only"
    other = scan(client, door, code, headers=door["scanner_elsewhere"])
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "not_your_theatre"
    counts = client.get(f"/api/screenings/{door['screening']['id']}/checkin", headers=door["scanner_elsewhere"])
    assert counts.status_code == 403
    assert (
        client.get(f"/api/screenings/{door['screening']['id']}/checkin", headers=door["user"]["headers"]).status_code
        == 403
    )
    assert client.post("/api/checkin", json={"code": code, "screening_id": door["screening"]["id"]}).status_code == 401
    # Nothing was checked in by the refused callers; the theatre's own scanner can.
    assert tickets_of(client, door)[0]["status"] == "valid"
    assert scan(client, door, code).status_code == 200


@pytest.fixture
def short_window(data_dir, redis_server):
    """The app with decimal minute settings: opens 90 s before the start, closes 30 s after it."""
    application = create_app(
        make_settings(data_dir, redis_server["url"], checkin_opens_minutes=1.5, checkin_closes_minutes=0.5)
    )
    return application


def later_door(api, client, admin, door, minutes=300):
    """A screening of the door's theatre `minutes` from now with a booking of 3 seats: the clock moves
    forward only (a token issued "in the future" would not be accepted)."""
    screening = api.create_screening(admin, door["show"]["id"], door["theatre"]["id"], soon(minutes))
    booking = client.post(
        "/api/bookings", headers=door["user"]["headers"], json={"screening_id": screening["id"], "quantity": 3}
    ).get_json()
    return {**door, "screening": screening, "booking": booking}


def test_the_window_follows_the_clock(api, client, admin, door):
    door = later_door(api, client, admin, door)
    tickets = tickets_of(client, door)
    start = datetime.fromisoformat(door["screening"]["starts_at"])
    with time_machine.travel(start - timedelta(minutes=121), tick=False):
        early = scan(client, door, tickets[0]["code"])
        assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_open"
        details = early.get_json()["error"]["details"]
        assert datetime.fromisoformat(details["opens_at"]) == start - timedelta(minutes=120)
        assert datetime.fromisoformat(details["closes_at"]) == start + timedelta(minutes=60)
    with time_machine.travel(start - timedelta(minutes=119), tick=False):
        assert scan(client, door, tickets[0]["code"]).status_code == 200
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert scan(client, door, tickets[1]["code"]).status_code == 200
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        late = scan(client, door, tickets[2]["code"])
        assert late.status_code == 409 and late.get_json()["error"]["code"] == "not_open"


def test_window_settings_take_decimal_minutes(api, client, admin, door, short_window):
    door = later_door(api, client, admin, door)
    code = tickets_of(client, door)[0]["code"]
    start = datetime.fromisoformat(door["screening"]["starts_at"])
    other = short_window.test_client()
    with short_window.app_context():
        with time_machine.travel(start - timedelta(seconds=91), tick=False):
            assert scan(other, door, code).get_json()["error"]["code"] == "not_open"
        with time_machine.travel(start + timedelta(seconds=31), tick=False):
            assert scan(other, door, code).get_json()["error"]["code"] == "not_open"
        with time_machine.travel(start + timedelta(seconds=29), tick=False):
            assert scan(other, door, code).status_code == 200


def test_calendar_file_parses_back_with_the_screening_and_a_stable_uid(client, api, door, admin):
    from icalendar import Calendar

    path = f"/api/bookings/{door['booking']['id']}/calendar.ics"
    response = client.get(path, headers=door["user"]["headers"])
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert 'filename="booking-' in response.headers["Content-Disposition"]
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    start = datetime.fromisoformat(door["screening"]["starts_at"])
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(minutes=150)  # the show's duration
    assert str(event["summary"]) == "Sholay"
    assert str(event["location"]) == f"Door hall, {door['theatre']['place']}"
    assert str(event["status"]) == "CONFIRMED"
    for seat in door["booking"]["seats"]:
        assert seat in str(event["description"])
    uid = str(event["uid"])
    assert uid.startswith(f"booking-{door['booking']['id']}@")
    again = Calendar.from_ical(client.get(path, headers=admin).data).walk("VEVENT")[0]
    assert str(again["uid"]) == uid  # stable: the same event when imported again
    # Cancelled: the same UID says CANCELLED, so a calendar that imports it drops the event.
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=2)):  # cancelled later than booked
        client.post(f"/api/bookings/{door['booking']['id']}/cancel", headers=door["user"]["headers"])
    cancelled = Calendar.from_ical(client.get(path, headers=door["user"]["headers"]).data).walk("VEVENT")[0]
    assert (str(cancelled["uid"]), str(cancelled["status"])) == (uid, "CANCELLED")
    # ... and as a revision of the event: calendars keep the copy they have unless SEQUENCE is higher (RFC 5545
    # 3.8.7.4), and DTSTAMP says when the information was last revised (3.8.7.2), not when the booking was made.
    assert int(again.get("sequence", 0)) == 0 and int(cancelled["sequence"]) > int(again.get("sequence", 0))
    assert cancelled.decoded("dtstamp") > again.decoded("dtstamp")
    assert client.get(path, headers=api.new_user()["headers"]).status_code == 404
    assert client.get(path).status_code == 401


def test_calendar_of_a_show_of_unknown_length_lasts_three_hours(client, api, admin):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin)  # no duration_minutes
    screening = api.create_screening(admin, show["id"], theatre["id"], soon(600))
    user = api.new_user()
    booking = client.post(
        "/api/bookings", headers=user["headers"], json={"screening_id": screening["id"], "quantity": 1}
    ).get_json()
    from icalendar import Calendar

    event = Calendar.from_ical(
        client.get(f"/api/bookings/{booking['id']}/calendar.ics", headers=user["headers"]).data
    ).walk("VEVENT")[0]
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=3)


def test_each_ticket_carries_its_qr_as_svg(client, door):
    from urllib.parse import unquote

    import segno

    for ticket in tickets_of(client, door):
        assert ticket["qr"].startswith("data:image/svg+xml")
        svg = unquote(ticket["qr"].split(",", 1)[1])
        assert svg.startswith("<svg") and "<path" in svg
        # It is the QR of this ticket's code (the same symbol segno makes of the code itself).
        assert ticket["qr"] == segno.make(ticket["code"], error="m", micro=False).svg_data_uri(scale=4, border=4)


def test_tickets_pdf_has_every_seat_and_the_show(client, api, door, tmp_path):
    import subprocess

    response = client.get(f"/api/bookings/{door['booking']['id']}/tickets.pdf", headers=door["user"]["headers"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    (tmp_path / "tickets.pdf").write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "tickets.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) == 3  # one page per seat
    for seat, page in zip(door["booking"]["seats"], pages, strict=True):
        assert f"Seat {seat}" in page and "Sholay" in page and "Door hall" in page
    assert (
        client.get(f"/api/bookings/{door['booking']['id']}/tickets.pdf", headers=api.new_user()["headers"]).status_code
        == 404
    )
