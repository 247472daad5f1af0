"""Hold races against a live server: many clients hold seats at once (by label, overlapping), some book
what they hold; then checks that no seat was in two live holds and none was sold twice. Used by
tests/seating/test_hold_race.py and bench/hold_race.py."""

from __future__ import annotations

import random
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import requests

from tests import race


@dataclass
class HoldOutcome:
    client: int
    asked: list[str]
    status: int
    body: dict
    booking_status: int | None = None
    booking: dict | None = None


def fire_holds(arena: race.Arena, plans: list[list[str]], *, book: bool = False) -> list[HoldOutcome]:
    """Client n holds plans[n] (labels) at arena.screening_ids[0], all released at once; with `book`, each
    client that got its hold books it at once."""
    screening_id = arena.screening_ids[0]
    outcomes: list[HoldOutcome] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(plans))

    def client(n: int, token: str, labels: list[str]):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        barrier.wait()
        response = session.post(
            f"{arena.base_url}/api/screenings/{screening_id}/holds", json={"seats": labels}, timeout=60
        )
        outcome = HoldOutcome(n, labels, response.status_code, race._json(response))
        if book and response.status_code == 201:
            booked = session.post(f"{arena.base_url}/api/bookings", json={"hold_id": outcome.body["id"]}, timeout=60)
            outcome.booking_status, outcome.booking = booked.status_code, race._json(booked)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(n, arena.tokens[n], plans[n])) for n in range(len(plans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def overlapping_plans(labels: list[str], clients: int, seed: int, most: int = 4) -> list[list[str]]:
    """Each client wants 1..most adjacent seats from `labels`, so that many wants overlap."""
    rng = random.Random(seed)
    plans = []
    for _ in range(clients):
        size = rng.randint(1, most)
        start = rng.randrange(0, len(labels) - size + 1)
        plans.append(labels[start : start + size])
    return plans


def hold_violations(outcomes: list[HoldOutcome], database: Path, screening_id: int) -> dict[str, list[str]]:
    """Every broken promise: a seat in two holds given at once, a seat sold twice (by the answers and by
    the ticket rows), a refusal naming a seat nobody had, server errors."""
    found: dict[str, list[str]] = {"double_held": [], "sold_twice": [], "wrongly_refused": [], "errors": []}
    holder: dict[str, int] = {}
    for o in outcomes:
        if o.status == 201:
            for label in o.body["seats"]:
                if label in holder:
                    found["double_held"].append(f"{label}: clients {holder[label]} and {o.client}")
                holder[label] = o.client
        elif o.status != 409 or o.body.get("error", {}).get("code") != "seats_unavailable":
            found["errors"].append(f"hold {o.status} {str(o.body)[:200]}")
        if o.booking_status is not None and o.booking_status != 201:
            found["errors"].append(f"booking {o.booking_status} {str(o.booking)[:200]}")
    sold: dict[str, int] = {}
    for o in outcomes:
        if o.booking_status == 201:
            for label in o.booking["seats"]:
                if label in sold:
                    found["sold_twice"].append(f"{label}: clients {sold[label]} and {o.client}")
                sold[label] = o.client
    for o in outcomes:  # a refusal must name seats that someone else did get (held or sold) in this race
        if o.status == 409 and o.body.get("error", {}).get("code") == "seats_unavailable":
            for label in o.body["error"]["details"]["seats"]:
                if label not in holder:
                    found["wrongly_refused"].append(f"client {o.client} refused {label}, which nobody got")
    with sqlite3.connect(database) as connection:
        for label, count in connection.execute(
            "SELECT seat_label, count(*) FROM tickets WHERE screening_id = ? GROUP BY seat_label HAVING count(*) > 1",
            (screening_id,),
        ):
            found["sold_twice"].append(f"{label}: {count} ticket rows")
        for label, count in connection.execute(
            "SELECT seat_label, count(*) FROM held_seats WHERE screening_id = ? GROUP BY seat_label "
            "HAVING count(*) > 1",
            (screening_id,),
        ):
            found["double_held"].append(f"{label}: {count} held rows")
    return found


def forget_the_unique_key(database) -> None:
    """Rebuild held_seats without UNIQUE (screening_id, seat_label), as a version that forgot it would have
    it. Called by the test on the live server's database file, once, before the race."""
    import sqlite3

    with sqlite3.connect(database, isolation_level=None) as connection:
        connection.executescript("""
            PRAGMA foreign_keys = OFF;
            BEGIN IMMEDIATE;
            CREATE TABLE held_seats_loose (id INTEGER PRIMARY KEY, hold_id INTEGER NOT NULL
                REFERENCES seat_holds (id) ON DELETE CASCADE, screening_id INTEGER NOT NULL,
                seat_label VARCHAR(16) NOT NULL, seat_no INTEGER NOT NULL, price INTEGER NOT NULL,
                expires_at DATETIME NOT NULL);
            INSERT INTO held_seats_loose SELECT id, hold_id, screening_id, seat_label, seat_no, price, expires_at
                FROM held_seats;
            DROP TABLE held_seats;
            ALTER TABLE held_seats_loose RENAME TO held_seats;
            COMMIT;
        """)
