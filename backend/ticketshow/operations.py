"""Operations endpoints for the admin."""
from __future__ import annotations

from apiflask import APIBlueprint

from . import cache
from .auth.guards import admin_required

bp = APIBlueprint("operations", __name__, url_prefix="/api/admin", tag="Operations")


@bp.delete("/cache")
@admin_required
@bp.output({}, status_code=204)
@bp.doc()
def flush_cache():
    """Drop every cached response

    Empties the response cache of public reads; the next reads are built from the database.
    """
    cache.flush_all()
    return ""
