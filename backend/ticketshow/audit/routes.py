"""The audit log, for the admin: read-only (no endpoint changes or deletes its rows)."""

from __future__ import annotations

from apiflask import APIBlueprint

from .. import policy
from . import service
from .schemas import AuditPage, AuditQuery

bp = APIBlueprint("audit", __name__, url_prefix="/api/admin", tag="Staff and audit")


@bp.get("/audit")
@policy.allow(policy.can_read_audit)
@bp.input(AuditQuery, location="query", arg_name="query")
@bp.output(AuditPage)
@bp.doc()
def list_audit(query):
    """Read the audit log

    Who changed what, when and from where: one row per admin or staff write and per check-in, newest first.
    The filters combine; `from` and `to` bound `at`. Rows are never changed or deleted.
    """
    return service.list_entries(
        actor_id=query.get("actor_id"),
        entity=query.get("entity"),
        entity_id=query.get("entity_id"),
        action=query.get("action"),
        since=query.get("from_"),
        until=query.get("to"),
        page=query["page"],
        per_page=query["per_page"],
    )
