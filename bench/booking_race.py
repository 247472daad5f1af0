#!/usr/bin/env python3
"""The booking race at scale, against gunicorn started the way `make run` starts it.

    .venv/bin/python bench/booking_race.py [--clients 128] [--screenings 8] [--seats 1000]

Starts a private Redis and server, signs up the clients, then in one run measures
(1) GET /api/health with every client at once (the ceiling) and (2) clients booking 1-4 seats at random
screenings until all are houseful. Prints confirmed bookings per second, p50/p99 latency, oversold
seats and wrongly refused requests (checked as in the race test), and the ratio to the ceiling.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "scripts")]


from load import start_redis  # noqa: E402

from tests import race  # noqa: E402
from ticketshow.processes import LocalServer  # noqa: E402

ADMIN_PASSWORD = "bench-Admin-passw0rd-long"


class Client:
    """One keep-alive HTTP connection, as a browser or app would hold."""

    def __init__(self, port: int, token: str | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, body=None) -> tuple[int, dict]:
        payload = json.dumps(body) if body is not None else None
        self.connection.request(method, path, body=payload, headers=self.headers)
        response = self.connection.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data else {})


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


def run_health(port: int, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    barrier = threading.Barrier(clients)

    def worker():
        client, mine = Client(port), []
        barrier.wait()
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            client.request("GET", "/api/health")
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 0.99),
    }


def run_bookings(arena: race.Arena, port: int, seed: int) -> tuple[list[race.Outcome], float]:
    outcomes: list[race.Outcome] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(arena.tokens))

    def worker(index: int, token: str):
        rng = random.Random(seed * 1000 + index)
        client, open_screenings, mine = Client(port, token), list(arena.screening_ids), []
        barrier.wait()
        while open_screenings:
            screening_id, quantity = rng.choice(open_screenings), rng.randint(1, 4)
            started = time.perf_counter()
            status, body = client.request("POST", "/api/bookings", {"screening_id": screening_id, "quantity": quantity})
            mine.append(race.Outcome(screening_id, quantity, status, body, time.perf_counter() - started))
            if status == 409 and body.get("error", {}).get("code") == "houseful":
                open_screenings.remove(screening_id)
            elif status >= 500 or status in (401, 404, 422):
                break
        with lock:
            outcomes.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i, t)) for i, t in enumerate(arena.tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=128)
    parser.add_argument("--screenings", type=int, default=8)
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--health-seconds", type=float, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="booking-race-"))
    redis_process, redis_url = start_redis(workdir)
    server = None
    try:
        server = LocalServer(workdir, f"{redis_url}/0", admin_password=ADMIN_PASSWORD).start()
        print(
            f"server: gunicorn (backend/gunicorn.conf.py) on port {server.port}; preparing {args.clients} clients…",
            flush=True,
        )
        arena = race.prepare(
            server.url, ADMIN_PASSWORD, clients=args.clients, seats=args.seats, screenings=args.screenings
        )
        health = run_health(server.port, args.clients, args.health_seconds)
        outcomes, elapsed = run_bookings(arena, server.port, args.seed)
        problems = race.violations(arena, outcomes, workdir / "ticketshow.sqlite3")
        confirmed = [o for o in outcomes if o.status == 201]
        booking_latencies = [o.seconds for o in outcomes]
        seats_sold = sum(o.asked for o in confirmed)
        booking_rps = len(confirmed) / elapsed
        oversold = sum(
            max(0, sum(o.asked for o in confirmed if o.screening_id == sid) - args.seats) for sid in arena.screening_ids
        )
        print()
        print("| measure | requests | per second | p50 ms | p99 ms | ratio to health |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        print(
            f"| GET /api/health (ceiling) | {health['requests']} | {health['rps']:.0f} | {health['p50_ms']:.1f} "
            f"| {health['p99_ms']:.1f} | 1.00 |"
        )
        print(
            f"| POST /api/bookings (confirmed) | {len(outcomes)} | {booking_rps:.0f} | "
            f"{1000 * statistics.median(booking_latencies):.1f} | {1000 * percentile(booking_latencies, 0.99):.1f} "
            f"| {booking_rps / health['rps']:.2f} |"
        )
        print()
        print(
            f"clients {args.clients}, screenings {args.screenings} x {args.seats} seats; "
            f"{len(confirmed)} bookings confirmed ({seats_sold} seats) in {elapsed:.1f}s; "
            f"{len(outcomes) - len(confirmed)} refused"
        )
        print(
            f"oversold seats: {oversold}; wrongly refused: {len(problems['wrongly_refused'])}; "
            f"count mismatches: {len(problems['counts_disagree'])}; errors: {len(problems['errors'])}"
        )
        for kind, items in problems.items():
            for item in items[:5]:
                print(f"  {kind}: {item}")
        return 1 if any(problems.values()) else 0
    finally:
        if server:
            server.stop()
        redis_process.terminate()
        redis_process.wait()


if __name__ == "__main__":
    sys.exit(main())
