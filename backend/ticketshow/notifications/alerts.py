"""The admin's alert when a job finally fails (after every retry, or at once for a non-transient error)."""

from __future__ import annotations

from flask import current_app

from ..auth.models import User
from ..extensions import db
from ..jobs import service as jobs

KIND_NAMES = {
    "export": "CSV export",
    "daily_reminders": "Daily reminders",
    "monthly_reports": "Monthly reports",
    "forecast": "Forecast",
}


def job_failed_mail(job_id: int, error: str) -> dict:
    """Mail fields (see notifications.mail.Mail) telling the admin who asked (or ADMIN_EMAIL, for beat's jobs)
    which job failed, with what, what it did get done, and where to look."""
    settings = current_app.config["SETTINGS"]
    job = jobs.get(job_id)
    params = jobs.params_of(job)
    admin = db.session.get(User, job.requested_by) if job.requested_by else None
    what = KIND_NAMES.get(job.kind, job.kind)
    about = ", ".join(f"{key} {value}" for key, value in params.items())
    link = f"{settings.app_url.rstrip('/')}/api/jobs/{job.id}"
    text = "\n".join(
        [
            f"{what} (job {job.id}{', ' + about if about else ''}) failed after {job.attempts} attempt(s).",
            "",
            f"Error: {error}",
            f"Done before it failed: {job.summary}" if job.summary else "",
            "",
            f"Status: {link}",
            "Recipients not yet reached are kept: running the job again sends only what is still owed.",
        ]
    )
    return {
        "to": admin.email if admin else settings.admin_email,
        "to_name": admin.username if admin else None,
        "subject": f"Job failed: {what} (job {job.id})",
        "text": text,
        "html": None,
    }
