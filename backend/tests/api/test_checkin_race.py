"""Check-in is exactly-once under real concurrency: gunicorn with several worker processes, 8 scanners
scanning one ticket at the same instant, ticket after ticket; and a control that shows the test catches a
check-then-update version."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta, timezone

import requests

from tests.conftest import ADMIN_PASSWORD, LiveServer

SCANNERS, TICKETS = 8, 6


def door(base_url: str) -> tuple[dict, int, list[str]]:
    """The admin's headers, a screening starting in 90 minutes (check-in open) and its TICKETS codes."""
    token = requests.post(f"{base_url}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}).json()[
        "access_token"
    ]
    admin = {"Authorization": f"Bearer {token}"}
    tag = datetime.now().strftime("%H%M%S%f")
    theatre = requests.post(
        f"{base_url}/api/theatres", headers=admin, json={"name": f"Door {tag}", "place": "Testpur", "capacity": 40}
    ).json()
    starts_at = (datetime.now(timezone.utc) + timedelta(minutes=90)).replace(microsecond=0).isoformat()
    show = requests.post(
        f"{base_url}/api/shows",
        headers=admin,
        json={
            "name": f"Door {tag}",
            "rating": 3,
            "tags": [],
            "ticket_price": 100,
            "screenings": [{"theatre_id": theatre["id"], "starts_at": starts_at}],
        },
    ).json()
    screening_id = requests.get(f"{base_url}/api/shows/{show['id']}").json()["screenings"][0]["id"]
    booking = requests.post(
        f"{base_url}/api/bookings", headers=admin, json={"screening_id": screening_id, "quantity": TICKETS}
    )
    assert booking.status_code == 201, booking.text
    tickets = requests.get(f"{base_url}/api/bookings/{booking.json()['id']}/tickets", headers=admin).json()
    return admin, screening_id, [t["code"] for t in tickets]


def scan_at_once(base_url: str, headers: dict, screening_id: int, code: str) -> list[requests.Response]:
    barrier = threading.Barrier(SCANNERS)
    answers: list[requests.Response] = []
    lock = threading.Lock()

    def scanner():
        session = requests.Session()
        session.headers.update(headers)
        barrier.wait()
        response = session.post(
            f"{base_url}/api/checkin", json={"code": code, "screening_id": screening_id}, timeout=60
        )
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=scanner) for _ in range(SCANNERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def admitted_twice(server) -> list[str]:
    """Scan each ticket with 8 scanners at once; every way one ticket got in more than once."""
    headers, screening_id, codes = door(server.url)
    problems = []
    for code in codes:
        answers = scan_at_once(server.url, headers, screening_id, code)
        statuses = sorted(a.status_code for a in answers)
        oks = statuses.count(200)
        if oks != 1:
            problems.append(f"{oks} scanners were told ok: {statuses}")
        refused = [a.json()["error"] for a in answers if a.status_code == 409]
        if any(e["code"] != "already_checked_in" for e in refused) or len(refused) != SCANNERS - oks:
            problems.append(f"unexpected answers: {statuses} {refused[:2]}")
        firsts = {e["details"]["checked_in_at"] for e in refused} | {
            a.json()["checked_in_at"] for a in answers if a.status_code == 200
        }
        if len(firsts) != 1:
            problems.append(f"scanners were told different check-in times: {sorted(firsts)}")
    with sqlite3.connect(server.data_dir / "ticketshow.sqlite3") as connection:
        rows = connection.execute(
            "SELECT entity_id, count(*) FROM audit_log WHERE action = 'checkin' GROUP BY entity_id HAVING count(*) > 1"
        ).fetchall()
    problems += [f"ticket {ticket}: {count} check-in audit rows" for ticket, count in rows]
    return problems


def test_eight_scanners_at_once_admit_each_ticket_exactly_once(live_server):
    assert admitted_twice(live_server) == []
    headers, screening_id, _ = door(live_server.url)
    counts = requests.get(f"{live_server.url}/api/screenings/{screening_id}/checkin", headers=headers).json()
    assert counts == {"screening_id": screening_id, "seats_sold": TICKETS, "checked_in": 0}


def test_control_the_race_catches_check_then_update(tmp_path, redis_server):
    broken = LiveServer(tmp_path, redis_server["url"], app_module="tests.checkin_control_app:app").start()
    try:
        caught = any(admitted_twice(broken) for _ in range(3))
        assert caught, "the race test could not tell a check-then-update check-in from a safe one"
    finally:
        broken.stop()
