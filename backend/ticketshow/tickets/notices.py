"""Mail about a booking, sent by the worker: the confirmation right after booking (the tickets as a PDF and
the calendar file as a text/calendar part), a short notice when it is cancelled (by its owner, by staff, or
because its screening, show or theatre was removed with force).

The outbox: the transaction that makes the news also writes what it owes, a `booking_notices` row
(booking/ledger.py: record_sale, cancel_and_free_seats). After the commit the web process wakes the relay
(`wake_relay`, or `wake_relay_after_commit` from inside a session transaction: a forced removal): one Redis
SET NX at most every RELAY_WAKE_SPACING per process, and a Celery message only when no relay pass is already
on its way. The relay pass, on the worker,
queues a message per owed notice. A broker or Redis that cannot be reached never fails the booking or the
removal, and loses nothing: the row stays `pending` and `requeue_owed` (the beat, every minute) queues it
once they are back. The worker takes a row
(`take`: pending → sending, with a lease), sends, and marks it sent (`finish`); a failure gives it back
(`give_back`) for Celery's retry or the beat. So each notice is sent at least once, and twice only if a
worker dies between the SMTP server's acceptance and the mark."""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import timedelta

from flask import current_app, has_app_context
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


# A fresh notice is the relay's, woken when its transaction committed: the beat leaves it alone this long.
FRESH = timedelta(minutes=1)
# A relay pass is asked for at most once in this long while its message waits (a lost one is asked again).
RELAY_WAKE_TTL_MS = 2000
# A notice the beat queued again is not queued again before this (its message may wait behind others).
REQUEUE_AFTER = timedelta(minutes=10)
# A worker holds a notice this long while it renders and sends it; past that it is taken to have died.
LEASE = timedelta(minutes=10)
# After this many attempts a notice is `failed` and left alone (Celery retries 14 times per message).
GIVE_UP_ATTEMPTS = 30
# Notices older than this are not sent any more: a confirmation days late helps nobody.
LOOKBACK = timedelta(days=2)


def caller_locale(owner_id: int) -> str | None:
    """The language of this request when its caller is `owner_id` (i18n.request_hint), for the outbox row of a
    notice they caused: their mail is in it if they chose none. None outside a request or for someone else."""
    hint = i18n.request_hint()
    return hint["locale"] if hint and hint["user_id"] == owner_id else None


def _relay_key() -> str:
    # One per database: apps on the same Redis (tests, several sites) must not take each other's wake-ups.
    return current_app.extensions.setdefault(
        "ticketshow_relay_key", "notices:relay:" + str(current_app.config["SQLALCHEMY_DATABASE_URI"])
    )


# A process wakes the relay at most once in this long; a commit in between is relayed by a wake-up deferred to
# the end of it (RelayWaker): bookings then cost no Redis round trip each, and no notice waits longer than this.
RELAY_WAKE_SPACING = 0.25  # seconds (relay_waker)


class RelayWaker:
    """wake_relay's spacing, one per app and process: `wake` runs at once when it last ran `spacing` seconds ago or
    more; otherwise once at the end of those `spacing` seconds (`schedule(delay, callable)`, a timer thread),
    however many commits asked meanwhile. Each commit that asked is followed by a wake-up that starts after it
    and at most `spacing` seconds later, so the relay pass it starts reads that commit's rows (the guarantee
    wake_relay gave per commit). A deferred wake-up is lost only with its process (a worker stopped within
    `spacing` of a booking): its rows wait for the beat, as with Redis away."""

    def __init__(self, wake, spacing: float, *, clock=time.monotonic, schedule=None):
        self._wake, self._spacing, self._clock = wake, spacing, clock
        self._schedule = schedule or _timer
        self._lock = threading.Lock()
        self._last: float | None = None  # when `wake` last ran (or will, deferred), by `clock`
        self._deferred = False

    def __call__(self) -> bool:
        """Wake now (what `wake` answers) or defer (False)."""
        now = self._clock()
        with self._lock:
            if self._last is not None and now - self._last < self._spacing:
                if not self._deferred:  # one deferred wake-up covers every commit until it runs
                    self._deferred = True
                    self._schedule(self._last + self._spacing - now, self._run_deferred)
                return False
            self._last = now
        return self._wake()

    def _run_deferred(self) -> None:
        with self._lock:
            self._deferred, self._last = False, self._clock()
        self._wake()


def _timer(delay: float, function) -> None:
    timer = threading.Timer(delay, function)
    timer.daemon = True  # never holds up a worker's exit
    timer.start()


def wake_relay() -> bool:
    """After a commit that owes notices: make sure a relay pass (tasks.relay_notices) starts after it, within
    RELAY_WAKE_SPACING; True when this call queued one. Most calls in a burst of bookings cost nothing: the
    process's RelayWaker has woken the relay in the last RELAY_WAKE_SPACING seconds and defers one wake-up to
    the end of them. A wake-up is a Redis SET NX, and a Celery message only when no pass is already on its
    way (_wake_now). Never raises: with Redis or the broker away, the rows wait for the beat (requeue_owed)."""
    return relay_waker(current_app._get_current_object())()


def relay_waker(app, *, clock=time.monotonic, schedule=None) -> RelayWaker:
    """The app's RelayWaker in this process, made on first use (with `clock` and `schedule`: tests). Its spacing:
    app.config["NOTICE_RELAY_SPACING"] (seconds) if set, else RELAY_WAKE_SPACING, or 0 in tests (a wake-up
    deferred past the end of a test would publish into the next one's broker)."""
    found = app.extensions.get("ticketshow_relay_waker")
    if found is None or found[0] != os.getpid():  # per process: a forked worker starts its own
        spacing = app.config.get("NOTICE_RELAY_SPACING", 0 if app.testing else RELAY_WAKE_SPACING)

        def wake() -> bool:
            if has_app_context() and current_app._get_current_object() is app:
                return _wake_now()
            with app.app_context():  # a deferred wake-up, on the timer's thread
                return _wake_now()

        waker = RelayWaker(wake, spacing, clock=clock, schedule=schedule)
        found = app.extensions["ticketshow_relay_waker"] = (os.getpid(), waker)
    return found[1]


def _wake_now() -> bool:
    """One wake-up: a relay pass already queued and not yet started will see every commit made before it
    starts, so a pass is queued only when none is (the Redis SET NX): a burst of bookings sends one message,
    not one each, instead of Celery's per-message work, which was a fifth of a booking's CPU time
    (docs/benchmarks.md, "CPU per request"). The key lapses by itself (RELAY_WAKE_TTL) should its message be
    lost. Never raises."""
    from ..extensions import redis_store
    from .tasks import relay_notices

    key = _relay_key()
    try:
        if not redis_store.set(key, 1, nx=True, px=RELAY_WAKE_TTL_MS):
            return False
    except Exception:
        log.warning("could not wake the notice relay; the beat will queue the notices", exc_info=True)
        return False
    try:
        relay_notices.delay()
        return True
    except Exception:
        log.warning("could not queue the notice relay; the beat will queue the notices", exc_info=True)
        try:
            redis_store.delete(key)  # the next commit tries again instead of waiting for the key to lapse
        except Exception:  # the same outage: the key lapses by itself
            pass
        return False


def wake_relay_after_commit() -> None:
    """wake_relay once the session's current transaction commits (never for a rollback): a forced removal."""
    db.session.info[_PENDING] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if session.info.pop(_PENDING, False):
        wake_relay()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(_PENDING, None)


def publish(kind: str, booking_ids, hint: dict | None = None) -> list[int]:
    """Put one message per booking on the mail queue (the relay's and the beat's work, on the worker); returns
    the ids queued. A broker that cannot be reached is logged, never raised: the rows stay owed."""
    from .tasks import booking_notice

    queued = []
    for booking_id in booking_ids:
        try:
            booking_notice.delay(booking_id, kind, hint)
            queued.append(booking_id)
        except Exception:
            log.warning("could not queue the %s notice of booking %s; the beat will", kind, booking_id, exc_info=True)
    return queued


def relay() -> dict:
    """The relay's pass: queue every notice owed and never queued (newest LOOKBACK), oldest first, and note
    when. {"queued": [[booking id, kind], ...]}. The wake-up key goes first, so a commit after this point
    wakes another pass rather than relying on this one; a row both passes see is queued twice and sent once
    (take)."""
    from ..extensions import redis_store

    try:
        redis_store.delete(_relay_key())
    except Exception:  # it lapses by itself
        log.warning("could not clear the notice relay's wake-up key", exc_info=True)
    now = utcnow()
    rows = db.session.execute(
        select(BookingNotice.booking_id, BookingNotice.kind, BookingNotice.locale, Booking.user_id)
        .join(Booking, Booking.id == BookingNotice.booking_id)
        .where(
            BookingNotice.state == "pending",
            BookingNotice.queued_at.is_(None),
            BookingNotice.created_at >= now - LOOKBACK,
        )
        .order_by(BookingNotice.id)
    ).all()
    db.session.rollback()  # end the read before the writes below take the lock
    queued = []
    for booking_id, kind, locale, owner_id in rows:
        hint = {"user_id": owner_id, "locale": locale} if locale else None
        if publish(kind, [booking_id], hint):
            queued.append([booking_id, kind])
    _mark_queued(queued, now)
    return {"queued": queued}


def _mark_queued(notices, now) -> None:
    if notices:
        with immediate_transaction(db.session):
            for booking_id, kind in notices:
                db.session.execute(update(BookingNotice).where(_row(booking_id, kind)).values(queued_at=now))


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
        hint = None
        if notice.locale:
            owner_id = db.session.scalar(select(Booking.user_id).where(Booking.id == notice.booking_id))
            hint = {"user_id": owner_id, "locale": notice.locale}
        if publish(notice.kind, [notice.booking_id], hint):
            requeued.append([notice.booking_id, notice.kind])
    _mark_queued(requeued, utcnow())
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
