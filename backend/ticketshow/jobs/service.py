"""Job rows: created and enqueued together (or not at all), moved along by the task base, watched over.

A job's life: `enqueue` writes it `pending` and publishes its message; the task base (tasks_base.JobTask)
`begin`s an attempt (running, attempts + 1, heartbeat), records progress and then `finish`es it, or sends it
back to `pending` with a `retry_at` (`retry_later`), or `fail`s it. The watchdog (jobs/tasks.py) requeues
pending jobs that are due or whose message was lost, and running jobs whose heartbeat stopped (the worker
died), or fails them after JOB_MAX_ATTEMPTS. Every write of an attempt is conditional on its attempt
number, so a worker given up for dead cannot overwrite its successor.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import delete, or_, select, update

from .. import audit
from ..clock import utcnow
from ..database import writes
from ..errors import NotFound, QueueUnavailable
from ..extensions import db
from ..i18n import _
from ..pagination import paginate
from .models import DONE, EXPORT, FAILED, PENDING, RUNNING, Job

if TYPE_CHECKING:
    from ..auth.service import Principal  # who is calling (current_user), not a User row

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    """What a job's service call returns: a summary for the job row, and for batches what is still owed.

    owed > 0 (recipients not yet reached, e.g. SMTP was down): the job tries again after the policy's wait
    (retry.py); `failures` names them for the job's error and, after the last attempt, the admin's alert.
    """

    summary: str
    result_path: str | None = None
    owed: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class JobRun:
    """One attempt of a job, as the task base hands it to a task body: its parameters and a progress callback."""

    job_id: int
    kind: str
    attempt: int
    params: dict
    requested_by: int | None
    progress: Progress


def _celery():
    return current_app.extensions["celery"]


@writes
def create(
    kind: str,
    requested_by: int | None,
    params: dict | None = None,
    summary: str | None = None,
    task_name: str | None = None,
) -> Job:
    """A pending job row. One started by someone (not by the schedule) is audited in the same transaction:
    action "start", entity "export" for exports and "job" for the others, after = {kind, params}."""
    job = Job(
        kind=kind,
        state=PENDING,
        progress=0,
        requested_by=requested_by,
        summary=summary,
        task_name=task_name,
        params=json.dumps(params or {}, ensure_ascii=False),
    )
    db.session.add(job)
    db.session.flush()
    if requested_by is not None:
        audit.record("start", _audited_entity(kind), job.id, None, {"kind": kind, "params": params or {}})
    return job


def enqueue(
    kind: str, task_name: str, requested_by: int | None, params: dict | None = None, summary: str | None = None
) -> Job:
    """Create the job row and publish its message. If the broker cannot take the message, the row is
    deleted again and QueueUnavailable (503 queue_unavailable) raised: no job is left pending forever.

    The row is committed first so that a worker picking the message up at once finds it; a crash between
    the two leaves a pending row without a message, which the watchdog publishes again (`lost_messages`).
    """
    job = create(kind, requested_by, params, summary, task_name=task_name)
    try:
        publish(job.id, task_name)
    except Exception as exc:  # kombu's OperationalError, redis' ConnectionError, a timeout: all mean "no queue"
        log.warning("job %s (%s) not queued: %s", job.id, kind, exc)
        _discard(job.id, kind, requested_by)
        raise QueueUnavailable(details={"kind": kind}) from None
    return job


def publish(job_id: int, task_name: str) -> None:
    """Send the job's message (by task name, so nothing here imports the domains that run jobs)."""
    _celery().send_task(task_name, args=[job_id], ignore_result=True)  # results are the job row, never read


def _audited_entity(kind: str) -> str:
    return "export" if kind == EXPORT else "job"


@writes
def _discard(job_id: int, kind: str, requested_by: int | None) -> None:
    """Delete a job whose message could not be sent; its audited start gets a "discard" row (audit rows stay)."""
    deleted = db.session.execute(delete(Job).where(Job.id == job_id, Job.state == PENDING)).rowcount
    if deleted and requested_by is not None:
        audit.record("discard", _audited_entity(kind), job_id, None, {"reason": "queue_unavailable"})


def params_of(job: Job) -> dict:
    return json.loads(job.params or "{}")


def get(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound(_("No such job."), details={"job_id": job_id})
    return job


def visible_job(user: Principal, job_id: int) -> Job:
    """The job if the caller may see it (policy.can_view_job: the admin, or the user who asked); others 404."""
    from .. import policy

    job = get(job_id)
    if not policy.can_view_job(user, job.requested_by):
        raise NotFound(_("No such job."), details={"job_id": job_id})
    return job


def list_jobs(kind: str | None, page: int, per_page: int, requested_by: int | None = None) -> dict:
    """Jobs, newest first; only those `requested_by` started when given (a manager's own exports)."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id.desc())
    if requested_by is not None:
        query = query.where(Job.requested_by == requested_by)
    if kind:
        query = query.where(Job.kind == kind)
    return paginate(query, page, per_page)


def _set(job_id: int, attempt: int | None = None, **values) -> bool:
    """Update the job; with `attempt`, only while that attempt is the running one. True if a row changed."""
    statement = update(Job).where(Job.id == job_id)
    if attempt is not None:
        statement = statement.where(Job.attempts == attempt, Job.state == RUNNING)
    return db.session.execute(statement.values(updated_at=utcnow(), **values)).rowcount == 1


@writes
def begin(job_id: int) -> JobRun | None:
    """Start an attempt: pending (and due) → running, attempts + 1, heartbeat now. None when the job is
    not waiting to run (done, failed, running elsewhere, or a retry not yet due): a duplicate or late
    message (e.g. Redis redelivering a dead worker's message after the watchdog requeued the job)."""
    now = utcnow()
    changed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == PENDING, or_(Job.retry_at.is_(None), Job.retry_at <= now))
        .values(state=RUNNING, attempts=Job.attempts + 1, heartbeat_at=now, retry_at=None, updated_at=now)
    ).rowcount
    if not changed:
        return None
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    attempt, last = job.attempts, {"percent": 0}

    def report(done: int, total: int) -> None:  # one write per percent gained, not per recipient or row
        percent = _percent(done, total)
        if percent > last["percent"]:
            last["percent"] = percent
            progress(job_id, attempt, done, total)

    return JobRun(
        job_id=job.id,
        kind=job.kind,
        attempt=attempt,
        params=params_of(job),
        requested_by=job.requested_by,
        progress=report,
    )


def _percent(done: int, total: int) -> int:
    return 100 if total <= 0 else min(int(done * 100 / total), 99)  # 100 only when finished


@writes
def heartbeat(job_id: int, attempt: int) -> bool:
    return _set(job_id, attempt, heartbeat_at=utcnow())


@writes
def progress(job_id: int, attempt: int, done: int, total: int) -> None:
    _set(job_id, attempt, progress=_percent(done, total), heartbeat_at=utcnow())


@writes
def finish(job_id: int, attempt: int, *, result_path: str | None = None, summary: str | None = None) -> bool:
    return _set(
        job_id,
        attempt,
        state=DONE,
        progress=100,
        result_path=result_path,
        **_summary_values(summary),
        **_error_values(None),
        finished_at=utcnow(),
        heartbeat_at=None,
    )


@writes
def retry_later(job_id: int, attempt: int, at: datetime, note: str, summary: str | None = None) -> bool:
    """Back to pending until `at`; the note (what went wrong, when it tries again; a wording.JobError keeps
    its code) is the job's error."""
    values = dict(state=PENDING, retry_at=at, heartbeat_at=None, **_error_values(note))
    if summary is not None:
        values.update(_summary_values(summary))
    return _set(job_id, attempt, **values)


@writes
def fail(job_id: int, attempt: int | None, error: str, summary: str | None = None) -> bool:
    """Failed for good; `error` (a wording.JobError keeps its code) says why."""
    values = dict(state=FAILED, finished_at=utcnow(), heartbeat_at=None, retry_at=None, **_error_values(error))
    if summary is not None:
        values.update(_summary_values(summary))
    return _set(job_id, attempt, **values)


def _summary_values(summary: str | None) -> dict:
    """The summary columns: the English words, and the code and params when it is a wording.Summary."""
    code = getattr(summary, "code", None)
    params = getattr(summary, "params", None)
    return {
        "summary": str(summary)[:300] if summary is not None else None,
        "summary_code": code,
        "summary_params": json.dumps(params, ensure_ascii=False) if code is not None else None,
    }


def _error_values(error: str | None) -> dict:
    """The error columns: the English words, and the code and params when it is a wording.JobError."""
    code = getattr(error, "code", None)
    return {
        "error": str(error)[:2000] if error is not None else None,
        "error_code": code,
        "error_params": json.dumps(error.params, ensure_ascii=False) if code is not None else None,
    }


# ---- the watchdog's questions and moves ---------------------------------------------------------------


def stale_cutoff(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(minutes=current_app.config["SETTINGS"].job_stale_minutes)


def due_retries(now: datetime | None = None) -> list[int]:
    """Pending jobs whose retry time has come."""
    return list(
        db.session.scalars(
            select(Job.id).where(Job.state == PENDING, Job.retry_at <= (now or utcnow())).order_by(Job.id)
        )
    )


def lost_messages(now: datetime | None = None) -> list[int]:
    """Pending jobs never retried that have waited longer than the stale window: their message was probably
    lost (Redis restarted without it). Publishing again is harmless: `begin` runs a job once."""
    return list(
        db.session.scalars(
            select(Job.id)
            .where(Job.state == PENDING, Job.retry_at.is_(None), Job.updated_at < stale_cutoff(now))
            .order_by(Job.id)
        )
    )


def stale_running(now: datetime | None = None) -> list[Job]:
    """Running jobs whose heartbeat stopped: the worker died (SIGKILL, OOM, power) in the middle."""
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.state == RUNNING, or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale_cutoff(now)))
            .order_by(Job.id)
        )
    )


@writes
def release_for_retry(job_id: int, note: str | None = None, *, expect_running_attempt: int | None = None) -> bool:
    """pending with no retry time (due now), conditional on the state the watchdog saw; True if it won."""
    statement = update(Job).where(Job.id == job_id)
    if expect_running_attempt is not None:
        statement = statement.where(Job.state == RUNNING, Job.attempts == expect_running_attempt)
    else:
        statement = statement.where(Job.state == PENDING)
    values = dict(state=PENDING, retry_at=None, heartbeat_at=None, updated_at=utcnow())
    if note:
        values.update(_error_values(note))
    return db.session.execute(statement.values(**values)).rowcount == 1
