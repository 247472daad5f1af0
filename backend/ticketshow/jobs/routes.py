"""Job status, the admin's list of past jobs, and the admin triggers that run a schedule now."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask_jwt_extended import current_user

from .. import policy
from ..auth.guards import auth_required
from . import clock, service
from .schemas import (QUEUE_UNAVAILABLE, DailyRemindersIn, JobAccepted, JobOut, JobPage, JobQuery, MonthlyReportsIn,
                      accepted)

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


@bp.post("/admin/jobs/daily-reminders")
@policy.allow(policy.can_run_jobs)
@bp.input(DailyRemindersIn, arg_name="data")
@bp.output(JobAccepted, status_code=202)
@bp.doc(responses={422: "`validation_error`: bad date (YYYY-MM-DD), named in `details.date`", **QUEUE_UNAVAILABLE})
def run_daily_reminders(data):
    """Send the daily reminders now

    Runs the daily reminder as the schedule does, for `date` (default today in APP_TIMEZONE): every user
    with reminders on who neither visited nor booked that day gets one; nobody gets two for a day.
    """
    from ..notifications.tasks import enqueue_daily_reminders

    day = clock.parse_day(data["date"]) if data.get("date") else clock.local_now().date()
    return accepted(enqueue_daily_reminders(day, requested_by=current_user.id))


@bp.post("/admin/jobs/monthly-reports")
@policy.allow(policy.can_run_jobs)
@bp.input(MonthlyReportsIn, arg_name="data")
@bp.output(JobAccepted, status_code=202)
@bp.doc(responses={422: "`validation_error`: bad month (YYYY-MM, from 2000), named in `details.month`", **QUEUE_UNAVAILABLE})
def run_monthly_reports(data):
    """Send the monthly reports now

    Sends every user's report for `month` as the schedule does on the 1st; nobody gets two reports for the
    same month, and users with nothing in the month get none.
    """
    from ..reports.tasks import enqueue_monthly_reports

    return accepted(enqueue_monthly_reports(clock.month_start(data["month"]), requested_by=current_user.id))
