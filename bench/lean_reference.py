"""The lean reference: what a request costs with nothing but plain Flask, sqlite3 and redis-py.

bench/request_cpu.py serves this module with gunicorn exactly as `make run` serves Ticket Show (the same
backend/gunicorn.conf.py, workers, threads and worker class; ticketshow.processes.LocalServer with another
app module) on a copy of the same database, and measures the CPU time each request costs, side by side
with ours. It does the same work as our endpoints and nothing else: no request id, metrics, log line,
session, token, schema or error handling. It is a floor to measure against, not an app.

    GET  /api/health    SELECT 1 on SQLite and PING on Redis; {"status": "ok", "database": "ok", "redis": "ok"}
    GET  /api/shows     one Redis GET of ready JSON bytes (the bench stores our /api/shows answer under
                        READY_KEY); answered as they are
    POST /api/bookings  {"screening_id": int, "quantity": int}: BEGIN IMMEDIATE, count the screening's
                        tickets, insert a booking and its tickets (the next seat numbers, rows of 20 for the
                        labels), COMMIT; 201 with the booking, 409 when the seats are not there

Configuration by environment, as the app's: TICKETSHOW_DATA_DIR (ticketshow.sqlite3 in it), REDIS_URL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import string
import threading
from datetime import datetime, timezone
from pathlib import Path

import redis
from flask import Flask, Response, request

READY_KEY = "lean:shows"
DATABASE = Path(os.environ.get("TICKETSHOW_DATA_DIR", "instance")) / "ticketshow.sqlite3"

app = Flask(__name__)
store = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
_local = threading.local()


def connection() -> sqlite3.Connection:
    """One connection per thread, opened as the app opens its own (WAL, NORMAL, 10 s busy timeout)."""
    found = getattr(_local, "connection", None)
    if found is None:
        found = _local.connection = sqlite3.connect(DATABASE, timeout=10, isolation_level=None)
        found.execute("PRAGMA journal_mode=WAL")
        found.execute("PRAGMA synchronous=NORMAL")
        found.execute("PRAGMA foreign_keys=ON")
    return found


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status=status, mimetype="application/json")


@app.get("/api/health")
def health():
    connection().execute("SELECT 1").fetchone()
    store.ping()
    return _json({"status": "ok", "database": "ok", "redis": "ok"})


@app.get("/api/shows")
def shows():
    return Response(store.get(READY_KEY), mimetype="application/json")


def _label(seat_no: int) -> str:
    row, seat = divmod(seat_no - 1, 20)
    label, index = "", row + 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = string.ascii_uppercase[rest] + label
    return f"{label}{seat + 1}"


@app.post("/api/bookings")
def book():
    body = request.get_json()
    screening_id, quantity = int(body["screening_id"]), int(body["quantity"])
    db = connection()
    now = datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    db.execute("BEGIN IMMEDIATE")
    try:
        total, price = db.execute("SELECT seats_total, price FROM screenings WHERE id = ?", (screening_id,)).fetchone()
        (sold,) = db.execute("SELECT count(*) FROM tickets WHERE screening_id = ?", (screening_id,)).fetchone()
        if sold + quantity > total:
            db.execute("ROLLBACK")
            return _json({"error": {"code": "not_enough_seats", "message": "Not enough seats."}}, 409)
        booking_id = db.execute(
            "INSERT INTO bookings (user_id, screening_id, quantity, unit_price, total_price, status, created_at) "
            "VALUES (1, ?, ?, ?, ?, 'confirmed', ?)",
            (screening_id, quantity, price, price * quantity, now),
        ).lastrowid
        seats = list(range(sold + 1, sold + quantity + 1))
        db.executemany(
            "INSERT INTO tickets (booking_id, screening_id, seat_no, seat_label, price) VALUES (?, ?, ?, ?, ?)",
            [(booking_id, screening_id, n, _label(n), price) for n in seats],
        )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return _json(
        {
            "id": booking_id,
            "screening_id": screening_id,
            "quantity": quantity,
            "seats": [_label(n) for n in seats],
            "total_price": price * quantity,
            "status": "confirmed",
            "created_at": now,
        },
        201,
    )
