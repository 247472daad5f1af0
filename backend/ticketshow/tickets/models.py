"""The rows of e-tickets besides `tickets` itself (booking/models.py): revoked tickets and check-in nonces."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime
from ..extensions import db


class RevokedTicket(db.Model):
    """A ticket of a cancelled booking. Cancelling deletes the `tickets` row (the seat is for sale again at
    once, booking/ledger.py) and keeps it here under the same id, so its code answers `revoked` at the door
    and the booking still lists it."""

    __tablename__ = "revoked_tickets"
    __table_args__ = (Index("ix_revoked_tickets_booking", "booking_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # the ticket's id
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    screening_id: Mapped[int] = mapped_column(Integer)
    seat_label: Mapped[str] = mapped_column(String(16))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CheckinNonce(db.Model):
    """The first answer to a scanner's check-in request with this nonce: a retry gets it again, unchanged."""

    __tablename__ = "checkin_nonces"

    actor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[int] = mapped_column(Integer)  # the HTTP status of the first answer
    answer: Mapped[str] = mapped_column(Text)  # its JSON body
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
