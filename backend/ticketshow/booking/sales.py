"""Booking's answers to the catalogue (catalog/sales.py): seats sold, and cancelling the future bookings of
screenings being removed. Installed by create_app; the catalogue never imports booking."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select

from ..catalog.models import Screening
from ..database import session_write_connection
from ..extensions import db
from ..tickets import notices
from . import ledger
from .models import CONFIRMED, Booking, Ticket


def seats_sold(screening_ids: Iterable[int]) -> dict[int, int]:
    """Seats sold per screening, from the ticket rows, in one grouped query on the unique index."""
    ids = list(screening_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Ticket.screening_id, func.count()).where(Ticket.screening_id.in_(ids)).group_by(Ticket.screening_id)
        ).all()
    )


def _future(screening_ids, now: datetime):
    return (Booking.screening_id.in_(screening_ids), Booking.status == CONFIRMED, Screening.starts_at >= now)


def future_bookings(screening_ids, *, now: datetime) -> tuple[int, int]:
    """(bookings, seats) confirmed for screenings among these that have not started by `now`."""
    row = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Booking.quantity), 0))
        .join(Screening, Screening.id == Booking.screening_id)
        .where(*_future(screening_ids, now))
    ).one()
    return int(row[0]), int(row[1])


def cancel_future_bookings(screening_ids, *, reason: str, now: datetime) -> list[int]:
    """Cancel those bookings (cancel_reason says why, for the owner's notification) and free their seats,
    inside the caller's immediate_transaction. Returns their ids."""
    ids = db.session.scalars(
        select(Booking.id).join(Screening, Screening.id == Booking.screening_id).where(*_future(screening_ids, now))
    ).all()
    ledger.cancel_and_free_seats(session_write_connection(db.session), ids, reason=reason, now=now)
    notices.wake_relay_after_commit()  # each owner is told, once this commits
    return list(ids)
