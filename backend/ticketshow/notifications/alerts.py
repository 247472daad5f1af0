"""The admin's alert when a job finally fails (after every retry, or at once for a non-transient error),
in the admin's language (their chosen locale, else the one of the request that started the job, else
English), as the export's own mail is (exports/service.outcome_mail)."""

from __future__ import annotations

from flask import current_app

from .. import i18n
from ..auth.models import User
from ..extensions import db
from ..i18n import N_, _, ngettext
from ..jobs import service as jobs
from ..jobs.wording import error_text

KIND_NAMES = {
    "export": N_("CSV export"),
    "daily_reminders": N_("Daily reminders"),
    "monthly_reports": N_("Monthly reports"),
    "forecast": N_("Forecast"),
}


def job_failed_mail(job_id: int, error: str) -> dict:
    """Mail fields (see notifications.mail.Mail) telling the admin who asked (or ADMIN_EMAIL, for beat's jobs)
    which job failed, with what, what it did get done, and where to look. `error` is the job's final error:
    a jobs.wording.JobError is worded in the mail's language, a plain str is quoted as it is."""
    job = jobs.get(job_id)
    params = jobs.params_of(job)
    admin = db.session.get(User, job.requested_by) if job.requested_by else None
    locale = i18n.recipient_locale(admin, {"user_id": job.requested_by, "locale": params.get("locale")})
    with i18n.force_locale(locale):
        return _job_failed_mail(job, params, admin, error)


def _job_failed_mail(job, params: dict, admin: User | None, error: str) -> dict:
    settings = current_app.config["SETTINGS"]
    what = _(KIND_NAMES[job.kind]) if job.kind in KIND_NAMES else job.kind
    # The job's parameters are data (a theatre id, a day), quoted as the job has them; the locale is ours.
    about = ", ".join(f"{key} {value}" for key, value in params.items() if key != "locale")
    job_name = _("job %(id)s", id=job.id) + (f", {about}" if about else "")
    worded = error_text(getattr(error, "code", None), getattr(error, "params", {}), error) or ""
    summary = job.summary_text
    text = "\n".join(
        [
            ngettext(
                "%(what)s (%(job)s) failed after %(num)d attempt.",
                "%(what)s (%(job)s) failed after %(num)d attempts.",
                job.attempts,
                what=what,
                job=job_name,
            ),
            "",
            _("Error: %(error)s", error=worded),
            _("Done before it failed: %(summary)s", summary=summary) if summary else "",
            "",
            _("Status: %(link)s", link=f"{settings.app_url.rstrip('/')}/api/jobs/{job.id}"),
            _("Recipients not yet reached are kept: running the job again sends only what is still owed."),
        ]
    )
    return {
        "to": admin.email if admin else settings.admin_email,
        "to_name": admin.username if admin else None,
        "subject": _("Job failed: %(what)s (job %(id)s)", what=what, id=job.id),
        "text": text,
        "html": None,
    }
