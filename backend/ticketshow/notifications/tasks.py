"""Thin Celery tasks over the notification services. They run on the mail queue."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from .. import clock
from ..jobs import service as jobs
from ..jobs.models import DAILY_REMINDERS, Job
from ..retry import MESSAGE_RETRY
from ..tasks_base import JobTask
from . import mail
from . import service as reminders

DAILY_REMINDERS_TASK = "notifications.daily_reminders"


def enqueue_daily_reminders(day: date, requested_by: int | None) -> Job:
    """The day's reminders as a job; QueueUnavailable (503) when the broker is away."""
    return jobs.enqueue(DAILY_REMINDERS, DAILY_REMINDERS_TASK, requested_by, {"date": day.isoformat()})


@shared_task(name=DAILY_REMINDERS_TASK, base=JobTask)
def daily_reminders(run: jobs.JobRun) -> jobs.Outcome:
    return reminders.send_daily_reminders(date.fromisoformat(run.params["date"]), progress=run.progress)


@shared_task(name="notifications.daily_reminders_scheduled")
def daily_reminders_scheduled() -> int:
    """Beat's entry: today's reminders, as a job like any other (so it is listed and retried alike)."""
    return enqueue_daily_reminders(clock.local_now().date(), requested_by=None).id


@shared_task(name="mail.send", **MESSAGE_RETRY)
def send_mail(message: dict) -> None:
    """One message (export notices, job alerts), retried with backoff while the SMTP server is away."""
    mail.send(mail.Mail(**message))
