"""Thin Celery tasks over tickets.notices. They run on the mail queue."""

from __future__ import annotations

from celery import shared_task

from ..notifications import mail
from ..retry import MESSAGE_RETRY
from . import notices


@shared_task(name="notifications.booking_notice", **MESSAGE_RETRY)
def booking_notice(booking_id: int, kind: str, hint: dict | None = None) -> bool:
    """The confirmation (kind "confirmed") or cancellation notice of a booking; retried with backoff while
    the SMTP server is away. False when there is nothing (any more) to say. `hint`: i18n.request_hint() of
    the request that queued it (the owner's language when they caused it and have not chosen one)."""
    message = notices.message(booking_id, kind, hint)
    if message is None:
        return False
    mail.send(message)
    return True
