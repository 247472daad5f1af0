"""The daily reminder: who gets it, and delivering it at most once per user per local day."""
from __future__ import annotations

from datetime import date
from typing import Callable

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.dialects.sqlite import insert

from ..auth.models import ROLE_USER, User
from ..booking.models import Booking
from ..catalog.models import Screening, Show, Theatre
from ..database import utcnow, writes
from ..extensions import db
from ..jobs import clock
from ..reports.rendering import render
from . import chat, mail
from .models import ReminderLog, Visit

Progress = Callable[[int, int], None]


def reminder_recipients(day: date) -> list[User]:
    """Users with reminders on who neither visited nor booked on `day` (local), and existed by then."""
    start, end = clock.day_bounds(day)
    visited = select(Visit.user_id).where(Visit.day == day)
    booked = select(Booking.user_id).where(Booking.created_at >= start, Booking.created_at < end)
    return list(db.session.scalars(
        select(User)
        .where(User.role == ROLE_USER, User.reminders.is_(True), User.created_at < end,
               User.id.not_in(visited), User.id.not_in(booked),
               or_(User.last_seen_at.is_(None), User.last_seen_at < start, User.last_seen_at >= end))
        .order_by(User.id)))


@writes
def _claim(job_id: int, day: date, user_ids: list[int]) -> None:
    """Insert one log row per user and day; the unique key makes a second run's claim a no-op."""
    if user_ids:
        db.session.execute(insert(ReminderLog).on_conflict_do_nothing(),
                           [{"user_id": uid, "day": day, "job_id": job_id, "created_at": utcnow()}
                            for uid in user_ids])


def _undelivered(job_id: int, day: date) -> list[tuple[ReminderLog, User]]:
    """This job's claimed rows still owing an email (or a chat message, when the webhook is on)."""
    owing = ReminderLog.emailed_at.is_(None)
    if chat.enabled():
        owing = or_(owing, ReminderLog.chatted_at.is_(None))
    return list(db.session.execute(
        select(ReminderLog, User).join(User, User.id == ReminderLog.user_id)
        .where(ReminderLog.job_id == job_id, ReminderLog.day == day, owing).order_by(ReminderLog.id)))


@writes
def _mark(log_id: int, **values) -> None:
    db.session.execute(update(ReminderLog).where(ReminderLog.id == log_id).values(**values))


def reminder_mail(user: User, day: date, suggestions) -> mail.Mail:
    app_url = current_app.config["SETTINGS"].app_url
    context = {"user": user, "day": day, "app_url": app_url, "suggestions": suggestions}
    return mail.Mail(to=user.email, to_name=user.username,
                     subject=f"{user.username}, your next show is waiting",
                     text=render("emails/reminder.txt", **context), html=render("emails/reminder.html", **context))


def _suggestions(limit: int = 3) -> list[dict]:
    """The next few screenings anywhere, to make the reminder worth opening."""
    screenings = db.session.scalars(
        select(Screening).join(Screening.show).join(Screening.theatre)
        .where(Screening.removed_at.is_(None), Show.removed_at.is_(None), Theatre.removed_at.is_(None),
               Screening.starts_at > utcnow())
        .order_by(Screening.starts_at, Screening.id).limit(limit))
    return [{"show": s.show.name, "theatre": s.theatre.name, "place": s.theatre.place,
             "starts_at": clock.to_local(s.starts_at), "price": s.price} for s in screenings]


def send_daily_reminders(job_id: int, day: date, progress: Progress = lambda done, total: None) -> int:
    """Claim the day's recipients, then deliver what this job still owes. Safe to run again (a retry)."""
    _claim(job_id, day, [user.id for user in reminder_recipients(day)])
    owed = _undelivered(job_id, day)
    suggestions = _suggestions() if owed else []
    app_url = current_app.config["SETTINGS"].app_url
    for done, (row, user) in enumerate(owed, start=1):
        if row.emailed_at is None:
            mail.send(reminder_mail(user, day, suggestions))
            _mark(row.id, emailed_at=utcnow())
        if chat.enabled() and row.chatted_at is None:
            chat.post(f"🎭 {user.username}, you have not booked a show today. "
                      f"See what is on tonight: {app_url}")
            _mark(row.id, chatted_at=utcnow())
        progress(done, len(owed))
    return len(owed)
