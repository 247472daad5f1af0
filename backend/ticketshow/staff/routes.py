"""Staff roles, for the admin: who manages or scans at which theatres."""

from __future__ import annotations

from apiflask import APIBlueprint

from .. import policy
from . import service
from .schemas import StaffIn, StaffOut, StaffPage, StaffQuery

bp = APIBlueprint("staff", __name__, url_prefix="/api/admin", tag="Staff and audit")


@bp.put("/staff/<int:user_id>")
@policy.allow(policy.can_manage_staff)
@bp.input(StaffIn, arg_name="data")
@bp.output(StaffOut)
@bp.doc(
    responses={
        404: "`not_found`: no such user",
        409: "`admin_role`: the user is an admin",
        422: "Unknown or removed theatres, none for a manager or scanner, or some for a user (`details.theatre_ids`)",
    }
)
def put_staff(user_id: int, data):
    """Set a user's staff role

    Makes the user a manager or scanner of `theatre_ids` (replacing their theatres), or a plain user again
    (`role: "user"`, `theatre_ids: []`). Effective on their next request. Audited (`grant` / `revoke`).
    """
    return service.set_role(user_id, data["role"], data["theatre_ids"])


@bp.get("/staff")
@policy.allow(policy.can_manage_staff)
@bp.input(StaffQuery, location="query", arg_name="query")
@bp.output(StaffPage)
@bp.doc()
def list_staff(query):
    """List staff, or find users

    Admins, managers and scanners, with their theatres; with `q`, any user whose username contains it, or
    a look-alike of it (to grant a role). `role` and `theatre_id` narrow the list.

    `sort` (the admin's staff table, issue 16): `username` A to Z (case-mapped; the default, the order this
    list always had), `-username` Z to A, `role` (admins, managers, scanners, then users; each A to Z),
    `-created_at` newest accounts first. Ties are broken by id, so pages never overlap. An unknown `sort`
    is 422 `validation_error` naming the keys.
    """
    return service.list_staff(
        q=query.get("q"),
        role=query.get("role"),
        theatre_id=query.get("theatre_id"),
        sort=query["sort"],
        page=query["page"],
        per_page=query["per_page"],
    )
