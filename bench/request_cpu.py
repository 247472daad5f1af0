#!/usr/bin/env python3
"""CPU time per request: Ticket Show against the lean reference, side by side in one run.

    .venv/bin/python bench/request_cpu.py [--rounds 5] [--seconds 3] [--connections 16] [--only health,booking]

Starts a private Redis and two servers the way `make run` starts one (ticketshow.processes.LocalServer:
`flask prepare`, then gunicorn with backend/gunicorn.conf.py and the same workers and threads): ours
(wsgi:app, with the JSON request log on as `make run` has it, written to the server's log file) and the
lean reference (bench/lean_reference.py: plain Flask, sqlite3 and redis-py doing the same work) on a copy
of the same database. Then, in --rounds interleaved rounds (which server goes first alternates), wrk
loads each endpoint of each server for --seconds while the bench reads the user + system CPU time of the
server's processes (gunicorn's master and workers, /proc/<pid>/stat) before and after; CPU per request is
that time over the requests wrk saw answered. Prints every round, then medians side by side with their
ratio (ours / reference) and ours against our own /api/health. The machine's load average is printed
with every round: requests per second swing with other work on a shared machine, CPU per request much less.

Endpoints (the reference's counterpart in brackets):
  health      GET /api/health                   [SELECT 1 + PING]
  shows       GET /api/shows, cached            [one Redis GET of ready bytes: our cached answer]
  booking     POST /api/bookings {screening_id, quantity 1}, a logged-in user's token, over --screenings
              1,000-seat screenings, unsold again before each run
                                                [BEGIN IMMEDIATE, count, insert a booking and its ticket]
  screenings  GET /api/screenings, cached (20 screenings, live seat counts filled in on every hit) [none]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "scripts"), str(ROOT / "bench")]

import redis  # noqa: E402
import requests  # noqa: E402
from redis_server import redis_server_binary  # noqa: E402

from tests import race  # noqa: E402
from tests.conftest import ADMIN_PASSWORD  # noqa: E402
from ticketshow.processes import LocalServer, free_port  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ENDPOINTS = ("health", "shows", "booking", "screenings")

LUA_REPORT = r"""
function done(summary, latency, requests)
  io.write(string.format('BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p99_us": %.1f, ' ..
    '"status_errors": %d, "socket_errors": %d}\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""

LUA_BOOKING = r"""
tokens = {%s}
screenings = {%s}
local counter = 0
function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  counter = id * 7
end
function setup(thread)
  thread:set("id", math.random(1000))
end
function request()
  counter = counter + 1
  local body = string.format('{"screening_id": %%d, "quantity": 1}', screenings[math.random(#screenings)])
  return wrk.format("POST", "/api/bookings", {["Content-Type"] = "application/json",
                    ["Authorization"] = "Bearer " .. tokens[counter %% #tokens + 1]}, body)
end
"""


def process_tree(root: int) -> list[int]:
    """The process and its descendants (gunicorn's master and workers), read from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (all their threads), in seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def wrk(url: str, script: Path, seconds: float, threads: int, connections: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH_RESULT "))
    return json.loads(line.removeprefix("BENCH_RESULT "))


def measure(server: LocalServer, path: str, script: Path, args) -> dict:
    pids = process_tree(server.process.pid)
    before = cpu_seconds(pids)
    found = wrk(server.url + path, script, args.seconds, args.threads, args.connections)
    cpu = cpu_seconds(pids) - before
    answered = max(found["requests"], 1)
    return {
        "cpu_ms": 1000 * cpu / answered,
        "rps": found["requests"] / (found["duration_us"] / 1e6),
        "p99_ms": found["p99_us"] / 1000,
        "errors": found["status_errors"] + found["socket_errors"],
        "load": os.getloadavg()[0],
    }


def reset_sales(database: Path, screening_ids: list[int]) -> None:
    """Unsell the booking screenings (bookings cascade to their tickets), so that every booking run starts on
    empty 1,000-seat houses: the same work each round, and the faster reference never runs out of seats."""
    marks = ",".join("?" * len(screening_ids))
    with sqlite3.connect(database, timeout=30) as connection:
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(f"DELETE FROM bookings WHERE screening_id IN ({marks})", screening_ids)


def shut_down(servers, redis_process: subprocess.Popen, workdir: Path | None = None, keep: bool = False) -> None:
    """The end of every bench: stop its servers (last started first; None is skipped), then its Redis, and
    remove `workdir` unless `keep` (the servers' logs and data stay there for a look)."""
    for server in reversed([server for server in servers if server is not None]):
        server.stop()
    redis_process.terminate()
    redis_process.wait()
    if workdir is not None:
        if keep:
            print(f"[bench] kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def start_redis(workdir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
    )
    client, deadline = redis.Redis(port=port), time.time() + 10
    while True:
        try:
            client.ping()
            return process, port
        except redis.ConnectionError:
            if time.time() > deadline:
                process.kill()
                raise
            time.sleep(0.05)


def add_load_arguments(parser, endpoints) -> None:
    """The wrk load options this bench and bench/servers.py share; --only chooses among `endpoints`."""
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3, help="seconds of wrk per endpoint, server and round")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--screenings", type=int, default=16, help="1,000-seat screenings the bookings go to")
    parser.add_argument("--only", default=",".join(endpoints), help=f"comma-separated, of {', '.join(endpoints)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_load_arguments(parser, ENDPOINTS)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (databases, server logs)")
    args = parser.parse_args()
    wanted = [name for name in args.only.split(",") if name]
    if unknown := set(wanted) - set(ENDPOINTS):
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")

    subprocess.run(["bash", str(ROOT / "scripts" / "ensure-debian-packages.sh"), "wrk"], check=True)
    workdir = Path(tempfile.mkdtemp(prefix="request-cpu-"))
    ours_dir, lean_dir = workdir / "ours", workdir / "lean"
    ours_dir.mkdir()
    lean_dir.mkdir()
    redis_process, redis_port = start_redis(workdir)
    servers: list[LocalServer] = []
    try:
        ours = LocalServer(
            ours_dir, f"redis://127.0.0.1:{redis_port}/0", admin_password=ADMIN_PASSWORD, ACCESS_LOG="-"
        ).start()
        servers.append(ours)
        print(f"[bench] ours on {ours.url} (gunicorn, backend/gunicorn.conf.py); seeding through the API…", flush=True)
        arena = race.prepare(ours.url, ADMIN_PASSWORD, clients=16, seats=1000, screenings=args.screenings)
        listed = race.new_screenings(arena, max(20 - args.screenings, 0))  # the list shows 20 screenings
        assert listed is not None

        # The reference gets a copy of the same database (same schema, screenings and users).
        with (
            sqlite3.connect(ours_dir / "ticketshow.sqlite3") as source,
            sqlite3.connect(lean_dir / "ticketshow.sqlite3") as copy,
        ):
            source.backup(copy)
        lean = LocalServer(
            lean_dir,
            f"redis://127.0.0.1:{redis_port}/1",
            app_module="lean_reference:app",
            admin_password=ADMIN_PASSWORD,
            PYTHONPATH=str(ROOT / "bench"),
        ).start()
        servers.append(lean)
        shows_body = requests.get(ours.url + "/api/shows", timeout=30).content
        from lean_reference import READY_KEY

        redis.Redis(port=redis_port, db=1).set(READY_KEY, shows_body)
        workers = len(process_tree(ours.process.pid)) - 1
        print(
            f"[bench] lean reference on {lean.url} (bench/lean_reference.py, same gunicorn settings: "
            f"{workers} worker processes each); /api/shows body {len(shows_body)} bytes",
            flush=True,
        )

        scripts = {"static": workdir / "static.lua", "booking": workdir / "booking.lua"}
        scripts["static"].write_text(LUA_REPORT)
        tokens = ", ".join(json.dumps(token) for token in arena.tokens)
        bookable = ", ".join(str(sid) for sid in arena.screening_ids[: args.screenings])
        scripts["booking"].write_text(LUA_BOOKING % (tokens, bookable) + LUA_REPORT)
        plan = {
            "health": ("/api/health", "static", True),
            "shows": ("/api/shows", "static", True),
            "booking": ("/api/bookings", "booking", True),
            "screenings": ("/api/screenings", "static", False),
        }
        # Warm-up: every worker fills its caches (and the response cache its entries) before measuring.
        for name in wanted:
            path, script, both = plan[name]
            for server in (ours, lean) if both else (ours,):
                wrk(server.url + path, scripts[script], 1, args.threads, args.connections)
        headers = requests.get(ours.url + "/api/screenings", timeout=30)
        print(
            f"[bench] /api/screenings: {len(headers.json()['items'])} screenings, X-Cache {headers.headers['X-Cache']}; "
            f"/api/shows X-Cache {requests.get(ours.url + '/api/shows', timeout=30).headers['X-Cache']}",
            flush=True,
        )

        results: dict[tuple[str, str], list[dict]] = {}
        print()
        print("| round | endpoint | server | CPU ms/request | requests/s | p99 ms | errors | load average |")
        print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for round_no in range(1, args.rounds + 1):
            for name in wanted:
                path, script, both = plan[name]
                order = [("ours", ours), ("lean", lean)] if both else [("ours", ours)]
                if round_no % 2 == 0:
                    order.reverse()
                for label, server in order:
                    if name == "booking":
                        reset_sales(server.data_dir / "ticketshow.sqlite3", arena.screening_ids[: args.screenings])
                    row = measure(server, path, scripts[script], args)
                    results.setdefault((name, label), []).append(row)
                    print(
                        f"| {round_no} | {name} | {label} | {row['cpu_ms']:.3f} | {row['rps']:.0f} | "
                        f"{row['p99_ms']:.1f} | {row['errors']} | {row['load']:.1f} |",
                        flush=True,
                    )

        def median(name: str, label: str, key: str) -> float | None:
            rows = results.get((name, label))
            return statistics.median(r[key] for r in rows) if rows else None

        loads = [r["load"] for rows in results.values() for r in rows]
        print()
        print(
            f"Medians of {args.rounds} interleaved rounds, {args.seconds:g} s each, wrk {args.threads} threads × "
            f"{args.connections} connections; load average {min(loads):.1f}–{max(loads):.1f} while measuring"
        )
        print()
        print(
            "| endpoint | ours CPU ms | reference CPU ms | ours / reference | ours / our health | "
            "ours requests/s | reference requests/s |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        health = median("health", "ours", "cpu_ms")
        for name in wanted:
            mine, theirs = median(name, "ours", "cpu_ms"), median(name, "lean", "cpu_ms")
            cells = [
                f"{mine:.3f}",
                "—" if theirs is None else f"{theirs:.3f}",
                "—" if theirs is None else f"{mine / theirs:.2f}",
                "—" if health is None else f"{mine / health:.2f}",
                f"{median(name, 'ours', 'rps'):.0f}",
                "—" if theirs is None else f"{median(name, 'lean', 'rps'):.0f}",
            ]
            print(f"| {name} | " + " | ".join(cells) + " |")
        errors = sum(r["errors"] for rows in results.values() for r in rows)
        if errors:
            print(f"\nnon-2xx answers or socket errors: {errors} (the server logs: --keep)")
        return 0
    finally:
        shut_down(servers, redis_process, workdir, args.keep)


if __name__ == "__main__":
    sys.exit(main())
