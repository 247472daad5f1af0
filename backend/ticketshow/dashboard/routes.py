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
@bp.doc(summary="Bookings, revenue and occupancy per theatre and per show, and bookings per day")
def dashboard(query):
    return service.dashboard(query["days"])
