"""Waiting lists: one row per person waiting for seats at a houseful screening (docs/waitlist.md).

An entry is active while `waiting` or `offered`; a partial unique index keeps one active entry per user per
screening. An offer is a seat hold (seating.models.SeatHold, `hold_id`): its seats go through held_seats'
unique (screening_id, seat_label) key like any hold, so the database refuses one seat in two offers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..database import UTCDateTime
from ..extensions import db

WAITING, OFFERED, BOOKED, EXPIRED, DECLINED, LEFT, CLOSED = (
    "waiting",
    "offered",
    "booked",
    "expired",
    "declined",
    "left",
    "closed",
)
ACTIVE = (WAITING, OFFERED)
STATES = (WAITING, OFFERED, BOOKED, EXPIRED, DECLINED, LEFT, CLOSED)


class WaitlistEntry(db.Model):
    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint("quantity BETWEEN 1 AND 100", name="quantity_range"),
        CheckConstraint(
            "state IN ('waiting', 'offered', 'booked', 'expired', 'declined', 'left', 'closed')", name="state_known"
        ),
        # one active entry per user per screening, refused by the database under any concurrency
        Index(
            "uq_waitlist_active_user_screening",
            "user_id",
            "screening_id",
            unique=True,
            sqlite_where=text("state IN ('waiting', 'offered')"),
        ),
        # one entry per offer hold
        Index("uq_waitlist_hold", "hold_id", unique=True, sqlite_where=text("hold_id IS NOT NULL")),
        # the queue: a screening's active entries in the order they joined
        Index("ix_waitlist_screening_state", "screening_id", "state", "id"),
        {"sqlite_autoincrement": True},  # ids are the queue order: never reused
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=WAITING)
    hold_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the offer (seat_holds.id; ids never reused)
    booking_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the booking made from the offer
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # when the owner was told of the offer (or of the list closing); NULL: still to tell (the beat retries)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
