"""Thin tasks over the report service, on the reports queue (PDFs take a moment; mail waits for nobody)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from .. import clock
from ..jobs import service as jobs
from ..jobs.models import MONTHLY_REPORTS, Job
from ..tasks_base import JobTask
from . import service as reports

MONTHLY_REPORTS_TASK = "reports.monthly_reports"


def enqueue_monthly_reports(first: date, requested_by: int | None) -> Job:
    """The month's reports as a job; QueueUnavailable (503) when the broker is away."""
    return jobs.enqueue(MONTHLY_REPORTS, MONTHLY_REPORTS_TASK, requested_by, {"month": first.strftime("%Y-%m")})


@shared_task(name=MONTHLY_REPORTS_TASK, base=JobTask)
def monthly_reports(run: jobs.JobRun) -> jobs.Outcome:
    return reports.send_monthly_reports(clock.month_start(run.params["month"]), progress=run.progress)


@shared_task(name="reports.monthly_reports_scheduled")
def monthly_reports_scheduled() -> int:
    """Beat's entry on the 1st: the month that just ended."""
    this_month = clock.local_now().date().replace(day=1)
    return enqueue_monthly_reports(clock.previous_month(this_month), requested_by=None).id
