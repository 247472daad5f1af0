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

    Who changed what, when and from where: one row per admin or staff write and per check-in. The filters
    combine; `from` and `to` bound `at`. Rows are never changed or deleted.

    `sort` (the admin's audit table, issue 16): `-at` newest first (the default, the order this list always
    had: rows are numbered in commit order), `at` oldest first, `actor` by the actor's username A to Z (the
    system's rows last), `entity` (then its id) or `action` A to Z. Ties are newest first (by id), so pages
    never overlap. An unknown `sort` is 422 `validation_error` naming the keys.
    """
    return service.list_entries(
        actor_id=query.get("actor_id"),
        entity=query.get("entity"),
        entity_id=query.get("entity_id"),
        action=query.get("action"),
        since=query.get("from_"),
        until=query.get("to"),
        sort=query["sort"],
        page=query["page"],
        per_page=query["per_page"],
    )
