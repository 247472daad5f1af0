"""Job status and the admin's list of past jobs (the triggers that run a schedule now live with their domains)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask_jwt_extended import current_user

from .. import policy
from ..auth.guards import auth_required
from . import service
from .schemas import JobOut, JobPage, JobQuery

bp = APIBlueprint("jobs", __name__, url_prefix="/api", tag="Jobs")


@bp.get("/jobs/<int:job_id>")
@auth_required
@bp.output(JobOut)
@bp.doc(responses={404: "`not_found`: no such job, or another user's"})
def get_job(job_id: int):
    """A job's state and progress

    A background job's state (pending, running, done, failed), progress (0..100), and when done its
    `result_url` (exports) or when failed its `error`. For the admin, or the user who started it.
    """
    return service.visible_job(current_user, job_id)


@bp.get("/jobs")
@policy.allow(policy.can_list_jobs)
@bp.input(JobQuery, location="query", arg_name="query")
@bp.output(JobPage)
@bp.doc()
def list_jobs(query):
    """List past jobs

    Background jobs, newest first, one page at a time; `kind` keeps one kind (e.g. `export`). A manager sees
    the jobs they started.
    """
    mine_only = None if policy.is_admin(current_user) else current_user.id  # a manager's own exports
    return service.list_jobs(query.get("kind"), query["page"], query["per_page"], requested_by=mine_only)
