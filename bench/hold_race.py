#!/usr/bin/env python3
"""Seat holds at scale, against gunicorn started the way `make run` starts it.

    .venv/bin/python bench/hold_race.py [--clients 128] [--seats 1000] [--rounds 3]

Starts a private Redis and server, signs up the clients, then in rounds (--rounds, default 3), each
between runs of GET /api/health with every client at once (the ceiling, measured on both sides of every
figure because a shared machine's capacity wanders), measures
(1) hold-then-book: every client holds the best 1-4 seats (POST /api/screenings/{id}/holds {quantity}) and
    books the hold (POST /api/bookings {hold_id}), again and again, until the 1,000-seat house is sold out;
    a booking is two requests, so bookings per second are compared with health requests per second;
(2) GET /api/screenings/{id}/seats, the seat map of a 1,000-seat screening with seats sold, held and
    blocked, every client at once.
Prints each round's ratios and their medians, and the CPU time of the server's processes (user + system,
/proc) per health request, per booking and per seat map request. Then checks that every seat of every
house was sold exactly once: ticket rows per label, the seats in the answers, and seats_left == 0.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "scripts"), str(ROOT / "bench")]

from booking_race import Client, percentile, run_health  # noqa: E402
from load import start_redis  # noqa: E402
from request_cpu import cpu_seconds, process_tree, shut_down  # noqa: E402

from tests import race  # noqa: E402
from tests.conftest import ADMIN_PASSWORD, LiveServer  # noqa: E402


def run_hold_then_book(arena: race.Arena, port: int, screening_id: int, seed: int) -> dict:
    results: list[tuple[int, int, float, list[str]]] = []  # hold status, booking status, seconds, seats
    lock = threading.Lock()
    barrier = threading.Barrier(len(arena.tokens))

    def worker(index: int, token: str):
        rng = random.Random(seed * 1000 + index)
        client, mine = Client(port, token), []
        barrier.wait()
        while True:
            started = time.perf_counter()
            status, body = client.request(
                "POST", f"/api/screenings/{screening_id}/holds", {"quantity": rng.randint(1, 4)}
            )
            if status != 201:
                mine.append((status, 0, time.perf_counter() - started, []))
                code = body.get("error", {}).get("code")
                if code == "houseful" or status >= 500 or status in (401, 404, 422):
                    break
                continue  # not_enough_seats near the end: ask again (another size)
            booked, answer = client.request("POST", "/api/bookings", {"hold_id": body["id"]})
            mine.append((status, booked, time.perf_counter() - started, answer.get("seats", [])))
            if booked >= 500:
                break
        with lock:
            results.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i, t)) for i, t in enumerate(arena.tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    booked = [r for r in results if r[1] == 201]
    cycle = [r[2] for r in booked]
    return {
        "elapsed": elapsed,
        "bookings": len(booked),
        "attempts": len(results),
        "bookings_per_s": len(booked) / elapsed,
        "requests_per_s": (len(results) + len(booked)) / elapsed,
        "p50_ms": 1000 * statistics.median(cycle) if cycle else 0,
        "p99_ms": 1000 * percentile(cycle, 0.99),
        "seats": [s for r in booked for s in r[3]],
        "errors": [r for r in results if r[0] >= 500 or r[1] >= 500 or (r[0] == 201 and r[1] != 201)],
    }


def run_seat_map(port: int, clients: int, screening_id: int, seconds: float, token: str | None) -> dict:
    latencies: list[float] = []
    sizes: list[int] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    barrier = threading.Barrier(clients)

    def worker():
        client, mine = Client(port, token), []
        client.headers["Accept-Encoding"] = "gzip"  # as browsers send it
        barrier.wait()
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            client.connection.request("GET", f"/api/screenings/{screening_id}/seats", headers=client.headers)
            response = client.connection.getresponse()
            body = response.read()
            mine.append(time.perf_counter() - began)
            if len(sizes) < 1:
                sizes.append(len(body))
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
        "bytes": sizes[0] if sizes else 0,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 0.99),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=128)
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="houses sold and map runs, each between health runs")
    parser.add_argument("--health-seconds", type=float, default=4)
    parser.add_argument("--map-seconds", type=float, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="hold-race-"))
    redis_process, redis_url = start_redis(workdir)
    server = None
    try:
        # No waiting room: this bench measures the seat ledger with 128 buyers at once (bench/ticket_drop.py
        # measures the room).
        server = LiveServer(workdir, f"{redis_url}/0", WAITING_ROOM_BUYERS="0").start()
        print(
            f"server: gunicorn (backend/gunicorn.conf.py) on port {server.port}; preparing {args.clients} clients…",
            flush=True,
        )
        arena = race.prepare(
            server.url, ADMIN_PASSWORD, clients=args.clients, seats=args.seats, screenings=args.rounds + 1
        )
        houses, mapped = arena.screening_ids[:-1], arena.screening_ids[-1]

        # The map's screening: a third sold, some held, ten seats blocked, so every state is drawn.
        admin = Client(server.port, arena.admin["Authorization"].split()[1])
        buyer = Client(server.port, arena.tokens[0])
        for _ in range(args.seats // 3 // 4):
            status, body = buyer.request("POST", f"/api/screenings/{mapped}/holds", {"quantity": 4})
            buyer.request("POST", "/api/bookings", {"hold_id": body["id"]})
        Client(server.port, arena.tokens[1]).request("POST", f"/api/screenings/{mapped}/holds", {"quantity": 6})
        admin.request("PUT", f"/api/screenings/{mapped}/blocked-seats", {"seats": [f"A{n}" for n in range(1, 11)]})

        # Rounds of health | sell a house | health | seat map | health: each figure is compared with the
        # health runs on either side of it, because a shared machine's capacity wanders within minutes.
        # The CPU time (user + system) of the server's processes over each run, from /proc: its cost per
        # request (or per booking) wanders much less than throughput on a shared machine.
        pids = process_tree(server.process.pid)

        def timed(run, *run_args):
            before = cpu_seconds(pids)
            result = run(*run_args)
            result["cpu_s"] = cpu_seconds(pids) - before
            result["load"] = os.getloadavg()[0]
            return result

        healths, sales, maps, rows = [], [], [], []
        healths.append(timed(run_health, server.port, args.clients, args.health_seconds))
        for n, house in enumerate(houses):
            sales.append(timed(run_hold_then_book, arena, server.port, house, args.seed + n))
            healths.append(timed(run_health, server.port, args.clients, args.health_seconds))
            maps.append(timed(run_seat_map, server.port, args.clients, mapped, args.map_seconds, arena.tokens[2]))
            healths.append(timed(run_health, server.port, args.clients, args.health_seconds))
            around_sale = (healths[-3]["rps"] + healths[-2]["rps"]) / 2
            around_map = (healths[-2]["rps"] + healths[-1]["rps"]) / 2
            rows.append((around_sale, sales[-1], around_map, maps[-1]))
        health_cpu = [1000 * h["cpu_s"] / max(h["requests"], 1) for h in healths]

        database = workdir / "ticketshow.sqlite3"
        problems = []
        with sqlite3.connect(database) as connection:
            for house, sale in zip(houses, sales, strict=True):
                twice = connection.execute(
                    "SELECT count(*) FROM (SELECT seat_label FROM tickets WHERE screening_id = ? "
                    "GROUP BY seat_label HAVING count(*) > 1)",
                    (house,),
                ).fetchone()[0]
                sold = connection.execute("SELECT count(*) FROM tickets WHERE screening_id = ?", (house,)).fetchone()[0]
                left = Client(server.port).request("GET", f"/api/screenings/{house}")[1]["seats_left"]
                answered_twice = len(sale["seats"]) - len(set(sale["seats"]))
                problems.append((house, sold, twice, answered_twice, left, len(sale["errors"])))

        print()
        print(
            "| round | health/s around | hold + book: bookings/s (2 requests each) | p50 ms | p99 ms | ratio "
            "| health/s around | seat map GET/s | p50 ms | p99 ms | ratio |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        sale_ratios, map_ratios = [], []
        for n, (around_sale, sale, around_map, seat_map) in enumerate(rows, start=1):
            sale_ratios.append(sale["bookings_per_s"] / around_sale)
            map_ratios.append(seat_map["rps"] / around_map)
            print(
                f"| {n} | {around_sale:.0f} | {sale['bookings_per_s']:.0f} | {sale['p50_ms']:.0f} | "
                f"{sale['p99_ms']:.0f} | {sale_ratios[-1]:.2f} | {around_map:.0f} | {seat_map['rps']:.0f} | "
                f"{seat_map['p50_ms']:.0f} | {seat_map['p99_ms']:.0f} | {map_ratios[-1]:.2f} |"
            )
        print()
        print(
            f"median ratio to health: hold + book **{statistics.median(sale_ratios):.2f}** (goal 0.3), "
            f"seat map **{statistics.median(map_ratios):.2f}** (goal 0.5); seat map body "
            f"{maps[0]['bytes']} bytes gzipped"
        )
        print()
        print("CPU time of the server's processes (user + system, /proc), per request or per booking:")
        print()
        print("| round | health ms/request | hold + book ms/booking | seat map ms/request | load average |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        sale_cpu = [1000 * sale["cpu_s"] / max(sale["bookings"], 1) for sale in sales]
        map_cpu = [1000 * seat_map["cpu_s"] / max(seat_map["requests"], 1) for seat_map in maps]
        for n in range(len(rows)):
            around = statistics.median(health_cpu[2 * n : 2 * n + 3])
            print(
                f"| {n + 1} | {around:.3f} | {sale_cpu[n]:.3f} | {map_cpu[n]:.3f} | "
                f"{sales[n]['load']:.1f}–{maps[n]['load']:.1f} |"
            )
        health_median = statistics.median(health_cpu)
        print()
        print(
            f"medians: health {health_median:.3f} ms, hold + book {statistics.median(sale_cpu):.3f} ms a booking "
            f"(CPU ratio {health_median / statistics.median(sale_cpu):.2f} bookings per health request), "
            f"seat map {statistics.median(map_cpu):.3f} ms (CPU ratio {health_median / statistics.median(map_cpu):.2f})"
        )
        for n, sale in enumerate(sales, start=1):
            print(
                f"house {n}: {sale['bookings']} bookings sold {len(sale['seats'])} seats in {sale['elapsed']:.1f}s "
                f"({sale['requests_per_s']:.0f} requests/s, {sale['attempts'] - sale['bookings']} holds refused "
                f"near the end)"
            )
        ok = True
        for house, sold, twice, answered_twice, left, errors in problems:
            print(
                f"screening {house}: ticket rows {sold}; seats sold twice (rows) {twice}, (answers) {answered_twice}; "
                f"seats_left at the end {left}; server errors {errors}"
            )
            ok = ok and sold == args.seats and twice == 0 and answered_twice == 0 and left == 0 and errors == 0
        return 0 if ok else 1
    finally:
        shut_down([server], redis_process)


if __name__ == "__main__":
    sys.exit(main())
