from __future__ import annotations

from apiflask import APIBlueprint
from flask_jwt_extended import current_user

from .. import policy
from . import service
from .schemas import DashboardOut, DashboardQuery

bp = APIBlueprint("dashboard", __name__, url_prefix="/api/admin", tag="Operations")


@bp.get("/dashboard")
@policy.allow(policy.can_view_dashboard)
@bp.input(DashboardQuery, location="query", arg_name="query")
@bp.output(DashboardOut)
@bp.doc(operation_id="getDashboard")
def dashboard(query):
    """The admin dashboard's figures

    Bookings, revenue (rupees) and occupancy per theatre and per show, bookings per day over the last
    `days` days, and the waiting lists of the window's screenings in figures (`waitlists`: entries waiting,
    seats wanted, offers out, offers made, offers booked). A manager's cover the theatres assigned to them.
    """
    return service.dashboard(query["days"], theatre_ids=policy.visible_theatres(current_user))
