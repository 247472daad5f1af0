"""Thin tasks: tell one entry's owner of their news (mail queue), and the beat's minute pass."""

from __future__ import annotations

from celery import shared_task

from ..notifications import chat, mail
from ..retry import MESSAGE_RETRY
from . import service


@shared_task(name="notifications.waitlist_notice", **MESSAGE_RETRY)
def notify_entry(entry_id: int) -> bool:
    """Email (and the chat webhook when set) for an offer or a closed list; marks the entry told afterwards,
    so a failure is retried (at least once, never lost). Nothing when there is no news any more."""
    message = service.message_for(entry_id)
    if message is None:
        return False
    chat_text = message.pop("chat")
    mail.send(mail.Mail(**message))
    if chat.enabled():
        chat.post(chat_text)
    service.mark_told(entry_id)
    return True


@shared_task(name="waitlist.beat_pass")
def beat_pass() -> dict:
    return service.beat_pass()
