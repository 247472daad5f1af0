"""Thin Celery tasks over tickets.notices. They run on the mail queue."""

from __future__ import annotations

from celery import shared_task

from ..notifications import mail
from ..notifications.delivery import describe
from ..retry import MESSAGE_RETRY, is_transient
from . import notices


@shared_task(name="notifications.booking_notice", **MESSAGE_RETRY)
def booking_notice(booking_id: int, kind: str, hint: dict | None = None) -> bool:
    """The confirmation (kind "confirmed") or cancellation notice of a booking; retried with backoff while
    the SMTP server is away. False when there is nothing (any more) to say, or the notice is already sent
    or being sent (a message the beat queued again, notices.take). `hint`: {"user_id": the owner, "locale":
    the language of their own request that made the news} (booking_notices.locale), used when they have
    chosen none; None when someone else caused it."""
    if not notices.take(booking_id, kind):
        return False
    try:
        message = notices.message(booking_id, kind, hint)
        if message is None:
            notices.finish(booking_id, kind, "skipped")
            return False
        mail.send(message)
    except Exception as exc:
        notices.give_back(booking_id, kind, describe(exc), permanent=not is_transient(exc))
        raise  # Celery retries transient errors (MESSAGE_RETRY)
    notices.finish(booking_id, kind, "sent")
    return True


@shared_task(name="tickets.relay_notices")
def relay_notices() -> dict:
    """Queue the booking notices owed since the last pass, woken by the commits that owe them
    (notices.wake_relay, notices.relay)."""
    return notices.relay()


@shared_task(name="tickets.requeue_notices")
def requeue_notices() -> dict:
    """The beat's minute pass: booking notices still owed go on the mail queue again (notices.requeue_owed)."""
    return notices.requeue_owed()
