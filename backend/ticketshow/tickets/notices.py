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

from .. import i18n
from ..booking.models import CANCELLED, Booking
from ..extensions import db
from ..i18n import _, _l
from ..notifications import mail

log = logging.getLogger(__name__)
CONFIRMED_NOTICE, CANCELLED_NOTICE = "confirmed", "cancelled"
_PENDING = "ticket_notices"
REASONS = {
    "cancelled_by_user": _l("You cancelled it."),
    "cancelled_by_staff": _l("The theatre's staff cancelled it."),
}
REMOVED_REASON = _l("The screening was cancelled by the theatre.")


def queue(kind: str, booking_ids) -> None:
    from .tasks import booking_notice

    hint = i18n.request_hint()  # whose request this is, and its language
    for booking_id in booking_ids:
        try:
            booking_notice.delay(booking_id, kind, hint)
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


def message(booking_id: int, kind: str, hint: dict | None = None) -> mail.Mail | None:
    """The email of a notice, or None when the booking is gone or no longer says that (a confirmation of a
    booking cancelled before the worker got to it is not sent). In the owner's language
    (i18n.recipient_locale with the `hint` of the request that queued it), tickets PDF included."""

    booking = db.session.get(Booking, booking_id, populate_existing=True)  # as committed, not as remembered
    if booking is None or (kind == CONFIRMED_NOTICE) == (booking.status == CANCELLED):
        return None
    from ..auth.models import User

    user = db.session.get(User, booking.user_id)
    with i18n.force_locale(i18n.recipient_locale(user, hint)):
        return _message(booking, user, kind)


def _message(booking: Booking, user, kind: str) -> mail.Mail:
    from . import service

    show, where, when = _facts(booking)
    link = f"{current_app.config['SETTINGS'].app_url}/bookings/{booking.id}/tickets"
    if kind == CONFIRMED_NOTICE:
        tickets = service.booking_tickets(user, booking.id)
        seats = ", ".join(t["seat"] for t in tickets)
        text = "\n".join(
            [
                _("Hello %(name)s,", name=user.username),
                "",
                _("Your booking %(id)s is confirmed.", id=booking.id),
                "",
                show,
                when,
                where,
                _("Seats: %(seats)s", seats=seats),
                "",
                _("Your tickets (one QR code per seat) are attached as a PDF and in the app:"),
                link,
                _("Show one code per person at the door."),
                "",
                "Ticket Show",
                "",
            ]
        )
        pdf, pdf_name = service.tickets_pdf(user, booking.id)
        ics, ics_name = service.booking_calendar(user, booking.id)
        attachments = [
            mail.Attachment(pdf_name, pdf, "application", "pdf"),
            mail.Attachment(ics_name, ics, "text", "calendar"),
        ]
        subject = _("Your tickets: %(show)s, %(when)s", show=show, when=when)
    else:
        reason = REASONS.get(booking.cancel_reason or "", REMOVED_REASON)
        text = "\n".join(
            [
                _("Hello %(name)s,", name=user.username),
                "",
                _("Your booking %(id)s has been cancelled.", id=booking.id) + " " + str(reason),
                "",
                show,
                when,
                where,
                "",
                _("Its tickets are no longer valid at the door."),
                "",
                "Ticket Show",
                "",
            ]
        )
        ics, ics_name = service.booking_calendar(user, booking.id)  # STATUS:CANCELLED drops the event
        attachments = [mail.Attachment(ics_name, ics, "text", "calendar")]
        subject = _("Booking cancelled: %(show)s, %(when)s", show=show, when=when)
    return mail.Mail(to=user.email, to_name=user.username, subject=subject, text=text, attachments=attachments)
