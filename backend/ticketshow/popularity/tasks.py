"""Thin tasks over the forecast service, on the default queue: nightly from beat, or now from an admin."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from ..jobs import service as jobs
from ..jobs.models import FORECAST, Job
from ..retry import TRANSIENT_ERRORS
from ..tasks_base import JobTask
from . import service as forecasts

FORECAST_TASK = "popularity.nightly_forecast"


class ForecastTask(JobTask):
    abstract = True
    # A locked database (a long write elsewhere) is worth another try; a bug in the model is not.
    transient = (*TRANSIENT_ERRORS, OperationalError)


def enqueue_forecast(requested_by: int | None) -> Job:
    """A forecast job; QueueUnavailable (503) when the broker is away."""
    return jobs.enqueue(FORECAST, FORECAST_TASK, requested_by, {})


@shared_task(name=FORECAST_TASK, base=ForecastTask)
def nightly_forecast(run: jobs.JobRun) -> str:
    return forecasts.run_forecast_described()


@shared_task(name="popularity.nightly_forecast_scheduled")
def nightly_forecast_scheduled() -> int:
    """Beat's entry at 02:30 local: a job like any other (listed, and run by the same task)."""
    return enqueue_forecast(requested_by=None).id
