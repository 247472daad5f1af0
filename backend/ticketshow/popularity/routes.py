"""The admin's forecast overview, and the trigger that runs the nightly forecast now."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask_jwt_extended import current_user

from .. import policy
from ..jobs.schemas import QUEUE_UNAVAILABLE, JobAccepted, accepted
from . import service
from .schemas import ForecastOverviewOut, ForecastQuery

bp = APIBlueprint("popularity", __name__, url_prefix="/api/admin", tag="Operations")


@bp.get("/forecast")
@policy.allow(policy.can_view_forecast)
@bp.input(ForecastQuery, location="query", arg_name="query")
@bp.output(ForecastOverviewOut)
@bp.doc(operation_id="getForecast")
def forecast(query):
    """The popularity forecast overview

    Seats expected to sell per day over the next `days` days, the screenings expected to fill most and
    least with their reasons, and the last forecast run (docs/popularity.md).
    """
    return service.forecast_overview(query["days"])


@bp.post("/jobs/forecast")
@policy.allow(policy.can_run_jobs)
@bp.output(JobAccepted, status_code=202)
@bp.doc(tags=["Jobs"], responses=QUEUE_UNAVAILABLE)
def run_forecast():
    """Run the popularity forecast now

    Runs the nightly occupancy forecast as the schedule does, as a background job; follow it at `status_url`.
    """
    from .tasks import enqueue_forecast

    return accepted(enqueue_forecast(requested_by=current_user.id))
