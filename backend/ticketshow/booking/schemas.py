from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Dict, Integer, List, Nested, String
from flask import current_app
from marshmallow import ValidationError, validate, validates, validates_schema

from ..catalog.schemas import TheatreRef
from ..fields import MAX_ROW_ID, Money, MoneyIn, OffsetDateTime, RowId, local_isoformat, money_out
from ..i18n import _
from ..jsonbody import is_int
from ..pagination import PageQuery, page_schema
from ..ratings.schemas import UserRatingOut


class BookingIn(Schema):
    """Either {hold_id} (the held seats at the held prices) or {screening_id, quantity} (the best available)."""

    hold_id = RowId(strict=True, metadata={"description": "book exactly this hold's seats at its prices"})
    expected_total_price = MoneyIn(
        metadata={"description": "with hold_id: the total the user was shown; 409 price_changed if it differs"}
    )
    screening_id = RowId(strict=True, metadata={"description": "with quantity: the best available seats"})
    quantity = Integer(
        strict=True,
        metadata={
            "description": "with screening_id: 1 to the per-booking limit (BOOKING_MAX_QUANTITY)",
            "minimum": 1,
            "x-maximum-setting": "BOOKING_MAX_QUANTITY",
        },
    )
    expected_unit_price = MoneyIn(metadata={"description": "the price the user was shown; 409 price_changed if moved"})

    @validates("quantity")
    def within_limit(self, value, **kwargs):
        limit = current_app.config["BOOKING_MAX_QUANTITY"]
        if not 1 <= value <= limit:
            raise ValidationError(_("Book between 1 and %(limit)s seats at a time.", limit=limit))

    @validates_schema
    def hold_or_quantity(self, data, **kwargs):
        if "hold_id" in data:
            # a hold books its own seats: a quantity beside it was silently ignored (201), so say it is one or the other
            extra = sorted(name for name in ("screening_id", "quantity", "expected_unit_price") if name in data)
            if extra:
                raise ValidationError(
                    {name: [_("Send either hold_id or screening_id and quantity.")] for name in extra}
                )
            return
        missing = {
            name: ["Missing data for required field."] for name in ("screening_id", "quantity") if name not in data
        }
        if missing:
            raise ValidationError(missing)


def booking_in(body: dict) -> dict | None:
    """BookingIn().load(body) for the bodies the app sends, {hold_id} or {screening_id, quantity}, valid as the
    schema says; None for anything else, which the schema then loads or refuses (jsonbody.shortcut)."""
    keys = body.keys()
    if keys == {"hold_id"}:
        hold_id = body["hold_id"]
        return {"hold_id": hold_id} if is_int(hold_id) and 1 <= hold_id <= MAX_ROW_ID else None
    if keys == {"screening_id", "quantity"}:
        screening_id, quantity = body["screening_id"], body["quantity"]
        if (
            is_int(screening_id)
            and 1 <= screening_id <= MAX_ROW_ID
            and is_int(quantity)
            and 1 <= quantity <= current_app.config["BOOKING_MAX_QUANTITY"]
        ):
            return {"screening_id": screening_id, "quantity": quantity}
    return None


class BookedShowRef(Schema):
    id = Integer()
    name = String()
    image_url = String(allow_none=True)


class BookedScreening(Schema):
    id = Integer()
    starts_at = OffsetDateTime()
    show = Nested(BookedShowRef)
    theatre = Nested(TheatreRef)


class BookingOut(Schema):
    id = Integer()
    user_id = Integer()
    screening = Nested(BookedScreening)
    quantity = Integer()
    unit_price = Money()
    total_price = Money()
    status = String(metadata={"enum": ["confirmed", "cancelled"]})
    seat_numbers = List(Integer(), metadata={"description": "positions of the seats in the layout's order"})
    seats = List(String(), metadata={"description": 'seat labels, e.g. ["A5", "A6"]'})
    seat_prices = Dict(keys=String(), values=Money(), metadata={"description": "rupees per seat"})
    created_at = OffsetDateTime()
    cancelled_at = OffsetDateTime(allow_none=True)
    cancel_reason = String(allow_none=True)
    can_cancel = Boolean(metadata={"description": "confirmed and before the cancellation cutoff"})
    can_rate = Boolean(metadata={"description": "confirmed and the screening has started"})
    my_rating = Integer(allow_none=True, metadata={"description": "the owner's score for the show, if any"})


def booking_out(booking: dict) -> dict:
    """What BookingOut().dump(booking) gives, written out field by field for POST /api/bookings: the schema's
    generic per-field work was the largest part of dumping a booking, itself ~5 % of a hold + book pair's CPU
    (docs/benchmarks.md, "Seat holds"). `booking` is a dict in the shape booking.service answers (_sell,
    _answer). Same keys in the same order, money as Decimal to the paisa (rupees), times in APP_TIMEZONE with
    their offset: tests/seating/test_booking_answer.py compares the two, field names included, so a field
    added to BookingOut and not here fails it."""
    screening = booking["screening"]
    show, theatre = screening["show"], screening["theatre"]
    cancelled_at, rating = booking["cancelled_at"], booking["my_rating"]
    return {
        "id": int(booking["id"]),
        "user_id": int(booking["user_id"]),
        "screening": {
            "id": int(screening["id"]),
            "starts_at": local_isoformat(screening["starts_at"]),
            "show": {
                "id": int(show["id"]),
                "name": _text(show["name"]),
                "image_url": _text(show["image_url"]),
            },
            "theatre": {"id": int(theatre["id"]), "name": _text(theatre["name"]), "place": _text(theatre["place"])},
        },
        "quantity": int(booking["quantity"]),
        "unit_price": money_out(booking["unit_price"]),
        "total_price": money_out(booking["total_price"]),
        "status": _text(booking["status"]),
        "seat_numbers": [int(number) for number in booking["seat_numbers"]],
        "seats": [str(label) for label in booking["seats"]],
        "seat_prices": {str(label): money_out(price) for label, price in booking["seat_prices"].items()},
        "created_at": local_isoformat(booking["created_at"]),
        "cancelled_at": None if cancelled_at is None else local_isoformat(cancelled_at),
        "cancel_reason": _text(booking["cancel_reason"]),
        "can_cancel": bool(booking["can_cancel"]),
        "can_rate": bool(booking["can_rate"]),
        "my_rating": None if rating is None else int(rating),
    }


def _text(value) -> str | None:
    return None if value is None else str(value)


class BookingQuery(PageQuery):
    user_id = RowId(metadata={"description": "admin only: one user's bookings"})
    when = String(validate=validate.OneOf(["upcoming", "past"]))
    status = String(validate=validate.OneOf(["confirmed", "cancelled"]))


class TheatreBookingQuery(BookingQuery):
    user_id = RowId(metadata={"description": "one customer's bookings"})
    sort = String(
        validate=validate.OneOf(["starts_at", "-starts_at", "-created_at", "created_at", "-total_price", "customer"]),
        metadata={
            "description": "starts_at / -starts_at (the screening's start, soonest / latest first), -created_at / "
            "created_at (booked newest / oldest first), -total_price (largest first), customer (username A to "
            "Z); ties by id. Default: by `when` (upcoming: starts_at; past: -starts_at; else -created_at). "
            "Anything else: 422"
        },
    )


class CustomerRef(Schema):
    id = Integer()
    username = String()


class TheatreBookingOut(BookingOut):
    customer = Nested(CustomerRef, metadata={"description": "who booked"})


class RatingIn(Schema):
    score = Integer(strict=True, required=True, validate=validate.Range(min=1, max=5))


class RatingOut(Schema):
    show_id = Integer()
    score = Integer()
    user_rating = Nested(UserRatingOut)


BookingPage = page_schema(BookingOut, "BookingPage")
TheatreBookingPage = page_schema(TheatreBookingOut, "TheatreBookingPage")
