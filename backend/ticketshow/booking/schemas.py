from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, Nested, String
from flask import current_app
from marshmallow import ValidationError, validate, validates

from ..catalog.schemas import TheatreRef, UserRatingOut
from ..fields import Money, MoneyIn, OffsetDateTime, RowId
from ..pagination import PageQuery, page_schema


class BookingIn(Schema):
    screening_id = RowId(strict=True, required=True)
    quantity = Integer(strict=True, required=True, metadata={
        "description": "1 to the per-booking limit (BOOKING_MAX_QUANTITY)", "minimum": 1,
        "x-maximum-setting": "BOOKING_MAX_QUANTITY"})
    expected_unit_price = MoneyIn(metadata={"description": "the price the user was shown; 409 price_changed if moved"})

    @validates("quantity")
    def within_limit(self, value, **kwargs):
        limit = current_app.config["BOOKING_MAX_QUANTITY"]
        if not 1 <= value <= limit:
            raise ValidationError(f"Book between 1 and {limit} seats at a time.")


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
    seat_numbers = List(Integer())
    created_at = OffsetDateTime()
    cancelled_at = OffsetDateTime(allow_none=True)
    cancel_reason = String(allow_none=True)
    can_cancel = Boolean(metadata={"description": "confirmed and before the cancellation cutoff"})
    can_rate = Boolean(metadata={"description": "confirmed and the screening has started"})
    my_rating = Integer(allow_none=True, metadata={"description": "the owner's score for the show, if any"})


class BookingQuery(PageQuery):
    user_id = RowId(metadata={"description": "admin, or with theatre_id its staff: one user's bookings"})
    theatre_id = RowId(metadata={"description": "the admin or a manager of the theatre: its bookings (403 for others)"})
    when = String(validate=validate.OneOf(["upcoming", "past"]))
    status = String(validate=validate.OneOf(["confirmed", "cancelled"]))


class RatingIn(Schema):
    score = Integer(strict=True, required=True, validate=validate.Range(min=1, max=5))


class RatingOut(Schema):
    show_id = Integer()
    score = Integer()
    user_rating = Nested(UserRatingOut)


BookingPage = page_schema(BookingOut, "BookingPage")
