from __future__ import annotations

from apiflask import APIBlueprint

from ..auth.guards import admin_required
from . import service
from .schemas import DashboardOut, DashboardQuery

bp = APIBlueprint("dashboard", __name__, url_prefix="/api/admin", tag="Operations")


@bp.get("/dashboard")
@admin_required
@bp.input(DashboardQuery, location="query", arg_name="query")
@bp.output(DashboardOut)
@bp.doc(operation_id="getDashboard")
def dashboard(query):
    """The admin dashboard's figures

    Bookings, revenue (rupees) and occupancy per theatre and per show, and bookings per day over the last
    `days` days.
    """
    return service.dashboard(query["days"])
