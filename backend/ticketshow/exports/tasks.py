"""Thin task over the export service. Runs on the exports queue; its notice goes out on the mail queue."""

from __future__ import annotations

from celery import shared_task

from .. import i18n
from ..jobs import service as jobs
from ..jobs.models import EXPORT, Job
from ..notifications.tasks import send_mail
from ..tasks_base import JobTask
from . import service as exports

EXPORT_TASK = "exports.theatre_csv"


class ExportTask(JobTask):
    abstract = True

    def after_done(self, run, outcome) -> None:
        send_mail.delay(exports.outcome_mail(run.job_id, rows=outcome.rows))

    def after_failure(self, job_id: int, error: str) -> None:
        send_mail.delay(exports.outcome_mail(job_id, error=error))


def enqueue_export(theatre_id: int, requested_by: int) -> Job:
    """Check the theatre, then the export job; QueueUnavailable (503) when the broker is away."""
    theatre = exports.exportable_theatre(theatre_id)
    return jobs.enqueue(
        EXPORT,
        EXPORT_TASK,
        requested_by,
        # locale: the language of the request, for the outcome mail when the requester has not chosen one.
        {"theatre_id": theatre.id, "theatre_name": theatre.name, "locale": i18n.select_locale()},
        summary=theatre.name,
    )


@shared_task(name=EXPORT_TASK, base=ExportTask)
def export_theatre_csv(run: jobs.JobRun) -> jobs.Outcome:
    return exports.write_theatre_csv(run.params["theatre_id"], progress=run.progress)


@shared_task(name="exports.clean_partials")
def clean_partials() -> int:
    """Beat's sweep: `.partial` files no writer has touched for JOB_STALE_MINUTES (their worker died)."""
    return exports.clean_partials()
