"""The admin trigger that sends the daily reminders now (the schedule sends them every evening)."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import String
from flask_jwt_extended import current_user

from .. import clock, policy
from ..jobs.schemas import QUEUE_UNAVAILABLE, JobAccepted, accepted
from .tasks import enqueue_daily_reminders

bp = APIBlueprint("notifications", __name__, url_prefix="/api", tag="Jobs")


class DailyRemindersIn(Schema):
    date = String(
        metadata={
            "description": "YYYY-MM-DD, years 2000 to 2100; default today in APP_TIMEZONE",
            "format": "date",
            "example": "2026-12-01",
        }
    )


@bp.post("/admin/jobs/daily-reminders")
@policy.allow(policy.can_run_jobs)
@bp.input(DailyRemindersIn, arg_name="data")
@bp.output(JobAccepted, status_code=202)
@bp.doc(
    responses={
        422: "`validation_error`: bad date (YYYY-MM-DD, years 2000 to 2100), named in `details.date`",
        **QUEUE_UNAVAILABLE,
    }
)
def run_daily_reminders(data):
    """Send the daily reminders now

    Runs the daily reminder as the schedule does, for `date` (default today in APP_TIMEZONE): every user
    with reminders on who neither visited nor booked that day gets one; nobody gets two for a day.
    """
    day = clock.parse_day(data["date"]) if data.get("date") else clock.local_now().date()
    return accepted(enqueue_daily_reminders(day, requested_by=current_user.id))
