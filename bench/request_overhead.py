#!/usr/bin/env python3
"""CPU per request in one process (Flask's test client): GET /api/health and POST /api/bookings.

    .venv/bin/python bench/request_overhead.py [--root CHECKOUT] [--access-log] [--rounds 3]

Compares checkouts: run it once with `--root` pointing at an export of the commit before a change
(`git archive <commit> backend scripts | tar -x -C /tmp/before`) and once on this one. Counters go to a
temporary PROMETHEUS_MULTIPROC_DIR, as under gunicorn; `--access-log` writes the JSON request line (to
/dev/null). Prints the best of `--rounds` rounds of 2,000 health checks and 250 one-seat bookings (a 1,000-seat hall), in ms of
CPU (`time.process_time`, so the machine's other work mostly stays out). Used for docs/benchmarks.md,
"Metrics and the request log — what they cost".
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--access-log", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    root = args.root.resolve()
    sys.path[:0] = [str(root / "backend"), str(root / "scripts")]
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="overhead-metrics-")
    os.environ["ACCESS_LOG"] = "-" if args.access_log else ""

    from redis_server import redis_server_binary

    from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, free_port, make_settings

    workdir = Path(tempfile.mkdtemp(prefix="overhead-"))
    port = free_port()
    redis_process = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        from ticketshow import create_app

        app = create_app(make_settings(workdir, f"redis://127.0.0.1:{port}/0", access_log=os.environ["ACCESS_LOG"]))
        with app.app_context():
            from flask_migrate import upgrade

            from ticketshow.auth import service as auth_service

            upgrade()
            auth_service.ensure_admin(workdir, "admin", ADMIN_PASSWORD)
        access = logging.getLogger("ticketshow.access")
        access.handlers[:] = [logging.FileHandler(os.devnull)] if args.access_log else []
        access.disabled = not args.access_log  # Alembic's fileConfig disabled it; the server never migrates
        client = app.test_client()
        admin = {
            "Authorization": "Bearer "
            + client.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}).get_json()[
                "access_token"
            ]
        }
        theatre = client.post(
            "/api/theatres", json={"name": "Bench", "place": "Pune", "capacity": 1000}, headers=admin
        ).get_json()
        show = client.post(
            "/api/shows", json={"name": "Bench", "rating": 4, "tags": ["x"], "ticket_price": 100}, headers=admin
        ).get_json()
        screening = client.post(
            "/api/screenings",
            json={"show_id": show["id"], "theatre_id": theatre["id"], "starts_at": "2099-01-01T18:00:00+05:30"},
            headers=admin,
        ).get_json()
        client.post(
            "/api/auth/signup", json={"username": "bencher", "email": "b@example.com", "password": USER_PASSWORD}
        )
        user = {
            "Authorization": "Bearer "
            + client.post("/api/auth/login", json={"username": "bencher", "password": USER_PASSWORD}).get_json()[
                "access_token"
            ]
        }

        def cost(count: int, call) -> float:
            for _ in range(50):
                call()
            started = time.process_time()
            for _ in range(count):
                call()
            return (time.process_time() - started) / count * 1000

        best = {"health": [], "booking": []}
        for _ in range(args.rounds):
            best["health"].append(cost(2000, lambda: client.get("/api/health")))
            best["booking"].append(
                cost(
                    250,
                    lambda: client.post(
                        "/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=user
                    ),
                )
            )
        print(
            f"{root}: access log {'on' if args.access_log else 'off'}: health {min(best['health']):.3f} ms, "
            f"booking {min(best['booking']):.3f} ms of CPU per request (best of {args.rounds})"
        )
        return 0
    finally:
        redis_process.terminate()
        redis_process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
