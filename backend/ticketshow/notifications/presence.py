"""Last seen, recorded cheaply: at most one database write per user per few minutes.

An in-process memo answers most requests without any I/O; on a miss, a Redis SET NX with a short TTL
lets exactly one process (of all gunicorn workers) write. The key carries the local day, so the first
request after midnight always records the new day's visit.
"""

from __future__ import annotations

import logging
import time

import redis
from flask import current_app, g
from sqlalchemy import update
from sqlalchemy.dialects.sqlite import insert

from ..auth.models import User
from ..clock import utcnow
from ..database import immediate_transaction
from ..extensions import db, redis_store
from .models import Visit

log = logging.getLogger(__name__)
WRITE_EVERY_SECONDS = 300
_recent: dict[tuple[str, int, str], float] = {}  # (database, user, local day) -> monotonic time of last record


def record_visit(user_id: int) -> None:
    from ..clock import local_now

    day = local_now().date()
    memo_key = (current_app.config["SQLALCHEMY_DATABASE_URI"], user_id, day.isoformat())
    now = time.monotonic()
    if now - _recent.get(memo_key, -WRITE_EVERY_SECONDS) < WRITE_EVERY_SECONDS:
        return
    _recent[memo_key] = now
    if len(_recent) > 50_000:  # a memo, not a store: forget everything rather than grow
        _recent.clear()
    try:
        if not redis_store.set(f"seen:{user_id}:{day.isoformat()}", 1, nx=True, ex=WRITE_EVERY_SECONDS):
            return  # another worker wrote within the last few minutes
    except redis.RedisError:
        pass  # without Redis each worker writes at most once per few minutes: still cheap
    with immediate_transaction(db.session):
        db.session.execute(update(User).where(User.id == user_id).values(last_seen_at=utcnow()))
        db.session.execute(insert(Visit).values(user_id=user_id, day=day).on_conflict_do_nothing())


def record_after_request(response):
    """after_request hook: a request that passed the token check counts as a visit."""
    jwt_user = g.get("_jwt_extended_jwt_user")
    user = jwt_user.get("loaded_user") if isinstance(jwt_user, dict) else None
    if user is not None and not current_app.config.get("SKIP_LAST_SEEN"):
        try:
            record_visit(user.id)
        except Exception:  # noqa: BLE001 - last seen must never break the response it follows
            log.exception("could not record last seen for user %s", user.id)
            db.session.rollback()
    return response
