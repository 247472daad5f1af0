from __future__ import annotations

from apiflask import APIBlueprint

from ..auth.guards import admin_required
from . import service
from .schemas import PriceHistoryOut

bp = APIBlueprint("pricing", __name__, url_prefix="/api/admin", tag="Screenings")


@bp.get("/screenings/<int:screening_id>/prices")
@admin_required
@bp.output(PriceHistoryOut)
@bp.doc(operation_id="getPriceHistory")
def price_history(screening_id: int):
    """A screening's price history

    Every move of the screening's current price, newest first, with what moved it and the seats sold then
    (docs/pricing.md).
    """
    return service.price_history(screening_id)
