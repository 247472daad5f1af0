#!/usr/bin/env python3
"""Seat maps per second on one node, side by side with the /api/health ceiling (docs/scaling.md).

    .venv/bin/python bench/seat_maps.py [--clients 32] [--seconds 6] [--seats 1000]

Starts a private Redis and gunicorn as `make run` does, makes screenings with --seats seats each (booked
about half full by the race arena's clients), then measures for --seconds each, with every client on a
keep-alive connection: GET /api/health, then GET /api/screenings/{id}/seats (anonymous, a random screening
each time; always computed, never cached), and prints requests per second, p50, p99 and the ratio to health,
with the CPU time the server's processes spent per request (user + system, /proc) and its ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "backend"), str(ROOT / "scripts")]

from booking_race import Client, percentile  # noqa: E402
from load import start_redis  # noqa: E402
from request_cpu import cpu_seconds, process_tree  # noqa: E402

from tests import race  # noqa: E402
from tests.conftest import ADMIN_PASSWORD, LocalServer  # noqa: E402


def run(port: int, clients: int, seconds: float, paths: list[str]) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    deadline = [0.0]

    def worker(index: int):
        rng, client, mine, seen = random.Random(index), Client(port), [], {}
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            started = time.perf_counter()
            # The body is read, not parsed: parsing 1,000 seats of JSON in the client's threads would make
            # the load generator, not the server, the limit.
            client.connection.request("GET", rng.choice(paths), headers=client.headers)
            response = client.connection.getresponse()
            response.read()
            status = response.status
            mine.append(time.perf_counter() - started)
            seen[status] = seen.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "statuses": statuses,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 0.99),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--screenings", type=int, default=4)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="seat-maps-"))
    redis_process, redis_url = start_redis(workdir)
    server = None
    try:
        server = LocalServer(workdir, f"{redis_url}/0", admin_password=ADMIN_PASSWORD).start()
        arena = race.prepare(server.url, ADMIN_PASSWORD, clients=8, seats=args.seats, screenings=args.screenings)
        for token in arena.tokens:  # about half the seats sold, so the map has both states
            client = Client(server.port, token)
            for screening_id in arena.screening_ids:
                for _ in range(args.seats // (2 * 8 * 10)):
                    client.request("POST", "/api/bookings", {"screening_id": screening_id, "quantity": 10})
        paths = [f"/api/screenings/{sid}/seats" for sid in arena.screening_ids]
        pids = process_tree(server.process.pid)

        def timed(measured_paths):
            before = cpu_seconds(pids)
            row = run(server.port, args.clients, args.seconds, measured_paths)
            row["cpu_ms"] = 1000 * (cpu_seconds(pids) - before) / max(row["requests"], 1)
            row["load"] = os.getloadavg()[0]
            return row

        health = timed(["/api/health"])
        maps = timed(paths)
        print()
        print(
            "| measure | requests | per second | p50 ms | p99 ms | ratio to health | CPU ms/request "
            "| CPU ratio | load average | statuses |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, row in (
            ("GET /api/health (ceiling)", health),
            (f"GET /api/screenings/{{id}}/seats ({args.seats} seats)", maps),
        ):
            print(
                f"| {name} | {row['requests']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
                f"| {row['rps'] / health['rps']:.2f} | {row['cpu_ms']:.3f} | {health['cpu_ms'] / row['cpu_ms']:.2f} "
                f"| {row['load']:.1f} | {row['statuses']} |"
            )
        return 0
    finally:
        if server:
            server.stop()
        redis_process.terminate()
        redis_process.wait()


if __name__ == "__main__":
    sys.exit(main())
