"""Thin tasks over the report service, on the reports queue (PDFs take a moment; mail waits for nobody)."""
from __future__ import annotations

from datetime import date

from celery import shared_task

from ..jobs import clock
from ..jobs import service as jobs
from ..jobs.models import MONTHLY_REPORTS, Job
from ..notifications.tasks import RETRY
from ..tasks_base import JobTask
from . import service as reports


def enqueue_monthly_reports(first: date, requested_by: int | None) -> Job:
    job = jobs.create(MONTHLY_REPORTS, requested_by, {"month": first.strftime("%Y-%m")})
    monthly_reports.delay(job.id)
    return job


@shared_task(name="reports.monthly_reports", bind=True, base=JobTask, **RETRY)
def monthly_reports(self, job_id: int) -> None:
    first = clock.month_start(jobs.params_of(jobs.get(job_id))["month"])
    jobs.start(job_id)
    sent = reports.send_monthly_reports(job_id, first, progress=lambda done, total: jobs.progress(job_id, done, total))
    jobs.finish(job_id, summary=f"{sent} report{'s' if sent != 1 else ''} sent for {first:%Y-%m}")


@shared_task(name="reports.monthly_reports_scheduled")
def monthly_reports_scheduled() -> int:
    """Beat's entry on the 1st: the month that just ended."""
    this_month = clock.local_now().date().replace(day=1)
    return enqueue_monthly_reports(clock.previous_month(this_month), requested_by=None).id
