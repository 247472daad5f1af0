"""Seats that come back by a capacity change, a new layout, unblocking or a lapsed hold reach the waiting list
before anyone else can take them, under real concurrency (gunicorn with several worker processes): outsiders
hammer POST /api/bookings for the screening before, during and after the request that frees the seats, and
none of them gets a seat; the waiting entry holds exactly the seats that came back. With a control app that
offers 200 ms after the freeing request, and leaves lapses to the beat (tests/waitlist_paths_control_app.py):
the same race catches it on every path. (A forced removal frees no seat anyone could book: the screening
goes with them; test_waitlist_paths.py checks that its list closes in the same transaction.)"""

import sqlite3
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests

from tests import race
from tests.conftest import ADMIN_PASSWORD, LiveServer
from ticketshow.database import to_stored_time

OUTSIDERS = 6
ROW_OF_FOUR = {
    "categories": [{"code": "std", "name": "Standard", "price_pct": 100}],
    "rows": [{"label": "A", "seats": [{"number": n, "category": "std"} for n in range(1, 5)]}],
}
PATHS = ("capacity", "layout", "unblock", "lapse")


def _headers(token):
    return {"Authorization": f"Bearer {token}"}


def _ok(response, *codes):
    assert response.status_code in (codes or (200, 201, 204)), response.text
    return response


def _lapse_now(database, screening_id):
    """The clock passes the hold's expiry: its rows say it lapsed a second ago (the server reads the real clock)."""
    past = to_stored_time(datetime.now(timezone.utc) - timedelta(seconds=1))
    with sqlite3.connect(database, timeout=30) as connection:
        connection.execute("UPDATE held_seats SET expires_at = ? WHERE screening_id = ?", (past, screening_id))
        connection.execute("UPDATE seat_holds SET expires_at = ? WHERE screening_id = ?", (past, screening_id))


def path_race(arena: race.Arena, database, path: str) -> dict:
    """One round on a fresh two-seat screening: set the house full for `path`, one user waits for 2 seats, the
    outsiders start booking 2 seats in a loop, the seats come back by `path`, the outsiders go on a little
    longer. Returns what went wrong."""
    base, admin = arena.base_url, arena.admin
    holder, waiter, outsiders = arena.tokens[0], arena.tokens[1], arena.tokens[2 : 2 + OUTSIDERS]
    (sid,) = race.new_screenings(arena, 1)
    theatre_id = requests.get(f"{base}/api/screenings/{sid}").json()["theatre"]["id"]
    if path == "capacity":
        _ok(requests.post(f"{base}/api/bookings", json={"screening_id": sid, "quantity": 2}, headers=_headers(holder)))
    elif path in ("layout", "unblock"):
        _ok(requests.put(f"{base}/api/screenings/{sid}/blocked-seats", json={"seats": ["A1", "A2"]}, headers=admin))
    else:
        _ok(requests.post(f"{base}/api/screenings/{sid}/holds", json={"quantity": 2}, headers=_headers(holder)))
    joined = requests.post(f"{base}/api/screenings/{sid}/waitlist", json={"quantity": 2}, headers=_headers(waiter))
    assert joined.status_code == 201, joined.text
    entry_id = joined.json()["id"]

    stop, lock = threading.Event(), threading.Lock()
    results: list[int] = []
    asked = [0] * len(outsiders)
    started = threading.Barrier(len(outsiders) + 1)

    def outsider(n, token):
        session = requests.Session()
        session.headers.update(_headers(token))
        started.wait()
        while not stop.is_set():
            response = session.post(f"{base}/api/bookings", json={"screening_id": sid, "quantity": 2}, timeout=60)
            with lock:
                results.append(response.status_code)
                asked[n] += 1

    threads = [threading.Thread(target=outsider, args=(n, t)) for n, t in enumerate(outsiders)]
    for thread in threads:
        thread.start()
    started.wait()
    while min(asked) < 2:  # every outsider is in its loop before the seats come back
        stop.wait(0.001)
    if path == "capacity":
        _ok(requests.patch(f"{base}/api/theatres/{theatre_id}", json={"capacity": 4}, headers=admin))
    elif path == "layout":
        _ok(requests.put(f"{base}/api/theatres/{theatre_id}/layout", json=ROW_OF_FOUR, headers=admin))
    elif path == "unblock":
        _ok(requests.put(f"{base}/api/screenings/{sid}/blocked-seats", json={"seats": []}, headers=admin))
    else:
        _lapse_now(database, sid)
    after = list(asked)
    while any(a - b < 3 for a, b in zip(asked, after, strict=True)):  # each asks three more times at least
        stop.wait(0.001)
    stop.set()
    for thread in threads:
        thread.join()
    entry = next(
        e for e in requests.get(f"{base}/api/waitlist", headers=_headers(waiter)).json()["items"] if e["id"] == entry_id
    )
    came_back = {"capacity": ["A3", "A4"], "layout": ["A3", "A4"], "unblock": ["A1", "A2"], "lapse": ["A1", "A2"]}
    return {
        "errors": [s for s in results if s >= 500],
        "outsiders_booked": [s for s in results if s == 201],
        "unexpected_refusals": [s for s in results if s not in (201, 409) and s < 500],
        "waiting_entry": []
        if entry["state"] == "offered" and sorted(entry["hold"]["seats"]) == came_back[path]
        else [entry["state"]],
    }


CLEAN = {"errors": [], "outsiders_booked": [], "unexpected_refusals": [], "waiting_entry": []}


@pytest.fixture(scope="module")
def arena(live_server):
    return race.prepare(live_server.url, ADMIN_PASSWORD, clients=2 + OUTSIDERS, seats=2)


@pytest.mark.parametrize("path", PATHS)
def test_seats_that_come_back_reach_the_waiting_list_before_any_outsider(arena, live_server, path):
    assert path_race(arena, live_server.data_dir / "ticketshow.sqlite3", path) == CLEAN


def test_control_the_race_catches_offers_made_after_the_seats_came_back(tmp_path, redis_server):
    broken = LiveServer(tmp_path, redis_server["url"], app_module="tests.waitlist_paths_control_app:app").start()
    try:
        arena = race.prepare(broken.url, ADMIN_PASSWORD, clients=2 + OUTSIDERS, seats=2)
        missed = []
        for path in PATHS:
            for _ in range(3):  # a race is a race: give the broken version a few chances to show itself
                problems = path_race(arena, tmp_path / "ticketshow.sqlite3", path)
                assert problems["errors"] == [] and problems["unexpected_refusals"] == [], problems
                if problems["outsiders_booked"]:
                    break
            else:
                missed.append(path)
        assert missed == [], f"the race could not tell offers made after the seats came back on: {missed}"
    finally:
        broken.stop()
