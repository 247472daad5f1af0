"""Job status, the admin's list of past jobs, and the admin triggers that run a schedule now."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask_jwt_extended import current_user

from ..auth.guards import admin_required, auth_required
from . import clock, service
from .schemas import DailyRemindersIn, JobAccepted, JobOut, JobPage, JobQuery, MonthlyReportsIn, accepted

bp = APIBlueprint("jobs", __name__, url_prefix="/api", tag="Jobs")


@bp.get("/jobs/<int:job_id>")
@auth_required
@bp.output(JobOut)
@bp.doc(summary="A job's state and progress (the admin, or the user who asked)", responses={404: "No such job"})
def get_job(job_id: int):
    return service.visible_job(current_user, job_id)


@bp.get("/jobs")
@admin_required
@bp.input(JobQuery, location="query", arg_name="query")
@bp.output(JobPage)
@bp.doc(summary="Past jobs, newest first (e.g. ?kind=export for past exports)")
def list_jobs(query):
    return service.list_jobs(query.get("kind"), query["page"], query["per_page"])


@bp.post("/admin/jobs/daily-reminders")
@admin_required
@bp.input(DailyRemindersIn, arg_name="data")
@bp.output(JobAccepted, status_code=202)
@bp.doc(summary="Send the daily reminder now, exactly as the schedule does",
        responses={422: "Bad date (YYYY-MM-DD)"})
def run_daily_reminders(data):
    from ..notifications.tasks import enqueue_daily_reminders

    day = clock.parse_day(data["date"]) if data.get("date") else clock.local_now().date()
    return accepted(enqueue_daily_reminders(day, requested_by=current_user.id))


@bp.post("/admin/jobs/monthly-reports")
@admin_required
@bp.input(MonthlyReportsIn, arg_name="data")
@bp.output(JobAccepted, status_code=202)
@bp.doc(summary="Send every user's report for a month now, exactly as the schedule does on the 1st",
        responses={422: "Bad month (YYYY-MM)"})
def run_monthly_reports(data):
    from ..reports.tasks import enqueue_monthly_reports

    return accepted(enqueue_monthly_reports(clock.month_start(data["month"]), requested_by=current_user.id))
