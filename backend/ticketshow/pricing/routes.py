from __future__ import annotations

from apiflask import APIBlueprint

from ..auth.guards import admin_required
from . import service
from .schemas import PriceHistoryOut

bp = APIBlueprint("pricing", __name__, url_prefix="/api/admin", tag="Screenings")


@bp.get("/screenings/<int:screening_id>/prices")
@admin_required
@bp.output(PriceHistoryOut)
@bp.doc(summary="A screening's price history: every move of its current price and what moved it")
def price_history(screening_id: int):
    return service.price_history(screening_id)
