"""Check-in beyond the happy path: every refused scan leaves an audit row (an invalid code only as a short
hash), and scans made offline sync later with `scanned_at` (docs/tickets.md "Offline scanning")."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timedelta

import time_machine

from tests.api import test_tickets
from tests.api.test_tickets import later_door, scan, tickets_of

door = test_tickets.door  # the fixture: a screening with check-in open, a booking of 3 seats, scanners


def audit_of(client, admin, **query):
    response = client.get("/api/admin/audit", headers=admin, query_string={"per_page": 100, **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_every_refused_scan_adds_one_audit_row(api, client, admin, door):
    tickets = tickets_of(client, door)
    first, second, third = tickets
    assert scan(client, door, first["code"]).status_code == 200
    again = scan(client, door, first["code"]).get_json()["error"]
    assert again["code"] == "already_checked_in"
    # wrong screening: the code is for this door's screening, scanned at the other theatre's door by its scanner
    wrong = client.post(
        "/api/checkin",
        headers=door["scanner_elsewhere"],
        json={"code": second["code"], "screening_id": door["elsewhere"]["id"]},
    )
    assert wrong.get_json()["error"]["code"] == "wrong_screening"
    cancelled = client.post(f"/api/bookings/{door['booking']['id']}/cancel", headers=door["user"]["headers"])
    assert cancelled.status_code == 200, cancelled.get_json()
    assert scan(client, door, third["code"]).get_json()["error"]["code"] == "revoked"
    forged = first["code"][:-3] + ("AAA" if first["code"][-3:] != "AAA" else "BBB")
    assert scan(client, door, forged).get_json()["error"]["code"] == "invalid_code"
    later = later_door(api, client, admin, door)
    assert scan(client, later, tickets_of(client, later)[0]["code"]).get_json()["error"]["code"] == "not_open"

    rows = audit_of(client, admin, action="checkin_refused")
    by_reason = {row["after"]["reason"]: row for row in rows}
    assert sorted(by_reason) == ["already_checked_in", "invalid_code", "not_open", "revoked", "wrong_screening"]
    assert len(rows) == 5
    assert all(row["entity"] == "ticket" and row["before"] is None for row in rows)
    assert by_reason["already_checked_in"]["entity_id"] == first["id"]
    assert by_reason["already_checked_in"]["after"]["first_checked_in_at"] == again["details"]["checked_in_at"]
    assert by_reason["wrong_screening"]["after"]["screening_id"] == door["elsewhere"]["id"]
    assert by_reason["wrong_screening"]["after"]["ticket_screening_id"] == door["screening"]["id"]
    assert by_reason["revoked"]["entity_id"] == third["id"]
    assert by_reason["not_open"]["after"]["opens_at"]
    assert by_reason["invalid_code"]["entity_id"] is None
    assert by_reason["invalid_code"]["after"]["code_sha256"] == hashlib.sha256(forged.encode()).hexdigest()[:16]
    assert {row["actor"]["id"] for row in rows if row["after"]["reason"] != "wrong_screening"} == {
        client.get("/api/auth/me", headers=door["scanner"]).get_json()["id"]
    }


def test_an_invalid_code_is_kept_only_as_a_short_hash(app, client, admin, door):
    code = tickets_of(client, door)[0]["code"]
    head = code.split(".")[0]
    for text in (head + ".AAAA", "not a ticket: call 98400 12345"):
        assert scan(client, door, text).get_json()["error"]["code"] == "invalid_code"
    path = app.config["SETTINGS"].data_dir / "ticketshow.sqlite3"
    with sqlite3.connect(path) as connection:
        dump = "\n".join(connection.iterdump())
    assert head not in dump and "98400" not in dump
    assert len(audit_of(client, admin, action="checkin_refused")) == 2


def test_a_nonce_replay_of_a_refusal_adds_no_audit_row(client, admin, door):
    code = tickets_of(client, door)[0]["code"]
    assert scan(client, door, code).status_code == 200
    for _ in range(3):
        assert scan(client, door, code, nonce="retry-me").get_json()["error"]["code"] == "already_checked_in"
    for _ in range(2):
        assert scan(client, door, "garbage", nonce="retry-garbage").get_json()["error"]["code"] == "invalid_code"
    assert len(audit_of(client, admin, action="checkin_refused")) == 2


def test_an_offline_scan_syncs_with_its_scan_time_after_the_door_closed(api, client, admin, door):
    door = later_door(api, client, admin, door)
    code = tickets_of(client, door)[0]["code"]
    start = datetime.fromisoformat(door["screening"]["starts_at"])
    scanned = start + timedelta(minutes=50)
    with time_machine.travel(start + timedelta(minutes=75), tick=False):  # the door closed at +60
        assert scan(client, door, code).get_json()["error"]["code"] == "not_open"
        synced = scan(client, door, code, nonce="offline-1", scanned_at=scanned.isoformat())
        assert synced.status_code == 200, synced.get_json()
        assert datetime.fromisoformat(synced.get_json()["checked_in_at"]) == scanned
        # the retry of a sync whose answer was lost gets the same answer
        assert scan(client, door, code, nonce="offline-1", scanned_at=scanned.isoformat()).get_json() == (
            synced.get_json()
        )
    ticket = tickets_of(client, door)[0]
    assert ticket["status"] == "checked_in" and datetime.fromisoformat(ticket["checked_in_at"]) == scanned
    [row] = audit_of(client, admin, action="checkin", entity_id=ticket["id"])
    after = row["after"]
    assert after["offline"] is True
    assert datetime.fromisoformat(after["scanned_at"]) == scanned
    assert datetime.fromisoformat(after["synced_at"]) == start + timedelta(minutes=75)
    assert datetime.fromisoformat(after["checked_in_at"]) == scanned


def test_an_offline_double_entry_is_refused_with_the_first_time(api, client, admin, door):
    door = later_door(api, client, admin, door)
    code = tickets_of(client, door)[0]["code"]
    start = datetime.fromisoformat(door["screening"]["starts_at"])
    with time_machine.travel(start - timedelta(minutes=10), tick=False):
        online = scan(client, door, code, headers=admin)
        assert online.status_code == 200
    with time_machine.travel(start - timedelta(minutes=2), tick=False):
        # the scanner let the same ticket in offline at -15 minutes, before the admin's scan, and syncs now
        late = scan(client, door, code, nonce="o-2", scanned_at=(start - timedelta(minutes=15)).isoformat())
    assert late.status_code == 409
    error = late.get_json()["error"]
    assert error["code"] == "already_checked_in"
    assert error["details"]["checked_in_at"] == online.get_json()["checked_in_at"]
    [row] = audit_of(client, admin, action="checkin_refused")
    assert row["after"]["offline"] is True and row["after"]["reason"] == "already_checked_in"
    assert datetime.fromisoformat(row["after"]["scanned_at"]) == start - timedelta(minutes=15)


def test_scanned_at_is_judged_against_the_window_and_the_servers_clock(api, client, admin, door):
    door = later_door(api, client, admin, door)
    codes = [t["code"] for t in tickets_of(client, door)]
    start = datetime.fromisoformat(door["screening"]["starts_at"])
    with time_machine.travel(start, tick=False):
        early = scan(client, door, codes[0], scanned_at=(start - timedelta(minutes=130)).isoformat())
        assert early.get_json()["error"]["code"] == "not_open"
        ahead = scan(client, door, codes[0], scanned_at=(start + timedelta(minutes=6)).isoformat())
        assert ahead.status_code == 422 and "scanned_at" in ahead.get_json()["error"]["details"]
        # a phone a few minutes fast: its scan counts as now
        slightly = scan(client, door, codes[1], scanned_at=(start + timedelta(minutes=4)).isoformat())
        assert slightly.status_code == 200
        assert datetime.fromisoformat(slightly.get_json()["checked_in_at"]) == start
        for bad in ("yesterday", "2026-12-01T18:30:00", 5, None):
            response = scan(client, door, codes[2], scanned_at=bad)
            assert response.status_code == 422 and "scanned_at" in response.get_json()["error"]["details"], bad


def test_the_browser_tests_codes_are_what_this_backend_signs():
    """frontend/tests/unit/backend-signed-codes.json (codes made by codes.sign with a throwaway key, read by
    the scanner's unit tests) still verifies here, to the same claims: the two sides agree on the format."""
    import json
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from ticketshow.tickets import codes

    fixture = json.loads(
        (Path(__file__).resolve().parents[3] / "frontend/tests/unit/backend-signed-codes.json").read_text()
    )
    key = Ed25519PublicKey.from_public_bytes(test_tickets.unb64(fixture["public_key"]))
    for case in fixture["codes"]:
        claim = codes.verify(key, case["code"])
        assert (claim.ticket_id, claim.screening_id, claim.seat) == (
            case["ticket_id"],
            case["screening_id"],
            case["seat"],
        )
