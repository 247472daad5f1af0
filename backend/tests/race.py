"""A booking race against a live server: many clients at once, then checks that nothing was oversold
and nothing was refused while enough seats remained. Used by the race test and bench/booking_race.py."""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

PASSWORD = "race-Passw0rd-long"


@dataclass
class Outcome:
    screening_id: int
    asked: int
    status: int
    body: dict
    seconds: float


@dataclass
class Arena:
    base_url: str
    admin: dict
    screening_ids: list[int]
    seats: int
    tokens: list[str] = field(default_factory=list)


def _json(response):
    try:
        return response.json()
    except ValueError:
        return {"raw": response.text[:200]}


def prepare(base_url: str, admin_password: str, clients: int, seats: int, screenings: int = 1) -> Arena:
    session = requests.Session()
    token = session.post(f"{base_url}/api/auth/login", json={"username": "admin", "password": admin_password}).json()[
        "access_token"
    ]
    admin = {"Authorization": f"Bearer {token}"}
    arena = Arena(base_url, admin, [], seats)
    new_screenings(arena, screenings)
    tag = os.urandom(4).hex()

    def sign_up(n: int) -> str:
        username = f"racer-{tag}-{n}"
        requests.post(
            f"{base_url}/api/auth/signup",
            json={"username": username, "email": f"r-{tag}-{n}@example.com", "password": PASSWORD},
        )
        login = requests.post(f"{base_url}/api/auth/login", json={"username": username, "password": PASSWORD})
        return login.json()["access_token"]

    # Password hashing is deliberately slow; spread it over the server's workers.
    with ThreadPoolExecutor(max_workers=8) as pool:
        arena.tokens = list(pool.map(sign_up, range(clients)))
    return arena


def new_screenings(arena: Arena, count: int = 1) -> list[int]:
    """Fresh screenings of `arena.seats` seats for the next round; the clients stay the same."""
    tag = os.urandom(4).hex()
    session = requests.Session()
    session.headers.update(arena.admin)
    theatre = session.post(
        f"{arena.base_url}/api/theatres", json={"name": f"Race hall {tag}", "place": "Testpur", "capacity": arena.seats}
    ).json()
    first = datetime.now(timezone.utc) + timedelta(days=2)
    # A theatre is one hall: the screenings follow each other (3 h show + changeover fits in 4 h).
    show = session.post(
        f"{arena.base_url}/api/shows",
        json={
            "name": f"Race {tag}",
            "rating": 3,
            "tags": ["race"],
            "ticket_price": 100,
            "screenings": [
                {"theatre_id": theatre["id"], "starts_at": (first + timedelta(hours=4 * n)).isoformat()}
                for n in range(count)
            ],
        },
    ).json()
    arena.screening_ids = [
        s["id"] for s in session.get(f"{arena.base_url}/api/shows/{show['id']}").json()["screenings"]
    ]
    return arena.screening_ids


def fire(arena: Arena, seed: int = 7, max_quantity: int = 4) -> list[Outcome]:
    """Every client books 1..max_quantity seats at a random screening, all released at the same instant."""
    rng = random.Random(seed)
    plan = [(token, rng.choice(arena.screening_ids), rng.randint(1, max_quantity)) for token in arena.tokens]
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(plan))

    def client(token, screening_id, quantity):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        barrier.wait()
        started = time.perf_counter()
        response = session.post(
            f"{arena.base_url}/api/bookings", json={"screening_id": screening_id, "quantity": quantity}, timeout=60
        )
        outcome = Outcome(screening_id, quantity, response.status_code, _json(response), time.perf_counter() - started)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=item) for item in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def ticket_rows(database: Path, screening_id: int) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM tickets WHERE screening_id = ?", (screening_id,)).fetchone()[0]


def violations(arena: Arena, outcomes: list[Outcome], database: Path | None = None) -> dict[str, list[str]]:
    """Every broken promise, by kind: oversold, disagreeing counts, wrongly refused, server errors."""
    found: dict[str, list[str]] = {"oversold": [], "counts_disagree": [], "wrongly_refused": [], "errors": []}
    for screening_id in arena.screening_ids:
        mine = [o for o in outcomes if o.screening_id == screening_id]
        confirmed = sum(o.asked for o in mine if o.status == 201)
        if confirmed > arena.seats:
            found["oversold"].append(f"screening {screening_id}: {confirmed} seats confirmed of {arena.seats}")
        seats_left = requests.get(f"{arena.base_url}/api/screenings/{screening_id}").json()["seats_left"]
        if seats_left != max(arena.seats - confirmed, 0):
            found["counts_disagree"].append(
                f"screening {screening_id}: seats_left {seats_left}, confirmed {confirmed} of {arena.seats}"
            )
        if database is not None and ticket_rows(database, screening_id) != confirmed:
            found["counts_disagree"].append(
                f"screening {screening_id}: {ticket_rows(database, screening_id)} ticket rows, {confirmed} confirmed"
            )
        # Seats only go down during the race, so a refusal was right only if, even at the end,
        # fewer seats were left than it asked for; and what it reported must say the same.
        for o in mine:
            code = o.body.get("error", {}).get("code") if isinstance(o.body, dict) else None
            if o.status == 201:
                continue
            if o.status >= 500 or code not in {"houseful", "not_enough_seats"}:
                found["errors"].append(f"{o.status} {o.body}")
            elif code == "houseful" and seats_left != 0:
                found["wrongly_refused"].append(f"houseful while {seats_left} seats remain at the end")
            elif code == "not_enough_seats":
                reported = o.body["error"]["details"]["seats_left"]
                if not reported < o.asked or seats_left >= o.asked:
                    found["wrongly_refused"].append(f"asked {o.asked}, told {reported} left, {seats_left} at the end")
    return found


def latency_summary(outcomes: list[Outcome]) -> dict:
    times = sorted(o.seconds for o in outcomes)
    return {
        "p50_ms": 1000 * statistics.median(times),
        "p99_ms": 1000 * times[min(len(times) - 1, int(len(times) * 0.99))],
    }
