"""Job rows: created by the route that enqueues, moved along by the task that runs."""
from __future__ import annotations

import json

from sqlalchemy import select, update

from ..database import utcnow, writes
from ..errors import NotFound
from ..extensions import db
from ..pagination import paginate
from .models import DONE, FAILED, PENDING, RUNNING, Job


@writes
def create(kind: str, requested_by: int | None, params: dict | None = None, summary: str | None = None) -> Job:
    job = Job(kind=kind, state=PENDING, progress=0, requested_by=requested_by, summary=summary,
              params=json.dumps(params or {}, ensure_ascii=False))
    db.session.add(job)
    db.session.flush()
    return job


def params_of(job: Job) -> dict:
    return json.loads(job.params or "{}")


def get(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("No such job.", details={"job_id": job_id})
    return job


def visible_job(user, job_id: int) -> Job:
    """The job if the caller may see it: the admin, or the user who asked. Others get a 404."""
    job = get(job_id)
    if not user.is_admin and job.requested_by != user.id:
        raise NotFound("No such job.", details={"job_id": job_id})
    return job


def list_jobs(kind: str | None, page: int, per_page: int) -> dict:
    query = select(Job).order_by(Job.created_at.desc(), Job.id.desc())
    if kind:
        query = query.where(Job.kind == kind)
    return paginate(query, page, per_page)


def _set(job_id: int, **values) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(updated_at=utcnow(), **values))


@writes
def start(job_id: int) -> None:
    # A retried task starts again: running, not yet failed, whatever the last attempt left.
    _set(job_id, state=RUNNING, error=None)


@writes
def progress(job_id: int, done: int, total: int) -> None:
    percent = 100 if total <= 0 else min(int(done * 100 / total), 99)  # 100 only when finished
    _set(job_id, progress=percent)


@writes
def finish(job_id: int, *, result_path: str | None = None, summary: str | None = None) -> None:
    _set(job_id, state=DONE, progress=100, result_path=result_path, summary=summary, finished_at=utcnow())


@writes
def note_error(job_id: int, error: str) -> None:
    _set(job_id, error=error[:2000])


@writes
def fail(job_id: int, error: str) -> None:
    _set(job_id, state=FAILED, error=error[:2000], finished_at=utcnow())
