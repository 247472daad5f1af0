"""The admin's forecast overview, and the trigger that runs the nightly forecast now."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask_jwt_extended import current_user

from ..auth.guards import admin_required
from ..jobs.schemas import JobAccepted, accepted
from . import service
from .schemas import ForecastOverviewOut, ForecastQuery

bp = APIBlueprint("popularity", __name__, url_prefix="/api/admin", tag="Operations")


@bp.get("/forecast")
@admin_required
@bp.input(ForecastQuery, location="query", arg_name="query")
@bp.output(ForecastOverviewOut)
@bp.doc(summary="Seats expected per day, the screenings expected to fill most and least with their reasons, "
                "and the last forecast run")
def forecast(query):
    return service.forecast_overview(query["days"])


@bp.post("/jobs/forecast")
@admin_required
@bp.output(JobAccepted, status_code=202)
@bp.doc(summary="Run the nightly popularity forecast now, exactly as the schedule does", tags=["Jobs"])
def run_forecast():
    from .tasks import enqueue_forecast

    return accepted(enqueue_forecast(requested_by=current_user.id))
