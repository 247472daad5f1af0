"""The rows of e-tickets besides `tickets` itself (booking/models.py): revoked tickets, check-in nonces, and
the booking notices owed (the mail outbox of tickets/notices.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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


class BookingNotice(db.Model):
    """A mail a booking owes its owner: the confirmation ("confirmed") or the cancellation notice
        ("cancelled"). Written in the transaction that made the news (booking/ledger.py), so it exists even when
        the broker was down at that moment; the worker marks it `sent` (or `skipped`: no news any more), and the
        beat queues again the ones still owed (tickets/notices.py). State: pending → sending (a worker holds it
        until lease_until) → sent | skipped | failed (gave up after notices.GIVE_UP_ATTEMPTS). `queued_at`: when
    its message last went to the mail queue (the relay, or the beat)."""

    __tablename__ = "booking_notices"
    __table_args__ = (
        UniqueConstraint("booking_id", "kind", name="uq_booking_notices_booking_kind"),
        CheckConstraint("kind IN ('confirmed', 'cancelled')", name="kind_known"),
        CheckConstraint("state IN ('pending', 'sending', 'sent', 'skipped', 'failed')", name="state_known"),
        Index("ix_booking_notices_state", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last queued again by the beat
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # while `sending`
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # sent or skipped
    error: Mapped[str | None] = mapped_column(Text)  # the last failure
    # The language of the owner's own request that made the news (i18n.request_hint): the mail's language for
    # an owner who chose none. None when someone else caused it (staff, a removal).
    locale: Mapped[str | None] = mapped_column(String(8))
