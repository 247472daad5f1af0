"""The daily reminder: who gets it, and delivering it at most once per user per local day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app
from sqlalchemy import or_, select

from .. import clock, i18n
from ..auth.models import ROLE_USER, User
from ..booking.models import Booking
from ..catalog.models import Screening, Show, Theatre
from ..clock import utcnow
from ..extensions import db
from ..jobs.service import Outcome
from ..jobs.wording import Summary
from . import chat, delivery, mail
from .models import ReminderLog, Visit
from .rendering import render

Progress = Callable[[int, int], None]


def reminder_recipients(day: date) -> list[User]:
    """Users with reminders on who neither visited nor booked on `day` (local), and existed by then."""
    start, end = clock.day_bounds(day)
    visited = select(Visit.user_id).where(Visit.day == day)
    booked = select(Booking.user_id).where(Booking.created_at >= start, Booking.created_at < end)
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role == ROLE_USER,
                User.reminders.is_(True),
                User.created_at < end,
                User.id.not_in(visited),
                User.id.not_in(booked),
                or_(User.last_seen_at.is_(None), User.last_seen_at < start, User.last_seen_at >= end),
            )
            .order_by(User.id)
        )
    )


def reminder_mail(user: User, day: date, suggestions) -> mail.Mail:
    """The reminder in the user's language (i18n.recipient_locale: a scheduled mail has no request)."""
    app_url = current_app.config["SETTINGS"].app_url
    context = {"user": user, "day": day, "app_url": app_url, "suggestions": suggestions}
    with i18n.force_locale(i18n.recipient_locale(user)):
        return mail.Mail(
            to=user.email,
            to_name=user.username,
            subject=i18n._("%(name)s, your next show is waiting", name=user.username),
            text=render("emails/reminder.txt", **context),
            html=render("emails/reminder.html", **context),
        )


def _suggestions(limit: int = 3) -> list[dict]:
    """The next few screenings anywhere, to make the reminder worth opening."""
    screenings = db.session.scalars(
        select(Screening)
        .join(Screening.show)
        .join(Screening.theatre)
        .where(
            Screening.removed_at.is_(None),
            Show.removed_at.is_(None),
            Theatre.removed_at.is_(None),
            Screening.starts_at > utcnow(),
        )
        .order_by(Screening.starts_at, Screening.id)
        .limit(limit)
    )
    return [
        {
            "show": s.show.name,
            "theatre": s.theatre.name,
            "place": s.theatre.place,
            "starts_at": clock.to_local(s.starts_at),
            "price": s.price,
        }
        for s in screenings
    ]


def send_daily_reminders(day: date, progress: Progress = lambda done, total: None) -> Outcome:
    """Claim the day's recipients, then deliver every reminder still owed for `day` (delivery.py): one
    recipient's failure is recorded on their row and the rest go on; a retry or re-run sends only what is
    owed, so nobody gets two. Email and chat are marked apart: a webhook failure does not resend the email.
    The outcome says how many went out and how many are still owed (the job then tries again later)."""
    delivery.claim(ReminderLog, ReminderLog.day, day, [user.id for user in reminder_recipients(day)])
    suggestions = _suggestions()
    app_url = current_app.config["SETTINGS"].app_url

    def deliver(row_id: int, user_id: int) -> dict:
        row, user = db.session.get(ReminderLog, row_id), db.session.get(User, user_id)
        done = {"state": "sent"}
        if row.emailed_at is None:
            mail.send(reminder_mail(user, day, suggestions))
            done["emailed_at"] = utcnow()
        if chat.enabled() and row.chatted_at is None:
            if "emailed_at" in done:  # kept before the webhook is tried: its failure must not resend the email
                delivery.mark(ReminderLog, row_id, emailed_at=done.pop("emailed_at"))
            chat.post(f"🎭 {user.username}, you have not booked a show today. See what is on tonight: {app_url}")
            done["chatted_at"] = utcnow()
        return done

    result = delivery.deliver_all(ReminderLog, ReminderLog.day, day, deliver, progress)
    summary = Summary("reminders_sent", sent=result.sent, day=day.isoformat(), owed=result.owed)
    return Outcome(summary=summary, owed=result.owed, failures=result.failures)
