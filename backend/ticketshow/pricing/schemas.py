from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, List, Nested, String

from ..catalog.schemas import DynamicPricingOut
from ..fields import Money, OffsetDateTime


class PriceChangeOut(Schema):
    changed_at = OffsetDateTime()
    price = Money()
    previous_price = Money(allow_none=True)
    reason = String(metadata={"description": "booking, cancellation, time, settings, admin, capacity or created"})
    seats_sold = Integer(metadata={"description": "seats sold when the price moved"})


class PriceHistoryOut(Schema):
    screening_id = Integer()
    base_price = Money()
    price = Money()
    price_trend = String(metadata={"enum": ["rising", "falling", "steady"]})
    dynamic_pricing = Nested(DynamicPricingOut)
    changes = List(Nested(PriceChangeOut), metadata={"description": "newest first, at most 500"})
