#!/usr/bin/env python3
"""The ticket drop: a house opens for sale and every client arrives at once (issue 23, item 1).

    .venv/bin/python bench/ticket_drop.py [--clients 256] [--seats 1000] [--rounds 3] [--visitors 8]
                                          [--processes 4] [--room 32]

Starts a private Redis and gunicorn as `make run` does (with the demo catalogue, so lists and search have
something to read), signs up the clients, and in each round opens a fresh screening of --seats seats.
Every client then, over and over until the house is houseful, is a buyer who
  asks the waiting room for a place (POST /api/screenings/{id}/admission) and, told 202, waits Retry-After
  seconds and asks again until admitted (docs/waiting-room.md; --room sets WAITING_ROOM_BUYERS, 0: no room),
  browses the show (GET /api/shows/{id}), opens the seat map (GET /api/screenings/{id}/seats, gzip, parsed),
  holds 1-6 seats (POST /api/screenings/{id}/holds) and books the hold (POST /api/bookings {hold_id}).
A buyer takes the best available seats ({quantity}) or chooses labels from the map it read: the popular centre
seats (the same ones for every buyer who read the same map, so they collide on purpose) or a block of its own in
a random row. After a 409 for chosen seats it falls back to best available; told `not_enough_seats`, it asks
for what is left; it stops only on `houseful`. Booking gives its place in the room up, so to buy again it
joins the back of the line; a hold refused with 429 `waiting_room` (its place ran out) sends it back to the line. Meanwhile --visitors anonymous visitors read the show and
screening lists and search (GET /api/shows, /api/screenings, /api/shows?q=) and are reported apart ("browse").

The clients are threads in --processes processes (one Python process cannot drive 256 clients and parse the
maps without its GIL becoming the limit), each measured for its own CPU use; the visitors are threads of
the parent. GET /api/health is measured with the same clients in the same processes just before and just
after each drop (the ceiling; the next drop reuses the last one). The CPU time of the server's processes
(user + system, /proc) is divided by the bookings of the drop, every request of the drop included; the
visitors also read alone for --health-seconds before each drop (after a warm-up second), and the drop's
CPU is split into theirs (their reads at that cost each) and the buyers' (the rest). Per endpoint in one
process: bench/profile_request.py seats show admission hold_book.

At the end the SQLite file is checked for each house: ticket rows per label (no label twice), the seats in
the answers (none twice), seats_left 0, and that no buyer gave up while seats were still free. Exit status 1
if any check fails.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import multiprocessing
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "scripts"), str(ROOT / "bench")]

from booking_race import Client, percentile, run_health  # noqa: E402
from load import start_redis  # noqa: E402
from request_cpu import cpu_seconds, process_tree, shut_down  # noqa: E402

from tests import race  # noqa: E402
from tests.conftest import ADMIN_PASSWORD, LiveServer  # noqa: E402

MAX_SEATS_A_BUYER = 6
# How buyers choose: best available, the popular centre seats from the map, or a block of their own from it.
CHOICES = (("best", 0.4), ("centre", 0.3), ("own", 0.3))
# The endpoints reported, in table order (the drop's, then the visitors').
DROP_ENDPOINTS = ("admission", "show", "seat map", "hold (chosen seats)", "hold (best available)", "booking")
# Answers a buyer in a drop expects: seats taken by someone faster, fewer left, houseful, and its turn not come.
EXPECTED_CODES = ("seats_unavailable", "not_enough_seats", "houseful", "waiting_room")
BROWSE_ENDPOINTS = ("shows list", "screenings list", "search")


def send(client: Client, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, object]:
    """A request as a browser makes it (gzip accepted), the answer parsed: (status, JSON). A keep-alive
    connection the server closed while idle (gunicorn's keepalive, 2 s, passes quickly on a loaded machine)
    is opened again and the request sent once more, as browsers do: safe here, since a hold replaces the
    user's earlier one and bookings carry an Idempotency-Key."""
    payload = json.dumps(body) if body is not None else None
    headers = {**client.headers, "Accept-Encoding": "gzip", **(headers or {})}
    for attempt in (1, 2):
        try:
            client.connection.request(method, path, body=payload, headers=headers)
            response = client.connection.getresponse()
            data = response.read()
            break
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            client.connection.close()
            client.reconnects += 1
            if attempt == 2:
                raise
    if response.getheader("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return response.status, (json.loads(data) if data else {})


def connect(port: int, token: str | None = None) -> Client:
    client = Client(port, token)
    client.reconnects = 0
    return client


def centre_seats(seat_map: dict, quantity: int) -> list[str]:
    """The `quantity` available seats nearest the middle of the house, on the map as read: every buyer who
    read the same map wants the same ones."""
    rows = seat_map["rows"]
    middle_row = (len(rows) - 1) / 2
    ranked = []
    for r, row in enumerate(rows):
        middle_seat = (len(row["seats"]) - 1) / 2
        for s, seat in enumerate(row["seats"]):
            if seat and seat["state"] == "available":
                ranked.append((abs(r - middle_row) * 2 + abs(s - middle_seat), seat["label"]))
    return [label for _, label in sorted(ranked)[:quantity]]


def own_seats(seat_map: dict, quantity: int, rng: random.Random) -> list[str]:
    """`quantity` adjacent available seats in a random row that has them, else any available ones."""
    free = [
        [seat["label"] if seat and seat["state"] == "available" else None for seat in row["seats"]]
        for row in seat_map["rows"]
    ]
    blocks = [row[i : i + quantity] for row in free for i in range(len(row) - quantity + 1)]
    blocks = [block for block in blocks if None not in block]
    if blocks:
        return rng.choice(blocks)
    anywhere = [label for row in free for label in row if label]
    return rng.sample(anywhere, min(quantity, len(anywhere)))


def buyer(port: int, token: str, show_id: int, screening_id: int, rng: random.Random, start: threading.Event) -> dict:
    """One client: buys again and again until told houseful. Returns its timed requests
    [(endpoint, status, seconds)], its bookings [(finished at, seats)], when it gave up (perf_counter, or None
    if it stopped on odd answers), its odd answers, how often its connection was opened again, and its waits
    in the waiting room [(seconds from first asking to admitted, questions asked)]."""
    client, timed, bookings, odd, waits = connect(port, token), [], [], [], []
    holds = f"/api/screenings/{screening_id}/holds"
    admission = f"/api/screenings/{screening_id}/admission"

    def call(endpoint: str, method: str, path: str, body=None, headers=None):
        began = time.perf_counter()
        status, answer = send(client, method, path, body, headers)
        timed.append((endpoint, status, time.perf_counter() - began))
        code = answer.get("error", {}).get("code") if isinstance(answer, dict) else None
        if status not in (200, 201, 202) and code not in EXPECTED_CODES:
            odd.append((endpoint, status, answer))  # anything but the drop's expected refusals
        return status, answer

    def enter() -> None:
        """Ask the waiting room until admitted, waiting Retry-After seconds between questions, as the UI does."""
        began, asked = time.perf_counter(), 0
        while True:
            status, answer = call("admission", "POST", admission)
            asked += 1
            if status != 202:
                break
            time.sleep(answer["retry_after"])
        waits.append((time.perf_counter() - began, asked))

    def buy_once() -> bool:
        """One buyer's visit: False once told houseful."""
        enter()
        call("show", "GET", f"/api/shows/{show_id}")
        status, seat_map = call("seat map", "GET", f"/api/screenings/{screening_id}/seats")
        if status != 200:
            return True
        quantity = rng.randint(1, MAX_SEATS_A_BUYER)
        choice = rng.choices([c for c, _ in CHOICES], [w for _, w in CHOICES])[0]
        seats = []
        if choice == "centre":
            seats = centre_seats(seat_map, quantity)
        elif choice == "own":
            seats = own_seats(seat_map, quantity, rng)
        if seats:
            status, hold = call("hold (chosen seats)", "POST", holds, {"seats": seats})
            if status == 429:  # its place ran out meanwhile: back to the line
                return True
        if not seats or status == 409:  # best available, or the fallback after someone took a chosen seat
            while True:
                status, hold = call("hold (best available)", "POST", holds, {"quantity": quantity})
                code = hold.get("error", {}).get("code") if status != 201 else None
                if status == 429:
                    return True
                if code != "not_enough_seats":
                    break
                quantity = min(quantity, hold["error"]["details"]["seats_left"])  # take what is left
        if status == 409 and hold["error"]["code"] == "houseful":
            return False
        if status == 201:
            key = {"Idempotency-Key": f"{hold['id']}-{rng.random()}"}  # as the UI sends it: retries book once
            status, booking = call("booking", "POST", "/api/bookings", {"hold_id": hold["id"]}, key)
            if status == 201:
                bookings.append((time.perf_counter(), booking["seats"]))
        return True

    gave_up = None
    start.wait()
    try:
        while len(odd) < 5:  # a client that keeps getting odd answers stops; they are reported as errors
            if not buy_once():
                gave_up = time.perf_counter()
                break
    except (OSError, http.client.HTTPException) as error:  # the connection failed twice running
        odd.append(("connection", 0, repr(error)))
    return {
        "timed": timed,
        "bookings": bookings,
        "gave_up": gave_up,
        "odd": odd,
        "reconnects": client.reconnects,
        "waits": waits,
    }


def client_process(task: str, args: tuple, ready, results) -> None:
    """A load-generating process: its share of the clients as threads; all processes start together
    (`ready`, a barrier shared with the parent). Puts its result and its own CPU seconds on `results`."""
    start = threading.Event()
    if task == "health":
        port, clients, seconds = args
        ready.wait()
        before, began = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        result = run_health(port, clients, seconds)
    else:
        port, tokens, show_id, screening_id, seed = args
        out, threads = [], []
        for n, token in enumerate(tokens):
            rng = random.Random(f"{seed}-{token[-12:]}-{n}")
            threads.append(
                threading.Thread(
                    target=lambda *a: out.append(buyer(*a)), args=(port, token, show_id, screening_id, rng, start)
                )
            )
            threads[-1].start()
        ready.wait()
        before, began = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        start.set()
        for thread in threads:
            thread.join()
        result = out
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    results.put((result, cpu / (time.perf_counter() - began)))


def in_processes(task: str, per_process: list[tuple], before_start=None) -> tuple[list, list[float], float]:
    """Runs `task` in one process per argument tuple, all released at once; returns their results, the
    cores each used (CPU seconds per second) and the time they were released (perf_counter)."""
    context = multiprocessing.get_context("fork")
    ready, results = context.Barrier(len(per_process) + 1), context.Queue()
    processes = [context.Process(target=client_process, args=(task, a, ready, results)) for a in per_process]
    for process in processes:
        process.start()
    if before_start:
        before_start()  # threads of the parent start only after the fork
    ready.wait()
    released = time.perf_counter()
    gathered = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return [g[0] for g in gathered], [g[1] for g in gathered], released


def health(port: int, clients: int, processes: int, seconds: float) -> dict:
    """GET /api/health with `clients` clients spread over `processes` processes: requests per second summed,
    p50 the median of the processes' and p99 the worst of theirs."""
    shares = [len(part) for part in split(list(range(clients)), processes)]
    parts, cores, _ = in_processes("health", [(port, share, seconds) for share in shares])
    return {
        "requests": sum(p["requests"] for p in parts),
        "rps": sum(p["rps"] for p in parts),
        "p50_ms": statistics.median(p["p50_ms"] for p in parts),
        "p99_ms": max(p["p99_ms"] for p in parts),
        "cores": max(cores),
    }


def split(items: list, parts: int) -> list[list]:
    return [items[n::parts] for n in range(parts)]


def visitors(port: int, count: int, words: list[str], stop: threading.Event, out: list) -> list[threading.Thread]:
    """Anonymous visitors reading the lists and searching until `stop`; (endpoint, status, seconds) into `out`."""

    def visit(n: int):
        client, rng, mine = connect(port), random.Random(n), []
        pages = [
            ("shows list", "/api/shows"),
            ("screenings list", "/api/screenings"),
            ("search", None),
        ]
        while not stop.is_set():
            endpoint, path = pages[len(mine) % len(pages)]
            path = path or f"/api/shows?q={quote(rng.choice(words))}"
            began = time.perf_counter()
            try:
                status, _ = send(client, "GET", path)
            except (OSError, http.client.HTTPException):  # failed twice running: counted, not timed
                status = 0
            mine.append((endpoint, status, time.perf_counter() - began))
        out.extend(mine)

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    return threads


def browse_alone(port: int, count: int, words: list[str], seconds: float, pids: list[int]) -> float:
    """The visitors alone, before a drop: the server's CPU ms per visitor's read with nobody buying, over
    `seconds` after a warm-up second (the lists' caches filled again after the last round's writes), so
    that the drop's CPU can be split between the visitors and the buyers."""
    for measured in (False, True):
        stop, browsing = threading.Event(), []
        before = cpu_seconds(pids)
        threads = visitors(port, count, words, stop, browsing)
        time.sleep(seconds if measured else 1)
        stop.set()
        for thread in threads:
            thread.join()
    return 1000 * (cpu_seconds(pids) - before) / max(len(browsing), 1)


def drop(args, port: int, arena: race.Arena, show_id: int, screening_id: int, words: list[str], seed: int) -> dict:
    stop, browsing, threads = threading.Event(), [], []
    tasks = [(port, tokens, show_id, screening_id, seed) for tokens in split(arena.tokens, args.processes)]
    parts, cores, opened = in_processes(
        "drop", tasks, lambda: threads.extend(visitors(port, args.visitors, words, stop, browsing))
    )
    elapsed = time.perf_counter() - opened
    stop.set()
    for thread in threads:
        thread.join()
    buyers = [b for part in parts for b in part]
    bookings = sorted((at, seats) for b in buyers for at, seats in b["bookings"])
    sold_out = (bookings[-1][0] - opened) if bookings else 0.0
    timed = [t for b in buyers for t in b["timed"]]
    return {
        "buyers": buyers,
        "timed": timed,
        "browse": browsing,
        "bookings": len(bookings),
        "seats": [s for _, seats in bookings for s in seats],
        "sold_out_s": sold_out,
        "bookings_per_s": len(bookings) / sold_out if sold_out else 0.0,
        "gave_up": [b["gave_up"] - opened for b in buyers if b["gave_up"] is not None],
        "odd": [o for b in buyers for o in b["odd"]]
        + [("browse", status, e) for e, status, _ in browsing if status != 200],
        "reconnects": sum(b["reconnects"] for b in buyers),
        "waits": [w for b in buyers for w in b["waits"]],
        "cores": max(cores),
        "requests": len(timed) + len(browsing),
        "elapsed": elapsed,
    }


def latency(timed: list, endpoint: str | None = None) -> tuple[int, float, float]:
    seconds = [t for e, _, t in timed if endpoint is None or e == endpoint]
    if not seconds:
        return 0, 0.0, 0.0
    return len(seconds), 1000 * statistics.median(seconds), 1000 * percentile(seconds, 0.99)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=256)
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="drops, each on a fresh screening between health runs")
    parser.add_argument("--visitors", type=int, default=8, help="anonymous visitors reading lists and search")
    parser.add_argument("--processes", type=int, default=4, help="load-generating processes the clients share")
    parser.add_argument("--health-seconds", type=float, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--room",
        type=int,
        default=32,
        help="WAITING_ROOM_BUYERS of the server (0: no waiting room; default 32, the app's)",
    )
    args = parser.parse_args()

    began = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="ticket-drop-"))
    redis_process, redis_url = start_redis(workdir)
    server = None
    try:
        server = LiveServer(workdir, f"{redis_url}/0", DEMO_DATA="1", WAITING_ROOM_BUYERS=str(args.room)).start()
        print(
            f"server: gunicorn (backend/gunicorn.conf.py) on port {server.port}, demo catalogue, waiting room "
            f"{args.room or 'off'}, up after "
            f"{time.perf_counter() - began:.0f}s; preparing {args.clients} clients…",
            flush=True,
        )
        arena = race.prepare(server.url, ADMIN_PASSWORD, clients=args.clients, seats=args.seats, screenings=args.rounds)
        public = Client(server.port)
        show_id = public.request("GET", f"/api/screenings/{arena.screening_ids[0]}")[1]["show"]["id"]
        names = [s["name"] for s in public.request("GET", "/api/shows?per_page=100")[1]["items"]]
        words = sorted({w.lower() for name in names for w in name.split() if len(w) > 3}) or ["race"]
        pids = process_tree(server.process.pid)

        def timed(run, *run_args):
            before, load = cpu_seconds(pids), os.getloadavg()[0]
            result = run(*run_args)
            result["cpu_s"] = cpu_seconds(pids) - before
            result["load"] = (load, os.getloadavg()[0])
            return result

        healths = [timed(health, server.port, args.clients, args.processes, args.health_seconds)]
        drops = []
        for n, screening_id in enumerate(arena.screening_ids):
            print(f"{time.perf_counter() - began:.0f}s: round {n + 1}, drop on screening {screening_id}…", flush=True)
            alone = browse_alone(server.port, args.visitors, words, args.health_seconds, pids)
            drops.append(timed(drop, args, server.port, arena, show_id, screening_id, words, args.seed + n))
            drops[-1]["browse_cpu_ms"] = alone
            healths.append(timed(health, server.port, args.clients, args.processes, args.health_seconds))

        database, port = workdir / "ticketshow.sqlite3", server.port
        checks = []
        with sqlite3.connect(database) as connection:
            for screening_id, result in zip(arena.screening_ids, drops, strict=True):
                sold = connection.execute(
                    "SELECT count(*) FROM tickets WHERE screening_id = ?", (screening_id,)
                ).fetchone()[0]
                twice = connection.execute(
                    "SELECT count(*) FROM (SELECT seat_label FROM tickets WHERE screening_id = ? "
                    "GROUP BY seat_label HAVING count(*) > 1)",
                    (screening_id,),
                ).fetchone()[0]
                left = Client(port).request("GET", f"/api/screenings/{screening_id}")[1]["seats_left"]
                answered_twice = len(result["seats"]) - len(set(result["seats"]))
                # Seats are only taken during a drop (holds are booked at once), so a buyer who gave up on
                # "houseful" left seats unsold while wanting them exactly when seats are free at the end.
                unsold_wanted = (args.seats - sold) if result["gave_up"] else 0
                checks.append((screening_id, sold, twice, answered_twice, left, unsold_wanted, len(result["odd"])))

        report(args, healths, drops, checks)
        ok = all(
            sold == args.seats and twice == 0 and answered == 0 and left == 0 and unsold == 0 and odd == 0
            for _, sold, twice, answered, left, unsold, odd in checks
        )
        return 0 if ok else 1
    finally:
        shut_down([server], redis_process)


def report(args, healths: list[dict], drops: list[dict], checks: list[tuple]) -> None:
    print()
    print(
        f"{args.clients} clients in {args.processes} processes, {args.visitors} visitors, {args.seats} seats a house, "
        f"waiting room {args.room or 'off'} (WAITING_ROOM_BUYERS)"
    )
    print()
    print(
        "| round | health/s before | health/s after | sold out in s | bookings | bookings/s | ratio to health "
        "| drop requests/s | ratio | browse p50 ms | browse p99 ms | server CPU ms/booking | drop CPU ms/request "
        "| health CPU ms/request | load average |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    ratios, browse_p99, cpu_booking = [], [], []
    for n, result in enumerate(drops):
        before, after = healths[n], healths[n + 1]
        ceiling = (before["rps"] + after["rps"]) / 2
        ratios.append(result["bookings_per_s"] / ceiling)
        _, p50, p99 = latency(result["browse"])
        browse_p99.append(p99)
        rps = result["requests"] / result["elapsed"]  # every request of the drop, the visitors' included
        cpu_booking.append(1000 * result["cpu_s"] / max(result["bookings"], 1))
        health_cpu = statistics.mean(1000 * h["cpu_s"] / max(h["requests"], 1) for h in (before, after))
        print(
            f"| {n + 1} | {before['rps']:.0f} | {after['rps']:.0f} | {result['sold_out_s']:.1f} | "
            f"{result['bookings']} | {result['bookings_per_s']:.0f} | {ratios[-1]:.2f} | {rps:.0f} | "
            f"{rps / ceiling:.2f} | {p50:.0f} | {p99:.0f} | "
            f"{cpu_booking[-1]:.2f} | {1000 * result['cpu_s'] / result['requests']:.2f} | {health_cpu:.3f} | {result['load'][0]:.1f}–{result['load'][1]:.1f} |"
        )
    print()
    print(
        f"medians: bookings/s **{statistics.median(ratios):.2f}** of the health ceiling (goal ≥ 0.3), browse p99 "
        f"**{statistics.median(browse_p99):.0f} ms** (goal < 100 ms), server CPU {statistics.median(cpu_booking):.2f} "
        "ms a booking (every request of the drop counted)"
    )
    print()
    # The drop's CPU split: the visitors' reads at what one cost with the visitors alone just before the drop
    # (--health-seconds), the rest is the buyers'. An estimate: on a loaded machine a read's cost wanders too.
    print(
        "| round | visitors' reads | CPU ms a read (alone) | visitors' CPU s | buyers' CPU s | buyers' CPU ms/booking |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, result in enumerate(drops, start=1):
        browse_s = result["browse_cpu_ms"] * len(result["browse"]) / 1000
        buyers_s = result["cpu_s"] - browse_s
        print(
            f"| {n} | {len(result['browse'])} | {result['browse_cpu_ms']:.3f} | {browse_s:.1f} | {buyers_s:.1f} | "
            f"{1000 * buyers_s / max(result['bookings'], 1):.2f} |"
        )
    print()
    header = " | ".join(f"round {n + 1} p50 / p99 ms" for n in range(len(drops)))
    print(f"| endpoint | requests | {header} |")
    print("| --- | ---: |" + " ---: |" * len(drops))
    health_row = " | ".join(f"{h['p50_ms']:.0f} / {h['p99_ms']:.0f}" for h in healths[1:])
    print(
        f"| GET /api/health (after the drop; p99 of the worst process) | {sum(h['requests'] for h in healths)} | "
        f"{health_row} |"
    )
    for endpoint, source in [(e, "timed") for e in DROP_ENDPOINTS] + [(e, "browse") for e in BROWSE_ENDPOINTS]:
        cells = [latency(d[source], endpoint) for d in drops]
        row = " | ".join(f"{p50:.0f} / {p99:.0f}" for _, p50, p99 in cells)
        print(f"| {endpoint}{' (visitors)' if source == 'browse' else ''} | {sum(c[0] for c in cells)} | {row} |")
    print()
    print()
    print(
        "| round | admissions | questions (polls) | questions per booking | waited p50 s | waited p99 s | waited max s "
        "| admitted buyers' requests in flight, mean |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, result in enumerate(drops, start=1):
        waited = sorted(w for w, _ in result["waits"]) or [0.0]
        asked = sum(a for _, a in result["waits"])
        # How busy the room was: the time admitted buyers spent in their requests (show, map, holds, booking)
        # over the drop, the mean number of those requests in flight; at most the room's size, and below it
        # while places the next in line is owed stay empty until it asks again.
        choosing = sum(t for e, _, t in result["timed"] if e != "admission") / max(result["sold_out_s"], 1e-9)
        print(
            f"| {n} | {len(result['waits'])} | {asked} | {asked / max(result['bookings'], 1):.1f} | "
            f"{statistics.median(waited):.2f} | {percentile(waited, 0.99):.2f} | {waited[-1]:.2f} | {choosing:.1f} |"
        )
    print()
    for n, result in enumerate(drops, start=1):
        statuses: dict[tuple[str, int], int] = {}
        for endpoint, status, _ in result["timed"]:
            if endpoint.startswith("hold"):
                statuses[(endpoint, status)] = statuses.get((endpoint, status), 0) + 1
        refused = ", ".join(f"{e} {s}: {c}" for (e, s), c in sorted(statuses.items()) if s != 201)
        print(
            f"round {n}: {len(result['seats'])} seats in {result['bookings']} bookings; holds refused: {refused or 'none'}; "
            f"buyers gave up (houseful) {len(result['gave_up'])}, the first at {min(result['gave_up'], default=0):.1f}s; "
            f"connections the server had closed, opened again: {result['reconnects']}; "
            f"load generator: busiest process {result['cores']:.2f} cores in the drop, "
            f"{healths[n]['cores']:.2f} in the health run after"
        )
    print()
    for screening_id, sold, twice, answered, left, unsold, odd in checks:
        print(
            f"screening {screening_id}: ticket rows {sold}; seats sold twice (rows) {twice}, (answers) {answered}; "
            f"seats_left at the end {left}; seats left unsold while buyers wanted them {unsold}; odd answers {odd}"
        )
    for result in drops:
        for item in result["odd"][:5]:
            print(f"  odd answer: {item}")


if __name__ == "__main__":
    sys.exit(main())
