from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Float, Integer, List, Nested, String
from marshmallow import validate

from ..fields import OffsetDateTime


class ForecastQuery(Schema):
    days = Integer(
        load_default=7,
        validate=validate.Range(min=1, max=31),
        metadata={"description": "local days ahead, today included"},
    )


class Reason(Schema):
    label = String(metadata={"example": "Saturday evening"})
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
    label = String()
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
