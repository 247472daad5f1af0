"""GET /api/health: can the service serve? The database must answer and take a write; Redis must answer."""

from __future__ import annotations

import functools
import shutil
import sqlite3
import time

import redis
from apiflask import APIBlueprint, Schema
from apiflask.fields import String
from flask import Response, current_app

from . import policy
from .database import pooled_sqlite
from .extensions import db, redis_store

bp = APIBlueprint("health", __name__, url_prefix="/api", tag="Operations")


class HealthOut(Schema):
    status = String(metadata={"enum": ["ok", "failing"]})
    database = String(
        metadata={
            "enum": ["ok", "failing", "read_only", "locked", "disk_full"],
            "description": "`read_only`: the file or its folder cannot be written; `locked`: another process has held "
            "the write lock for over a second; `disk_full`: under 16 MB free in the data dir",
        }
    )
    redis = String()


MIN_FREE_BYTES = 16 * 1024 * 1024
_probe = {"at": float("-inf"), "result": "ok"}


def database_write_state() -> str:
    """ "ok", or why the database cannot take a write now ("read_only", "locked", "disk_full", "failing").

    A read (SELECT 1) succeeds on a database that refuses every booking: a read-only file or mount, a full
    disk, a lock a stuck process never releases. So the probe opens a write transaction (BEGIN IMMEDIATE),
    runs an UPDATE that matches no row (SQLite still checks that it may write), and rolls back: nothing is
    written. It takes the write lock for a moment, so each process probes at most once every
    HEALTH_WRITE_PROBE_SECONDS (default 5) and answers the last result in between.
    """
    interval = current_app.config.get("HEALTH_WRITE_PROBE_SECONDS", 5.0)
    now = time.monotonic()
    if now - _probe["at"] < interval:
        return _probe["result"]
    result = _probe_once()
    _probe.update(at=now, result=result)
    return result


def _probe_once() -> str:
    try:
        if shutil.disk_usage(current_app.config["SETTINGS"].data_dir).free < MIN_FREE_BYTES:
            return "disk_full"
    except OSError:
        return "failing"
    try:
        connection = db.engine.raw_connection()
    except Exception:  # cannot even open it
        return "failing"
    try:
        sqlite = connection.driver_connection
        (busy_ms,) = sqlite.execute("PRAGMA busy_timeout").fetchone()
        sqlite.execute("PRAGMA busy_timeout = 1000")  # a health check answers within a second or two
        try:
            sqlite.execute("BEGIN IMMEDIATE")
            try:
                sqlite.execute("UPDATE users SET id = id WHERE 0")
            finally:
                sqlite.execute("ROLLBACK")
        finally:
            sqlite.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    except sqlite3.OperationalError as exc:
        message = str(exc).lower()
        if "readonly" in message or "read-only" in message:
            return "read_only"
        if "locked" in message or "busy" in message:
            return "locked"
        if "disk" in message or "full" in message:
            return "disk_full"
        return "failing"
    except sqlite3.Error:
        return "failing"
    finally:
        connection.close()
    return "ok"


@bp.get("/health")
@policy.public
@bp.output(HealthOut)
@bp.doc(
    operation_id="getHealth",
    responses={
        503: {
            "description": 'A part is failing: the body names it (`"failing"`)',
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HealthOut"}}},
        }
    },
)
def health():
    """Health of the service

    Checks that the database answers and can take a write (database_write_state), and that Redis answers;
    200 when all do, 503 naming the failing part otherwise. Public, for load balancers and monitors.
    """
    parts = {"database": "ok", "redis": "ok"}
    try:
        # On a pooled sqlite3 connection, not through the session: the ORM's execute, begin and rollback
        # around one SELECT cost more than the rest of the request (docs/benchmarks.md, "CPU per request").
        with pooled_sqlite(db.engine) as sqlite:
            sqlite.execute("SELECT 1").fetchone()
        parts["database"] = database_write_state()
    except Exception:  # any database failure means the part is down
        parts["database"] = "failing"
    try:
        redis_store.ping()
    except redis.RedisError:
        parts["redis"] = "failing"
    return _answer(parts["database"], parts["redis"])


@functools.cache
def _encoded(database: str, redis_state: str) -> tuple[bytes, int]:
    healthy = database == redis_state == "ok"
    body = {"status": "ok" if healthy else "failing", "database": database, "redis": redis_state}
    return (current_app.json.dumps(body) + "\n").encode(), 200 if healthy else 503


def _answer(database: str, redis_state: str) -> Response:
    """HealthOut's JSON, encoded once per process for each combination of states: a monitor asks often, and
    dumping three strings through the schema cost more than the checks (docs/benchmarks.md, issue 23)."""
    body, status = _encoded(database, redis_state)
    return Response(body, status=status, mimetype="application/json")
