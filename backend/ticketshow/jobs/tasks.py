"""The watchdog, every minute from beat: no job hangs or vanishes.

- pending jobs whose retry time has come are published again;
- pending jobs whose message was lost (never started within JOB_STALE_MINUTES) are published again;
- running jobs whose heartbeat stopped (the worker died) are requeued as their next attempt, or failed
  (and the admin told) once JOB_MAX_ATTEMPTS are spent.
Publishing twice is harmless: the task base runs a pending job once (jobs.service.begin).
"""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

from ..clock import utcnow
from . import service as jobs
from .wording import JobError

log = logging.getLogger(__name__)


@shared_task(name="jobs.watchdog")
def watchdog() -> dict:
    """Returns what it did: {"retried": [...], "republished": [...], "requeued": [...], "failed": [...]}."""
    now = utcnow()
    done = {"retried": [], "republished": [], "requeued": [], "failed": []}
    for job_id in jobs.due_retries(now):
        if jobs.release_for_retry(job_id):
            _publish(job_id, done["retried"])
    for job_id in jobs.lost_messages(now):
        if jobs.release_for_retry(job_id):  # touches updated_at, so it is not republished every minute
            _publish(job_id, done["republished"])
    max_attempts = current_app.config["SETTINGS"].job_max_attempts
    for job in jobs.stale_running(now):
        since = job.heartbeat_at.isoformat() if job.heartbeat_at else None
        note = JobError("worker_lost", attempt=job.attempts, since=since)
        if job.attempts >= max_attempts or not job.task_name:
            task = current_app.extensions["celery"].tasks.get(job.task_name or "")
            if task is not None and hasattr(task, "give_up"):
                task.give_up(job.id, job.attempts, JobError("gave_up", attempts=job.attempts, reason=note))
            else:
                jobs.fail(job.id, job.attempts, note)
            done["failed"].append(job.id)
        elif jobs.release_for_retry(job.id, JobError("requeued", reason=note), expect_running_attempt=job.attempts):
            _publish(job.id, done["requeued"])
    if any(done.values()):
        log.warning("watchdog: %s", done)
    return done


def _publish(job_id: int, into: list) -> None:
    job = jobs.get(job_id)
    try:
        jobs.publish(job.id, job.task_name)
    except Exception as exc:  # noqa: BLE001  (the broker is away: the next round tries again)
        log.warning("watchdog could not publish job %s: %s", job_id, exc)
        return
    into.append(job_id)
