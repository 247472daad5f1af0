"""Thin tasks over the forecast service, on the default queue: nightly from beat, or now from an admin."""
from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from ..jobs import service as jobs
from ..jobs.models import FORECAST, Job
from ..tasks_base import JobTask
from . import service as forecasts


def enqueue_forecast(requested_by: int | None) -> Job:
    job = jobs.create(FORECAST, requested_by, {})
    nightly_forecast.delay(job.id)
    return job


# A locked database (a long write elsewhere) is worth another try; a bug in the model is not.
@shared_task(name="popularity.nightly_forecast", bind=True, base=JobTask, autoretry_for=(OperationalError,),
             retry_backoff=True, retry_backoff_max=300, retry_jitter=True, max_retries=3)
def nightly_forecast(self, job_id: int) -> None:
    jobs.start(job_id)
    summary = forecasts.run_forecast()
    validation = (f"; validation MAE {summary['validation_mae']:.3f} vs naive {summary['baseline_mae']:.3f}"
                  if summary["validation_mae"] is not None else "")
    jobs.finish(job_id, summary=f"{summary['screenings_forecast']} screenings forecast by the {summary['model']} "
                                f"model from {summary['training_samples']} snapshots{validation}")


@shared_task(name="popularity.nightly_forecast_scheduled")
def nightly_forecast_scheduled() -> int:
    """Beat's entry at 02:30 local: a job like any other (listed, and run by the same task)."""
    return enqueue_forecast(requested_by=None).id
