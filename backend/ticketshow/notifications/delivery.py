"""Delivering a batch (daily reminders, monthly reports) so that nobody is lost and nobody gets two.

Each recipient has a log row (reminder_log, report_log) with a unique key per user and day or month:
1. claim: insert a `pending` row per recipient (a second run's claim is a no-op);
2. for every row still owed (pending or failed, or `sending` whose attempt died), take a lease with a
   conditional UPDATE (state → sending, attempts + 1; LEASE_CHUNK rows at a time): two runs at once never
   both send to one person;
3. deliver, then mark the row sent (or skipped); an error marks that row failed with the error, and the
   run goes on with the next recipient. After CIRCUIT_BREAK transient errors in a row the server is
   taken to be away: the pass stops, the rest stay pending, and the job tries again later (retry.py).
A re-run (a new job, or the job's next attempt) takes whatever is still owed, whichever job claimed it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.sqlite import insert

from ..clock import utcnow
from ..database import writes
from ..extensions import db
from ..retry import is_transient
from .models import OWED_STATES

log = logging.getLogger(__name__)

CIRCUIT_BREAK = 3
LEASE_CHUNK = 50  # rows leased per statement; a worker that dies leaves at most these to lapse


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@dataclass
class BatchResult:
    sent: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    owed: int = 0  # rows still pending or failed after this pass


@writes
def claim(model, key_column, key, user_ids: list[int]) -> None:
    """One pending row per recipient; rows already there (an earlier run) are left as they are."""
    if user_ids:
        now = utcnow()
        db.session.execute(
            insert(model).on_conflict_do_nothing(),
            [
                {"user_id": uid, key_column.key: key, "state": "pending", "attempts": 0, "created_at": now}
                for uid in user_ids
            ],
        )


def _lease_lapsed():
    return utcnow() - timedelta(minutes=current_app.config["SETTINGS"].job_stale_minutes)


def _owed_condition(model):
    return or_(model.state.in_(OWED_STATES), and_(model.state == "sending", model.last_attempt_at < _lease_lapsed()))


def owed_rows(model, key_column, key) -> list[tuple[int, int]]:
    """(row id, user id) of every row for `key` still owed, oldest first."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(model.id, model.user_id).where(key_column == key, _owed_condition(model)).order_by(model.id)
        )
    ]


def count_owed(model, key_column, key) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(key_column == key, _owed_condition(model)))


@writes
def _lease(model, row_ids: list[int]) -> set[int]:
    """Take the rows among `row_ids` that are still owed (state → sending, attempts + 1): one statement for
    a chunk, so a batch costs about one write per recipient (their mark), as before leases."""
    now = utcnow()
    return set(
        db.session.scalars(
            update(model)
            .where(model.id.in_(row_ids), _owed_condition(model))
            .values(state="sending", attempts=model.attempts + 1, last_attempt_at=now)
            .returning(model.id)
        )
    )


@writes
def _release(model, row_ids: list[int]) -> None:
    """Give back leased rows this pass did not try (it stopped early): owed again, attempt not counted."""
    if row_ids:
        db.session.execute(
            update(model)
            .where(model.id.in_(row_ids), model.state == "sending")
            .values(state="pending", attempts=model.attempts - 1)
        )


@writes
def mark(model, row_id: int, **values) -> None:
    db.session.execute(update(model).where(model.id == row_id).values(**values))


def deliver_all(
    model, key_column, key, deliver: Callable[[int, int], dict], progress: Callable[[int, int], None]
) -> BatchResult:
    """Run `deliver(row_id, user_id)` for every owed row. It returns the row's new values, with "state"
    "sent" or "skipped" (one write marks them, with the lease's end), or raises on failure."""
    rows = owed_rows(model, key_column, key)
    result, transient_in_a_row, done = BatchResult(), 0, 0
    for start in range(0, len(rows), LEASE_CHUNK):
        chunk = rows[start : start + LEASE_CHUNK]
        leased = _lease(model, [row_id for row_id, _ in chunk])  # others: another run has them, or sent them
        for position, (row_id, user_id) in enumerate(chunk):
            done += 1
            if row_id not in leased:
                continue
            try:
                values = deliver(row_id, user_id)
            except Exception as exc:  # noqa: BLE001  (one recipient's failure is that recipient's)
                db.session.rollback()
                error = describe(exc)
                log.warning("delivery to user %s failed: %s", user_id, error)
                mark(model, row_id, state="failed", error=error[:2000])
                result.failures.append(f"user {user_id}: {error}")
                transient_in_a_row = transient_in_a_row + 1 if is_transient(exc) else 0
                if transient_in_a_row >= CIRCUIT_BREAK:
                    log.warning("%s transient failures in a row: pausing the batch", transient_in_a_row)
                    _release(model, [rid for rid, _ in chunk[position + 1 :] if rid in leased])
                    result.owed = count_owed(model, key_column, key)
                    return result
                continue
            transient_in_a_row = 0
            mark(model, row_id, **({"error": None} if values["state"] == "sent" else {}), **values)
            if values["state"] == "sent":
                result.sent += 1
            else:
                result.skipped += 1
            progress(done, len(rows))
            db.session.expunge_all()  # thousands of recipients: keep the identity map small
    result.owed = count_owed(model, key_column, key)
    return result
