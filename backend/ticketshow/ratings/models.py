"""Users' scores for shows they saw (1 to 5; rating again replaces the score)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..database import UTCDateTime
from ..extensions import db


class Rating(db.Model):
    """A user's score (1-5) for a show they saw; rating again replaces it."""

    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        UniqueConstraint("user_id", "show_id", name="uq_ratings_user_show"),
        Index("ix_ratings_show", "show_id", "score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"))
    score: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
