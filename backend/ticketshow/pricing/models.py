"""The price history: one row per move of a screening's current price (written by repricing.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..database import MoneyColumn, UTCDateTime
from ..extensions import db


class PriceChange(db.Model):
    """One move of a screening's current price, with what moved it: the admin sees the history."""

    __tablename__ = "price_changes"
    __table_args__ = (Index("ix_price_changes_screening", "screening_id", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id", ondelete="CASCADE"))
    price: Mapped[Decimal] = mapped_column(MoneyColumn)
    previous_price: Mapped[Decimal | None] = mapped_column(MoneyColumn)
    reason: Mapped[str] = mapped_column(String(20))
    seats_sold: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
