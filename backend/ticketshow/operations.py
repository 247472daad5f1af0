"""Operations endpoints for the admin."""

from __future__ import annotations

from apiflask import APIBlueprint

from . import audit, cache, policy
from .database import immediate_transaction
from .extensions import db

bp = APIBlueprint("operations", __name__, url_prefix="/api/admin", tag="Operations")


@bp.delete("/cache")
@policy.allow(policy.can_flush_cache)
@bp.output({}, status_code=204)
@bp.doc()
def flush_cache():
    """Drop every cached response

    Empties the response cache of public reads; the next reads are built from the database.
    """
    flush_cache_now()
    return ""


def flush_cache_now() -> int:
    """Drop every cached response, then audit it (action "flush", entity "cache", after {deleted_entries}).
    Redis holds no transaction to share, so the row is written once the flush is done."""
    deleted = cache.flush_all()
    with immediate_transaction(db.session):
        audit.record("flush", "cache", None, None, {"deleted_entries": deleted})
    return deleted
