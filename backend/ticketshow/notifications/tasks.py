"""Thin Celery tasks over the notification services. They run on the mail queue."""
from __future__ import annotations

from datetime import date

from celery import shared_task

from ..jobs import clock
from ..jobs import service as jobs
from ..jobs.models import DAILY_REMINDERS, Job
from ..tasks_base import JobTask
from . import mail
from . import service as reminders
from .chat import WebhookError

RETRY = dict(autoretry_for=(*mail.TRANSIENT_MAIL_ERRORS, WebhookError), retry_backoff=True,
             retry_backoff_max=300, retry_jitter=True, max_retries=8)


def enqueue_daily_reminders(day: date, requested_by: int | None) -> Job:
    job = jobs.create(DAILY_REMINDERS, requested_by, {"date": day.isoformat()})
    daily_reminders.delay(job.id)
    return job


@shared_task(name="notifications.daily_reminders", bind=True, base=JobTask, **RETRY)
def daily_reminders(self, job_id: int) -> None:
    day = date.fromisoformat(jobs.params_of(jobs.get(job_id))["date"])
    jobs.start(job_id)
    sent = reminders.send_daily_reminders(job_id, day, progress=lambda done, total: jobs.progress(job_id, done, total))
    jobs.finish(job_id, summary=f"{sent} reminder{'s' if sent != 1 else ''} sent for {day.isoformat()}")


@shared_task(name="notifications.daily_reminders_scheduled")
def daily_reminders_scheduled() -> int:
    """Beat's entry: today's reminders, as a job like any other (so it is listed and retried alike)."""
    return enqueue_daily_reminders(clock.local_now().date(), requested_by=None).id


@shared_task(name="mail.send", **RETRY)
def send_mail(message: dict) -> None:
    """One message, retried with backoff while the SMTP server is away (export notices use it)."""
    mail.send(mail.Mail(**message))
