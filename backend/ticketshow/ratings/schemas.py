"""The users' rating of a show as every answer carries it."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Float, Integer


class UserRatingOut(Schema):
    average = Float(allow_none=True, metadata={"description": "mean score, 1-5; null while nobody rated"})
    count = Integer()
