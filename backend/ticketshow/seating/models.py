"""Seating: layouts (immutable snapshots), holds, held and blocked seats.

The seat ledger of a screening is three tables, each with a unique (screening_id, seat_label) key, so the
database itself refuses a seat sold twice (tickets), held by two holds (held_seats) or blocked twice:
- tickets (booking.models.Ticket): sold seats;
- held_seats: seats of a hold, with the hold's `expires_at` copied beside them so that "held now" is
  an indexed range (expires_at > now). An expired row is dead: the transaction that takes the seat deletes
  it first, inside the same BEGIN IMMEDIATE, so no sweep is needed for correctness;
- blocked_seats: seats the admin keeps off sale for one screening.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..database import MoneyColumn, UTCDateTime
from ..extensions import db


class SeatLayout(db.Model):
    """One version of a theatre's layout. Never updated: a change adds a row, and a theatre's layout is
    its newest row. Screenings point at the row they sell, so a sold screening keeps its seats."""

    __tablename__ = "seat_layouts"
    __table_args__ = (
        CheckConstraint("seat_count BETWEEN 1 AND 10000", name="seat_count_range"),
        Index("ix_seat_layouts_theatre", "theatre_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theatre_id: Mapped[int] = mapped_column(ForeignKey("theatres.id"))
    layout: Mapped[str] = mapped_column(Text)  # JSON, normal form (layouts.validate_layout)
    digest: Mapped[str] = mapped_column(String(32))
    seat_count: Mapped[int] = mapped_column(Integer)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SeatHold(db.Model):
    """Seats held for one user while they decide: live while now < expires_at. One per user per screening."""

    __tablename__ = "seat_holds"
    __table_args__ = (
        UniqueConstraint("user_id", "screening_id", name="uq_seat_holds_user_screening"),
        CheckConstraint("renewals >= 0", name="renewals_non_negative"),
        {"sqlite_autoincrement": True},  # a hold id is never reused: an old id never names someone's new hold
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    total_price: Mapped[object] = mapped_column(MoneyColumn)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HeldSeat(db.Model):
    __tablename__ = "held_seats"
    __table_args__ = (
        UniqueConstraint("screening_id", "seat_label", name="uq_held_seats_screening_seat"),
        Index("ix_held_seats_screening_expires", "screening_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("seat_holds.id", ondelete="CASCADE"), index=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"))
    seat_label: Mapped[str] = mapped_column(String(16))
    seat_no: Mapped[int] = mapped_column(Integer)
    price: Mapped[object] = mapped_column(MoneyColumn)  # the quote: what booking this hold charges for the seat
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the hold's, copied for the indexed check


class BlockedSeat(db.Model):
    __tablename__ = "blocked_seats"

    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), primary_key=True)
    seat_label: Mapped[str] = mapped_column(String(16), primary_key=True)
    seat_no: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
