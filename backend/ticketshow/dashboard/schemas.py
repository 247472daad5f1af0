from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Float, Integer, List, Nested, String
from marshmallow import validate

from ..fields import Money, OffsetDateTime
from ..ratings.schemas import UserRatingOut
from ..waitlist.schemas import DashboardWaitlist


class DashboardQuery(Schema):
    days = Integer(load_default=30, validate=validate.Range(min=1, max=366))


class Totals(Schema):
    bookings = Integer()
    tickets = Integer()
    revenue = Money()
    cancellations = Integer()
    users = Integer()
    theatres = Integer()
    shows = Integer()
    upcoming_screenings = Integer()


class Figures(Schema):
    id = Integer()
    name = String()
    bookings = Integer()
    tickets = Integer()
    revenue = Money()
    seats = Integer(metadata={"description": "seats offered by screenings in the window"})
    occupancy = Float(metadata={"description": "seats sold / seats offered, 0..1"})


class TheatreFigures(Figures):
    place = String()


class ShowFigures(Figures):
    user_rating = Nested(UserRatingOut)


class Day(Schema):
    day = String(metadata={"description": "YYYY-MM-DD, local"})
    bookings = Integer()
    tickets = Integer()
    revenue = Money()


class DashboardOut(Schema):
    since = OffsetDateTime()
    until = OffsetDateTime()
    totals = Nested(Totals)
    per_theatre = List(Nested(TheatreFigures))
    per_show = List(Nested(ShowFigures))
    over_time = List(Nested(Day))
    top_shows = List(Nested(ShowFigures))
    waitlists = List(
        Nested(DashboardWaitlist),
        metadata={
            "description": "the waiting lists of live screenings starting in the occupancy window that anyone "
            "ever waited for, longest first (at most 200)"
        },
    )
