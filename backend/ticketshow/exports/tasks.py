"""Thin task over the export service. Runs on the exports queue; its notice goes out on the mail queue."""
from __future__ import annotations

from celery import shared_task

from ..jobs import service as jobs
from ..jobs.models import Job
from ..notifications.tasks import send_mail
from ..tasks_base import JobTask, describe
from . import service as exports


class ExportTask(JobTask):
    abstract = True

    def after_failure(self, job_id: int, exc: BaseException) -> None:
        send_mail.delay(exports.outcome_mail(job_id, error=describe(exc)))


def enqueue_export(theatre_id: int, requested_by: int) -> Job:
    job = exports.request_export(theatre_id, requested_by)
    export_theatre_csv.delay(job.id)
    return job


@shared_task(name="exports.theatre_csv", bind=True, base=ExportTask)
def export_theatre_csv(self, job_id: int) -> None:
    jobs.start(job_id)
    path, rows = exports.write_theatre_csv(job_id, progress=lambda done, total: jobs.progress(job_id, done, total))
    jobs.finish(job_id, result_path=path, summary=exports.finished_summary(job_id, rows))
    send_mail.delay(exports.outcome_mail(job_id, rows=rows))
