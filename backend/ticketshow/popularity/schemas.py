from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Dict, Float, Integer, List, Nested, String
from marshmallow import validate

from ..fields import OffsetDateTime


class ForecastQuery(Schema):
    days = Integer(
        load_default=7,
        validate=validate.Range(min=1, max=31),
        metadata={"description": "local days ahead, today included"},
    )


REASON_CODES = [
    "too_little_history",
    "sold",
    "none_sold",
    "when",
    "show_first",
    "show_usual",
    "similar_none",
    "similar",
    "theatre_first",
    "theatre_usual",
    "new_today",
    "new_days",
    "running_weeks",
    "rating",
]
DRIVER_CODES = ["sold", "when", "show", "similar", "theatre", "novelty", "rating"]


class Reason(Schema):
    code = String(
        allow_none=True,
        metadata={
            "description": "what the reason is, stable across languages (popularity/wording.py lists each code's "
            "params); null for forecasts made before codes existed",
            "enum": [*REASON_CODES, None],
            "example": "when",
        },
    )
    params = Dict(
        metadata={
            "description": "the code's parameters: shares 0..1 (share), weekday 0 = Monday, slot (morning, "
            "afternoon, evening, late), tags (names), days, weeks, rating 0..5, finished/needed counts",
            "example": {"weekday": 5, "slot": "evening"},
        }
    )
    label = String(
        metadata={"description": "the reason in words, in the request's language", "example": "Saturday evening"}
    )
    effect = Float(metadata={"description": "occupancy points this reason adds (or takes away)", "example": 12.3})


class ForecastDay(Schema):
    day = String(metadata={"description": "YYYY-MM-DD, local"})
    screenings = Integer()
    seats_total = Integer()
    seats_sold = Integer(metadata={"description": "sold so far"})
    seats_left = Integer(metadata={"description": "can be had now: not sold, not in a live hold, not blocked"})
    predicted_seats = Integer(metadata={"description": "expected to be sold by the start"})


class ForecastShow(Schema):
    id = Integer()
    name = String()


class ForecastTheatre(Schema):
    id = Integer()
    name = String()
    place = String()


class ScreeningForecastOut(Schema):
    screening_id = Integer()
    starts_at = OffsetDateTime()
    show = Nested(ForecastShow)
    theatre = Nested(ForecastTheatre)
    seats_total = Integer()
    seats_sold = Integer()
    seats_left = Integer(metadata={"description": "can be had now: not sold, not in a live hold, not blocked"})
    houseful = Boolean()
    predicted_occupancy = Float(metadata={"description": "0..1"})
    predicted_seats = Integer()
    reasons = List(Nested(Reason), metadata={"description": "the three main reasons, largest first"})


class Driver(Schema):
    code = String(
        allow_none=True,
        metadata={
            "description": "the kind of reason, stable across languages",
            "enum": [*DRIVER_CODES, None],
            "example": "sold",
        },
    )
    label = String(
        metadata={"description": "the kind of reason in words, in the request's language", "example": "Bookings so far"}
    )
    share = Float(metadata={"description": "share of the average movement of forecasts, 0..1"})


class ForecastRunOut(Schema):
    id = Integer()
    started_at = OffsetDateTime()
    finished_at = OffsetDateTime(allow_none=True)
    model = String()
    training_samples = Integer()
    screenings_forecast = Integer()
    validation_mae = Float(allow_none=True, metadata={"description": "on the latest finished screenings, held out"})
    baseline_mae = Float(allow_none=True, metadata={"description": "the show's average so far, same screenings"})
    drivers = List(Nested(Driver))


class ForecastOverviewOut(Schema):
    generated_at = OffsetDateTime()
    days = List(Nested(ForecastDay))
    top = List(Nested(ScreeningForecastOut), metadata={"description": "expected to fill most"})
    bottom = List(Nested(ScreeningForecastOut), metadata={"description": "expected to fill least"})
    last_run = Nested(ForecastRunOut, allow_none=True)
