"""Bookings and their tickets: one ticket row per confirmed seat, unique per (screening, seat)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import Screening
from ..clock import utcnow
from ..database import MoneyColumn, UTCDateTime
from ..extensions import db

CONFIRMED = "confirmed"
CANCELLED = "cancelled"


class Booking(db.Model):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        UniqueConstraint("user_id", "idempotency_key", name="uq_bookings_user_idempotency"),
        Index("ix_bookings_screening_status", "screening_id", "status"),
        Index("ix_bookings_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(MoneyColumn)
    total_price: Mapped[Decimal] = mapped_column(MoneyColumn)
    status: Mapped[str] = mapped_column(String(16), default=CONFIRMED)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the request the key was used for: the same key with another request is refused.
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(String(40))

    screening: Mapped[Screening] = relationship(lazy="joined", innerjoin=True)

    # Filled by the booking service for responses.
    seat_numbers = ()
    seats = ()
    seat_prices: dict = {}
    can_cancel = False
    can_rate = False
    my_rating = None


class Ticket(db.Model):
    """A sold seat. Its id is in the ticket's signed code (tickets/codes.py), so ids are never reused
    (AUTOINCREMENT): a cancelled booking's ticket moves to revoked_tickets, and a seat sold again gets a new id."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("screening_id", "seat_no", name="uq_tickets_screening_seat"),
        UniqueConstraint("screening_id", "seat_label", name="uq_tickets_screening_label"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"))
    seat_no: Mapped[int] = mapped_column(Integer)  # the seat's position in the screening's layout order
    seat_label: Mapped[str] = mapped_column(String(16))  # "F12": its row label and number
    price: Mapped[Decimal | None] = mapped_column(MoneyColumn)  # what this seat was sold for
    # Set once, by the one conditional UPDATE of check-in (tickets/service.py).
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
