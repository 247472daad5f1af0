from __future__ import annotations

from apiflask import APIBlueprint

from .. import policy
from . import service
from .schemas import PriceHistoryOut

bp = APIBlueprint("pricing", __name__, url_prefix="/api/admin", tag="Screenings")


@bp.get("/screenings/<int:screening_id>/prices")
@policy.allow(policy.can_manage_theatre, theatre=policy.theatre_of_screening)
@bp.output(PriceHistoryOut)
@bp.doc(operation_id="getPriceHistory")
def price_history(screening_id: int):
    """A screening's price history

    Every move of the screening's current price, newest first, with what moved it and the seats sold then
    (docs/pricing.md).
    """
    return service.price_history(screening_id)
