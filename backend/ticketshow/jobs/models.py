from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..database import UTCDateTime
from ..extensions import db

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"

EXPORT = "export"
DAILY_REMINDERS = "daily_reminders"
MONTHLY_REPORTS = "monthly_reports"
FORECAST = "forecast"
KINDS = (EXPORT, DAILY_REMINDERS, MONTHLY_REPORTS, FORECAST)


class Job(db.Model):
    """One async job. The row, not Celery's result store, is the record: it survives a Redis restart."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint("state IN ('pending', 'running', 'done', 'failed')", name="state_known"),
        Index("ix_jobs_kind_created", "kind", "created_at"),
        Index("ix_jobs_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # What the job is about, e.g. {"theatre_id": 3} or {"date": "2026-12-01"} (JSON text).
    params: Mapped[str | None] = mapped_column(Text)
    # A short human summary of the outcome, e.g. "12 reminders sent" or the export's theatre name.
    summary: Mapped[str | None] = mapped_column(String(300))
    # The same summary as a stable code and its parameters (JSON text), worded per reader (jobs/wording.py);
    # null for a summary that is only data (an export's theatre name) and for rows older than codes.
    summary_code: Mapped[str | None] = mapped_column(String(40))
    summary_params: Mapped[str | None] = mapped_column(Text)
    result_path: Mapped[str | None] = mapped_column(String(300))
    # What went wrong, in English (alert mail, logs, older clients), and the same as a code with params (JSON
    # text) worded per reader (jobs/wording.py, JobError); the code is null for rows older than codes.
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_params: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The Celery task that runs it, so the watchdog can requeue a job without knowing its module.
    task_name: Mapped[str | None] = mapped_column(String(100))
    # Attempts started so far; each one's writes are conditional on it, so a worker the watchdog gave up
    # on (its job requeued) cannot overwrite the new attempt's outcome.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Written every JOB_HEARTBEAT_SECONDS while an attempt runs: older than JOB_STALE_MINUTES = worker lost.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a pending job that is waiting to try again becomes due (the watchdog requeues it then).
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def summary_params_dict(self) -> dict:
        return json.loads(self.summary_params) if self.summary_params else {}

    @property
    def summary_text(self) -> str | None:
        """The summary in the current language when it has a code, else the stored text."""
        from .wording import summary_text

        return summary_text(self.summary_code, self.summary_params_dict, self.summary)

    @property
    def error_params_dict(self) -> dict:
        return json.loads(self.error_params) if self.error_params else {}

    @property
    def error_text(self) -> str | None:
        """The error in the current language when it has a code, else the stored text."""
        from .wording import error_text

        return error_text(self.error_code, self.error_params_dict, self.error)

    @property
    def result_url(self) -> str | None:
        if self.kind == EXPORT and self.state == DONE and self.result_path:
            return f"/api/exports/{self.id}/download"
        return None
