#!/usr/bin/env python3
"""Where one request's CPU goes: the app as a gunicorn worker loads it, called in-process, with cProfile.

    .venv/bin/python bench/profile_request.py [health|shows|screenings|booking|seats|hold_book ...]
        [--count 2000] [--profile] [--sort tottime] [--lines 40]

Prepares a data dir as `make run` does (`flask --app ticketshow prepare` in a subprocess), loads `wsgi:app`
(create_app(serving_only=True), the JSON request log on and written to /dev/null, metrics in a temporary
PROMETHEUS_MULTIPROC_DIR, as under gunicorn) against a private redis-server, seeds a 1,000-seat screening
through the API, and calls the WSGI app directly with a prepared environ (no HTTP, no test client: what
gunicorn hands the app) --count times per endpoint. Prints the CPU time per request (`time.process_time`,
median of 3 runs) and, with --profile, cProfile's top functions for one more run.

Endpoints: health (GET /api/health), shows (GET /api/shows, cached), screenings (GET /api/screenings,
cached, 20 screenings), booking (POST /api/bookings {screening_id, quantity: 1}, with a token, seats unsold
again between runs), seats (GET /api/screenings/{id}/seats of the 1,000-seat screening, a third sold,
gzip), hold_book (POST a best-2 hold, then POST /api/bookings {hold_id}: counted as one; --count at most
400, a 1,000-seat house), show (GET /api/shows/{id}, cached), admission (POST
/api/screenings/{id}/admission with a token, the room of the default size: a buyer inside asking again).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import logging
import os
import pstats
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "scripts")]

ADMIN_PASSWORD = "bench-Admin-passw0rd-long"
USER_PASSWORD = "bench-User-passw0rd-long"
ENDPOINTS = ("health", "shows", "screenings", "booking", "seats", "hold_book", "show", "admission")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("endpoints", nargs="*", default=["health", "shows", "screenings", "booking"])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    if unknown := set(args.endpoints) - set(ENDPOINTS):
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")

    from redis_server import redis_server_binary

    from ticketshow.processes import free_port

    workdir = Path(tempfile.mkdtemp(prefix="profile-request-"))
    port = free_port()
    redis_process = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
    )
    worker_environment(workdir, workdir, f"redis://127.0.0.1:{port}/0")
    try:
        time.sleep(0.3)
        subprocess.run(
            [str(Path(sys.executable).parent / "flask"), "--app", "ticketshow", "prepare"],
            cwd=ROOT / "backend",
            check=True,
            capture_output=True,
        )
        sys.path.insert(0, str(ROOT / "backend"))
        from wsgi import app

        for handler in logging.getLogger("ticketshow.access").handlers:
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115  (the line is still built and written)
        calls = seed(app, args.endpoints)
        database = workdir / "ticketshow.sqlite3"
        print(f"load average {os.getloadavg()[0]:.1f}; {args.count} requests per run")
        for name in args.endpoints:
            call, reset = calls[name]
            reset(database)
            for _ in range(min(200, args.count)):
                call()
            costs = []
            for _ in range(3):
                reset(database)
                started = time.process_time()
                for _ in range(args.count):
                    call()
                costs.append((time.process_time() - started) / args.count * 1000)
            print(
                f"{name}: {statistics.median(costs):.3f} ms of CPU per request (runs: {', '.join(f'{c:.3f}' for c in costs)})"
            )
            if args.profile:
                reset(database)
                print(cpu_profile(call, args.count, args.sort, args.lines))
        return 0
    finally:
        redis_process.terminate()
        redis_process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def worker_environment(workdir: Path, data_dir: Path, redis_url: str, **settings: str) -> None:
    """os.environ as a gunicorn worker of `make run` has it: the JSON request log on (written to stdout;
    the caller points its handler at /dev/null), metrics in a PROMETHEUS_MULTIPROC_DIR under `workdir`."""
    from ticketshow.processes import free_port

    metrics_dir = workdir / "metrics"
    metrics_dir.mkdir()
    os.environ.update(
        TICKETSHOW_DATA_DIR=str(data_dir),
        REDIS_URL=redis_url,
        ADMIN_USERNAME="admin",
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        DEMO_DATA="0",
        ACCESS_LOG="-",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        SMTP_PORT=str(free_port()),
        **settings,
    )


def cpu_profile(call, count: int, sort: str, lines: int) -> str:
    """cProfile's top `lines` functions (by `sort`) over `count` calls, timed by CPU, not by the wall clock:
    on a loaded machine waiting for a core is not the request's cost."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(count):
        call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(lines)
    return out.getvalue()


def seed(app, wanted: list[str]) -> dict:
    """The data the endpoints need, made through the API; returns {endpoint: (call, reset(database))}."""
    from werkzeug.test import EnvironBuilder

    client = app.test_client()

    def ok(response):
        assert response.status_code < 300, (response.status_code, response.get_data(as_text=True)[:500])
        return response.get_json()

    admin = {
        "Authorization": "Bearer "
        + ok(client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}))["access_token"]
    }
    theatre = ok(client.post("/api/theatres", json={"name": "Bench", "place": "Pune", "capacity": 1000}, headers=admin))
    show = ok(
        client.post(
            "/api/shows",
            json={"name": "Bench", "rating": 4, "tags": ["x"], "ticket_price": 100},
            headers=admin,
        )
    )
    from datetime import datetime, timedelta, timezone

    first = datetime.now(timezone.utc) + timedelta(days=2)
    screenings = [
        ok(
            client.post(
                "/api/screenings",
                json={
                    "show_id": show["id"],
                    "theatre_id": theatre["id"],
                    "starts_at": (first + timedelta(hours=4 * n)).isoformat(),
                },
                headers=admin,
            )
        )["id"]
        for n in range(20)
    ]
    ok(
        client.post(
            "/api/auth/signup", json={"username": "bencher", "email": "b@example.com", "password": USER_PASSWORD}
        )
    )
    user = {
        "Authorization": "Bearer "
        + ok(client.post("/api/auth/login", json={"username": "bencher", "password": USER_PASSWORD}))["access_token"]
    }
    mapped = screenings[-1]
    if "seats" in wanted:  # a third sold, so the map draws both states
        for _ in range(333 // 3):
            ok(client.post("/api/bookings", json={"screening_id": mapped, "quantity": 3}, headers=user))

    def wsgi_call(method: str, path: str, headers: dict | None = None, body=None, answer: list | None = None):
        """A call of the WSGI app as gunicorn makes it; `body` may be a function giving it per call, and
        `answer` (a list) keeps the last response body."""
        environ = EnvironBuilder(
            path=path,
            method=method,
            headers=headers or {},
            data=json.dumps({} if callable(body) else body) if body is not None else None,
            content_type="application/json" if body is not None else None,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        ).get_environ()
        payload = environ["wsgi.input"].read()

        def start_response(status, headers, exc_info=None):
            start_response.status = status

        def call():
            request_environ = dict(environ)
            data = json.dumps(body()).encode() if callable(body) else payload
            request_environ["wsgi.input"] = io.BytesIO(data)
            request_environ["CONTENT_LENGTH"] = str(len(data))
            result = app(request_environ, start_response)
            try:
                chunks = list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            assert start_response.status[0] in "23", (method, path, start_response.status, chunks)
            if answer is not None:
                answer[:] = [b"".join(chunks)]

        return call

    def nothing(database):
        pass

    def unsell(*screening_ids):
        def reset(database):
            with sqlite3.connect(database, timeout=30) as connection:
                connection.execute("PRAGMA foreign_keys=ON")
                marks = ",".join("?" * len(screening_ids))
                connection.execute(f"DELETE FROM bookings WHERE screening_id IN ({marks})", screening_ids)
                connection.execute(f"DELETE FROM seat_holds WHERE screening_id IN ({marks})", screening_ids)

        return reset

    # Bookings rotate over ten 1,000-seat screenings, unsold again before every run.
    bookings = itertools.cycle(
        [wsgi_call("POST", "/api/bookings", user, {"screening_id": sid, "quantity": 1}) for sid in screenings[2:12]]
    )

    def booking():
        next(bookings)()

    # Two requests as gunicorn hands them to the app; the booking names the hold just made.
    held: list = []
    hold = wsgi_call("POST", f"/api/screenings/{screenings[1]}/holds", user, {"quantity": 2}, answer=held)
    book = wsgi_call("POST", "/api/bookings", user, lambda: {"hold_id": json.loads(held[0])["id"]})

    def hold_book():
        hold()
        book()

    return {
        "health": (wsgi_call("GET", "/api/health"), nothing),
        "shows": (wsgi_call("GET", "/api/shows"), nothing),
        "screenings": (wsgi_call("GET", "/api/screenings"), nothing),
        "booking": (booking, unsell(*screenings[2:12])),
        "seats": (wsgi_call("GET", f"/api/screenings/{mapped}/seats", {**user, "Accept-Encoding": "gzip"}), nothing),
        "hold_book": (hold_book, unsell(screenings[1])),
        "show": (wsgi_call("GET", f"/api/shows/{show['id']}"), nothing),
        "admission": (wsgi_call("POST", f"/api/screenings/{mapped}/admission", user), nothing),
    }


if __name__ == "__main__":
    sys.exit(main())
