"""Mail about a booking, sent by the worker: the confirmation right after booking (the tickets as a PDF and
the calendar file as a text/calendar part), a short notice when it is cancelled (by its owner, by staff, or
because its screening, show or theatre was removed with force).

Queued after the commit that made the news: `queue` directly, `queue_after_commit` from inside a session
transaction (a forced removal). A broker that cannot be reached never fails the booking or the removal: the
notice is logged as not sent (there is no retry from the database for these; the app still shows it all)."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..booking.models import CANCELLED, Booking
from ..extensions import db
from ..notifications import mail

log = logging.getLogger(__name__)
CONFIRMED_NOTICE, CANCELLED_NOTICE = "confirmed", "cancelled"
_PENDING = "ticket_notices"
REASONS = {
    "cancelled_by_user": "You cancelled it.",
    "cancelled_by_staff": "The theatre's staff cancelled it.",
}


def queue(kind: str, booking_ids) -> None:
    from .tasks import booking_notice

    for booking_id in booking_ids:
        try:
            booking_notice.delay(booking_id, kind)
        except Exception:  # the broker is away: the answer must not fail
            log.warning("could not queue the %s notice of booking %s", kind, booking_id, exc_info=True)


def queue_after_commit(kind: str, booking_ids) -> None:
    """Queue the notices once the session's current transaction commits (never for a rollback)."""
    db.session.info.setdefault(_PENDING, []).append((kind, list(booking_ids)))


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    for kind, ids in session.info.pop(_PENDING, []):
        queue(kind, ids)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(_PENDING, None)


def _facts(booking: Booking) -> tuple[str, str, str]:
    from .service import local_datetime_text

    screening = booking.screening
    return (
        screening.show.name,
        f"{screening.theatre.name}, {screening.theatre.place}",
        local_datetime_text(screening.starts_at),
    )


def message(booking_id: int, kind: str) -> mail.Mail | None:
    """The email of a notice, or None when the booking is gone or no longer says that (a confirmation of a
    booking cancelled before the worker got to it is not sent)."""
    from . import service

    booking = db.session.get(Booking, booking_id, populate_existing=True)  # as committed, not as remembered
    if booking is None or (kind == CONFIRMED_NOTICE) == (booking.status == CANCELLED):
        return None
    from ..auth.models import User

    user = db.session.get(User, booking.user_id)
    show, where, when = _facts(booking)
    link = f"{current_app.config['SETTINGS'].app_url}/bookings/{booking.id}/tickets"
    if kind == CONFIRMED_NOTICE:
        tickets = service.booking_tickets(user, booking.id)
        seats = ", ".join(t["seat"] for t in tickets)
        text = (
            f"Hello {user.username},\n\nYour booking {booking.id} is confirmed.\n\n{show}\n{when}\n{where}\n"
            f"Seats: {seats}\n\nYour tickets (one QR code per seat) are attached as a PDF and in the app:\n"
            f"{link}\nShow one code per person at the door.\n\nTicket Show\n"
        )
        pdf, pdf_name = service.tickets_pdf(user, booking.id)
        ics, ics_name = service.booking_calendar(user, booking.id)
        attachments = [
            mail.Attachment(pdf_name, pdf, "application", "pdf"),
            mail.Attachment(ics_name, ics, "text", "calendar"),
        ]
        subject = f"Your tickets: {show}, {when}"
    else:
        reason = REASONS.get(booking.cancel_reason or "", "The screening was cancelled by the theatre.")
        text = (
            f"Hello {user.username},\n\nYour booking {booking.id} has been cancelled. {reason}\n\n{show}\n"
            f"{when}\n{where}\n\nIts tickets are no longer valid at the door.\n\nTicket Show\n"
        )
        ics, ics_name = service.booking_calendar(user, booking.id)  # STATUS:CANCELLED drops the event
        attachments = [mail.Attachment(ics_name, ics, "text", "calendar")]
        subject = f"Booking cancelled: {show}, {when}"
    return mail.Mail(to=user.email, to_name=user.username, subject=subject, text=text, attachments=attachments)
