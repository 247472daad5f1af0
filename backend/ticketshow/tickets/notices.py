"""Mail about a booking, sent by the worker: the confirmation right after booking (the tickets as a PDF and
the calendar file as a text/calendar part), a short notice when it is cancelled (by its owner, by staff, or
because its screening, show or theatre was removed with force).

The outbox: the transaction that makes the news also writes what it owes, a `booking_notices` row
(booking/ledger.py: record_sale, cancel_and_free_seats). After the commit the notice is queued at once
(`queue` directly, `queue_after_commit` from inside a session transaction: a forced removal). A broker that
cannot be reached never fails the booking or the removal, and loses nothing: the row stays `pending` and
`requeue_owed` (the beat, every minute) queues it again once the broker is back. The worker takes a row
(`take`: pending → sending, with a lease), sends, and marks it sent (`finish`); a failure gives it back
(`give_back`) for Celery's retry or the beat. So each notice is sent at least once, and twice only if a
worker dies between the SMTP server's acceptance and the mark."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.orm import Session

from .. import i18n
from ..booking.models import CANCELLED, Booking
from ..clock import utcnow
from ..database import immediate_transaction
from ..extensions import db
from ..i18n import _, _l
from ..notifications import mail
from .models import BookingNotice

log = logging.getLogger(__name__)
CONFIRMED_NOTICE, CANCELLED_NOTICE = "confirmed", "cancelled"
_PENDING = "ticket_notices"
REASONS = {
    "cancelled_by_user": _l("You cancelled it."),
    "cancelled_by_staff": _l("The theatre's staff cancelled it."),
}
REMOVED_REASON = _l("The screening was cancelled by the theatre.")


# A fresh notice was queued when its transaction committed: the beat leaves it alone this long.
FRESH = timedelta(minutes=1)
# A notice the beat queued again is not queued again before this (its message may wait behind others).
REQUEUE_AFTER = timedelta(minutes=10)
# A worker holds a notice this long while it renders and sends it; past that it is taken to have died.
LEASE = timedelta(minutes=10)
# After this many attempts a notice is `failed` and left alone (Celery retries 14 times per message).
GIVE_UP_ATTEMPTS = 30
# Notices older than this are not sent any more: a confirmation days late helps nobody.
LOOKBACK = timedelta(days=2)


def queue(kind: str, booking_ids) -> list[int]:
    """Put one message per booking on the mail queue; returns the ids that were queued. A broker that cannot
    be reached is logged, never raised: the outbox row is still owed and the beat queues it later."""
    from .tasks import booking_notice

    # whose request this is, and its language (None from the beat: the owner's own choice, else the default)
    hint = i18n.request_hint()
    queued = []
    for booking_id in booking_ids:
        try:
            booking_notice.delay(booking_id, kind, hint)
            queued.append(booking_id)
        except Exception:  # the broker is away: the answer must not fail
            log.warning("could not queue the %s notice of booking %s; the beat will", kind, booking_id, exc_info=True)
    return queued


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


# ---- the outbox ----------------------------------------------------------------------------------------


def _row(booking_id: int, kind: str):
    return (BookingNotice.booking_id == booking_id) & (BookingNotice.kind == kind)


def take(booking_id: int, kind: str) -> bool:
    """The worker's claim on a notice before sending it: pending (or `sending` whose lease lapsed) →
    sending, attempts + 1, leased for LEASE. False when it is sent, skipped, failed, or another worker holds
    it: that message is a duplicate. A notice with no row (queued before the outbox existed) is sent."""
    now = utcnow()
    with immediate_transaction(db.session):
        exists = db.session.scalar(select(BookingNotice.id).where(_row(booking_id, kind)))
        if exists is None:
            return True
        taken = db.session.execute(
            update(BookingNotice)
            .where(
                _row(booking_id, kind),
                or_(
                    BookingNotice.state == "pending",
                    and_(BookingNotice.state == "sending", BookingNotice.lease_until < now),
                ),
            )
            .values(state="sending", attempts=BookingNotice.attempts + 1, lease_until=now + LEASE)
        ).rowcount
    return taken == 1


def finish(booking_id: int, kind: str, state: str) -> None:
    """Mark a notice `sent` or `skipped` (nothing to say any more)."""
    with immediate_transaction(db.session):
        db.session.execute(
            update(BookingNotice)
            .where(_row(booking_id, kind))
            .values(state=state, sent_at=utcnow(), lease_until=None, error=None)
        )


def give_back(booking_id: int, kind: str, error: str, *, permanent: bool = False) -> None:
    """A failed attempt: the notice is owed again (Celery retries the message; the beat queues it again if
    that message is lost), or `failed` after GIVE_UP_ATTEMPTS or at once for a `permanent` error (the SMTP
    server refused the address: trying again cannot help)."""
    db.session.rollback()
    with immediate_transaction(db.session):
        notice = db.session.scalar(select(BookingNotice).where(_row(booking_id, kind)))
        if notice is None or notice.state != "sending":
            return
        notice.state = "failed" if permanent or notice.attempts >= GIVE_UP_ATTEMPTS else "pending"
        notice.lease_until, notice.error = None, error[:2000]


def owed() -> list[BookingNotice]:
    """Notices the beat should queue again, oldest first: pending for more than FRESH (their message never
    got to the broker, or the broker lost it) and not queued again within REQUEUE_AFTER, or held by a worker
    whose lease lapsed; none older than LOOKBACK."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(BookingNotice)
            .where(
                BookingNotice.created_at >= now - LOOKBACK,
                or_(
                    and_(
                        BookingNotice.state == "pending",
                        BookingNotice.created_at <= now - FRESH,
                        or_(BookingNotice.queued_at.is_(None), BookingNotice.queued_at <= now - REQUEUE_AFTER),
                    ),
                    and_(BookingNotice.state == "sending", BookingNotice.lease_until < now),
                ),
            )
            .order_by(BookingNotice.id)
        )
    )


def requeue_owed() -> dict:
    """The beat's pass (every minute): queue again every owed notice and note when. {"requeued": [[booking
    id, kind], ...]}; with the broker still away, nothing is queued and nothing is lost."""
    requeued = []
    for notice in owed():
        if queue(notice.kind, [notice.booking_id]):
            requeued.append([notice.booking_id, notice.kind])
    if requeued:
        now = utcnow()
        with immediate_transaction(db.session):
            for booking_id, kind in requeued:
                db.session.execute(update(BookingNotice).where(_row(booking_id, kind)).values(queued_at=now))
    if requeued:
        log.info("queued again %s booking notices the broker had not taken", len(requeued))
    return {"requeued": requeued}


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
