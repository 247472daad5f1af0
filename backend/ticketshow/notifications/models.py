from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..database import UTCDateTime
from ..extensions import db

# A recipient's row in a batch (reminder_log, report_log): claimed as pending; "sending" while an attempt
# holds it (a lease that lapses after JOB_STALE_MINUTES, if that worker died); then sent, skipped (nothing
# to say), or failed (the error kept; a later attempt or a re-run tries again).
DELIVERY_STATES = ("pending", "sending", "sent", "failed", "skipped")
OWED_STATES = ("pending", "failed")
DELIVERY_STATE_CHECK = "state IN ('pending', 'sending', 'sent', 'failed', 'skipped')"


class Visit(db.Model):
    """A user made at least one authenticated request on this local day (APP_TIMEZONE)."""

    __tablename__ = "user_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class ReminderLog(db.Model):
    """One row per user per day: the unique key is what makes a second run send nothing.

    A run claims the row first, then delivers; email and chat are marked separately so a retry after a
    failed webhook does not send the email again. `state`, `attempts` and `error` say where each
    recipient stands (DELIVERY_STATES). job_id: the claiming job, kept for rows from before 0007.
    """

    __tablename__ = "reminder_log"
    __table_args__ = (
        UniqueConstraint("user_id", "day", name="uq_reminder_log_user_day"),
        CheckConstraint(DELIVERY_STATE_CHECK, name="state_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    chatted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(8), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
