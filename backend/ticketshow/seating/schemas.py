"""Request and response schemas of seat maps and holds; they validate input and generate /api/openapi.json."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Dict, Integer, List, Nested, String
from flask import current_app
from marshmallow import ValidationError, validate, validates, validates_schema

from ..fields import Money, OffsetDateTime, TrimmedString, local_isoformat, money_out
from ..i18n import _, _l
from ..jsonbody import is_int
from .layouts import MAX_CATEGORIES, MAX_ROW_CELLS, MAX_ROWS, MAX_SEATS

SeatLabel = lambda **kw: String(validate=validate.Length(min=1, max=16), **kw)  # noqa: E731


class CategoryIn(Schema):
    code = String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z0-9][a-z0-9_-]{0,29}$",
            error=_l("Use up to 30 lower-case letters, digits, - and _, such as prime."),
        ),
        metadata={"description": "lower-case letters, digits, - and _", "example": "prime"},
    )
    # one-line text shown on seat maps and tickets: no control, format or bidi characters (fields.TrimmedString)
    name = TrimmedString(required=True, min_length=1, max_length=60, metadata={"example": "Prime"})
    price_pct = Integer(
        strict=True,
        required=True,
        validate=validate.Range(min=10, max=1000),
        metadata={"description": "scales the screening's price for this category (100 = as is)"},
    )


class SeatIn(Schema):
    number = Integer(strict=True, required=True, validate=validate.Range(min=1, max=9999))
    category = String(required=True, validate=validate.Length(min=1, max=30))
    accessible = Boolean(truthy={True}, falsy={False}, metadata={"description": "a wheelchair space"})


class RowIn(Schema):
    label = String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9]{1,4}$", error=_l("Use 1 to 4 letters or digits, such as F or AA.")),
        metadata={"example": "F"},
    )
    seats = List(
        Nested(SeatIn, allow_none=True),
        required=True,
        validate=validate.Length(max=MAX_ROW_CELLS),
        metadata={"description": "left to right as the audience sees the stage; null is a gap (an aisle)"},
    )
    section = TrimmedString(min_length=1, max_length=60, metadata={"description": "e.g. Balcony"})


class LayoutIn(Schema):
    stage = String(validate=validate.OneOf(["screen", "stage"]), metadata={"description": "drawn above row 1"})
    categories = List(Nested(CategoryIn), required=True, validate=validate.Length(min=1, max=MAX_CATEGORIES))
    rows = List(
        Nested(RowIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_ROWS),
        metadata={"description": f"front (nearest the stage) first; at most {MAX_SEATS} seats in all"},
    )


class SeatOut(Schema):
    number = Integer()
    category = String()
    accessible = Boolean()


class RowOut(Schema):
    label = String()
    section = String(metadata={"description": "e.g. Balcony; left out when the row has none", "x-optional": True})
    seats = List(Nested(SeatOut, allow_none=True))


class LayoutOut(Schema):
    theatre_id = Integer()
    stage = String()
    categories = List(Nested(CategoryIn))
    rows = List(Nested(RowOut))
    seat_count = Integer(metadata={"description": "the theatre's capacity"})
    is_default = Boolean(metadata={"description": "generated from the capacity"})


class LayoutSaved(LayoutOut):
    kept_screenings = Integer(
        metadata={"description": "upcoming screenings with sold or held seats that keep their old layout"}
    )


class HoldIn(Schema):
    seats = List(SeatLabel(), validate=validate.Length(max=1000), metadata={"example": ["A5", "A6"]})
    quantity = Integer(
        strict=True,
        metadata={
            "description": "the best available seats (1 to BOOKING_MAX_QUANTITY)",
            "minimum": 1,
            "x-maximum-setting": "BOOKING_MAX_QUANTITY",
        },
    )
    category = String(
        validate=validate.Length(min=1, max=30), metadata={"description": "with quantity: only seats of this category"}
    )

    @validates("quantity")
    def within_limit(self, value, **kwargs):
        # one rule and one message for -1 and for 11 (it said "Between 1 and 1,000" for one, the limit for the other)
        limit = current_app.config["BOOKING_MAX_QUANTITY"]
        if not 1 <= value <= limit:
            raise ValidationError(_("Hold between 1 and %(limit)s seats at a time.", limit=limit))

    @validates_schema
    def one_of(self, data, **kwargs):
        if ("seats" in data) == ("quantity" in data):
            raise ValidationError(_("Send either seats or quantity."), field_name="seats")


def hold_in(body: dict) -> dict | None:
    """HoldIn().load(body) for the bodies a seat picker sends, {quantity[, category]} or {seats}, valid as the
    schema says; None for anything else, which the schema then loads or refuses (jsonbody.shortcut)."""
    keys = body.keys()
    if keys == {"seats"}:
        seats = body["seats"]
        if type(seats) is list and len(seats) <= 1000 and all(type(s) is str and 1 <= len(s) <= 16 for s in seats):
            return {"seats": list(seats)}
        return None
    quantity = body.get("quantity")
    if not (is_int(quantity) and 1 <= quantity <= current_app.config["BOOKING_MAX_QUANTITY"]):
        return None
    if len(keys) == 1:
        return {"quantity": quantity}
    category = body.get("category")
    if len(keys) == 2 and type(category) is str and 1 <= len(category) <= 30:
        return {"quantity": quantity, "category": category}
    return None


class HoldOut(Schema):
    id = Integer()
    screening_id = Integer()
    seats = List(String(), metadata={"description": "labels in layout order"})
    unit_prices = Dict(keys=String(), values=Money(), metadata={"description": "rupees per seat: the quote"})
    total_price = Money()
    expires_at = OffsetDateTime(metadata={"description": "the seats are free again from this moment"})
    renewals_left = Integer()
    state = String(metadata={"enum": ["live", "expired"]})


def hold_out(hold: dict) -> dict:
    """What HoldOut().dump(hold) gives, written out field by field, for POST /api/screenings/{id}/holds and the
    seat map's my_hold: the schema's per-field work was a few per cent of a hold + book pair's CPU
    (docs/benchmarks.md, "Seat holds"). `hold` in the shape seating.service answers (_hold_out). Same keys in
    the same order, money as Decimal to the paisa (rupees), expires_at in APP_TIMEZONE with its offset:
    tests/seating/test_booking_answer.py compares the two, so a field added to HoldOut and not here fails it."""
    expires_at = hold["expires_at"]
    return {
        "id": int(hold["id"]),
        "screening_id": int(hold["screening_id"]),
        "seats": [str(label) for label in hold["seats"]],
        "unit_prices": {str(label): money_out(price) for label, price in hold["unit_prices"].items()},
        "total_price": money_out(hold["total_price"]),
        "expires_at": None if expires_at is None else local_isoformat(expires_at),
        "renewals_left": int(hold["renewals_left"]),
        "state": str(hold["state"]),
    }


class BlockedIn(Schema):
    seats = List(
        SeatLabel(),
        required=True,
        validate=validate.Length(max=MAX_SEATS),
        metadata={"description": "the new blocked set; [] unblocks all"},
    )


class BlockedOut(Schema):
    screening_id = Integer()
    seats = List(String())
    seats_left = Integer()


class MapSeatOut(Schema):
    label = String()
    category = String()
    price = Money()
    state = String(metadata={"enum": ["available", "held", "sold", "blocked", "mine"]})
    accessible = Boolean()


class MapRowOut(Schema):
    label = String()
    section = String(metadata={"description": "e.g. Balcony; left out when the row has none", "x-optional": True})
    seats = List(Nested(MapSeatOut, allow_none=True), metadata={"description": "null is a gap (an aisle)"})


class MapCategoryOut(Schema):
    code = String()
    name = String()
    price_pct = Integer()
    price = Money(metadata={"description": "a seat's price now: price × price_pct / 100, whole rupees"})


class SeatMapOut(Schema):
    screening_id = Integer()
    stage = String()
    categories = List(Nested(MapCategoryOut))
    rows = List(Nested(MapRowOut))
    seats_total = Integer()
    seats_left = Integer(metadata={"description": "not sold, not in a live hold, not blocked"})
    houseful = Boolean()
    on_sale = Boolean(metadata={"description": "false once the screening has started"})
    my_hold = Nested(HoldOut, allow_none=True, metadata={"description": "the caller's live hold, if any"})
