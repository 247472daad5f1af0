"""The monthly report's log: one row per user per month, so nobody gets two reports for a month."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..database import UTCDateTime
from ..extensions import db
from ..notifications.models import DELIVERY_STATE_CHECK


class ReportLog(db.Model):
    """One row per user per month for the monthly report, claimed then marked sent (see ReminderLog)."""

    __tablename__ = "report_log"
    __table_args__ = (
        UniqueConstraint("user_id", "month", name="uq_report_log_user_month"),
        CheckConstraint(DELIVERY_STATE_CHECK, name="state_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    report_format: Mapped[str | None] = mapped_column(String(8))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(8), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
