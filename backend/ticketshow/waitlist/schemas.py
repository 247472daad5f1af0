"""Request and response schemas of the waiting list; they validate input and generate /api/openapi.json."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Dict, Integer, List, Nested, String
from flask import current_app
from marshmallow import ValidationError, validates

from ..fields import Money, OffsetDateTime
from ..i18n import _
from .models import STATES


class JoinIn(Schema):
    quantity = Integer(
        strict=True,
        required=True,
        metadata={
            "description": "seats wanted together: 1 to the per-booking limit (BOOKING_MAX_QUANTITY)",
            "minimum": 1,
            "x-maximum-setting": "BOOKING_MAX_QUANTITY",
        },
    )

    @validates("quantity")
    def within_limit(self, value, **kwargs):
        limit = current_app.config["BOOKING_MAX_QUANTITY"]
        if not 1 <= value <= limit:
            raise ValidationError(_("Wait for between 1 and %(limit)s seats.", limit=limit))


class OfferHoldOut(Schema):
    id = Integer(metadata={"description": "book it with POST /api/bookings {hold_id}"})
    seats = List(String(), metadata={"description": "labels in layout order"})
    unit_prices = Dict(keys=String(), values=Money(), metadata={"description": "rupees per seat: the quote"})
    total_price = Money()
    expires_at = OffsetDateTime(metadata={"description": "the offer lapses at this moment"})


class _Named(Schema):
    id = Integer()
    name = String()


class _Theatre(Schema):
    id = Integer()
    name = String()
    place = String()


class EntryScreening(Schema):
    id = Integer()
    starts_at = OffsetDateTime()
    show = Nested(_Named)
    theatre = Nested(_Theatre)


class EntryOut(Schema):
    id = Integer()
    screening_id = Integer()
    quantity = Integer()
    state = String(
        metadata={
            "enum": list(STATES),
            "description": "waiting → offered → booked, or expired "
            "(the offer lapsed), declined, left, closed "
            "(the list closed without seats for it, or the screening was removed)",
        }
    )
    position = Integer(allow_none=True, metadata={"description": "1 = next in line; only while waiting"})
    hold = Nested(OfferHoldOut, allow_none=True, metadata={"description": "the offer, while offered"})
    booking_id = Integer(allow_none=True)
    created_at = OffsetDateTime()
    screening = Nested(EntryScreening, allow_none=True)


class EntryList(Schema):
    items = List(Nested(EntryOut))
    total = Integer()


class WaitlistStatusOut(Schema):
    screening_id = Integer()
    length = Integer(metadata={"description": "entries waiting now"})
    my_entry = Nested(EntryOut, allow_none=True, metadata={"description": "the caller's active entry"})


class _Figures(Schema):
    """A screening's waiting list in figures, for staff (service.screening_figures)."""

    length = Integer(metadata={"description": "entries waiting now"})
    seats_wanted = Integer(metadata={"description": "seats the waiting entries ask for, summed"})
    offers_out = Integer(metadata={"description": "offers open now (a live hold, not yet booked)"})
    offers_made = Integer(metadata={"description": "offers ever made: open, booked, lapsed or declined"})
    conversions = Integer(metadata={"description": "offers booked"})


class WaitlistFiguresOut(_Figures):
    screening_id = Integer()


class DashboardWaitlist(_Figures):
    screening_id = Integer()
    starts_at = OffsetDateTime()
    show = Nested(_Named)
    theatre = Nested(_Theatre)
