"""What the nightly forecast leaves for the web to read: one row per upcoming screening, one per show
and theatre, and one per run (what was trained, how well it did)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..database import UTCDateTime
from ..extensions import db

SHOW = "show"
THEATRE = "theatre"


class ScreeningForecast(db.Model):
    __tablename__ = "screening_forecasts"
    __table_args__ = (CheckConstraint("predicted_occupancy BETWEEN 0 AND 1", name="occupancy_range"),)

    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id", ondelete="CASCADE"), primary_key=True)
    predicted_occupancy: Mapped[float] = mapped_column(Float)
    # JSON list of {"label": "Saturday evening", "effect": 12.3}: effect in occupancy points, biggest first.
    reasons: Mapped[str] = mapped_column(Text, default="[]")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PopularityScore(db.Model):
    """A show's or a theatre's popularity: only subjects with upcoming screenings have a row."""

    __tablename__ = "popularity_scores"
    __table_args__ = (
        CheckConstraint("kind IN ('show', 'theatre')", name="kind_known"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),
    )

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    trending: Mapped[bool] = mapped_column(Boolean, default=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForecastRun(db.Model):
    __tablename__ = "forecast_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    training_samples: Mapped[int] = mapped_column(Integer, default=0)
    screenings_forecast: Mapped[int] = mapped_column(Integer, default=0)
    model: Mapped[str] = mapped_column(String(200))
    # On the most recent finished screenings, held out of a first fit (null with too little history).
    validation_mae: Mapped[float | None] = mapped_column(Float)
    baseline_mae: Mapped[float | None] = mapped_column(Float)
    # JSON list of {"label": ..., "share": 0..1}: how much each kind of reason moves forecasts on average.
    feature_importances: Mapped[str] = mapped_column(Text, default="[]")
