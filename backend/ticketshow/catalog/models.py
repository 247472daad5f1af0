"""Theatres, shows and screenings. Rows are soft-removed (removed_at) so past bookings keep their history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import MoneyColumn, UTCDateTime
from ..extensions import db
from . import images


class Theatre(db.Model):
    __tablename__ = "theatres"
    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 10000", name="capacity_range"),
        Index(
            "uq_theatres_live_name_place",
            "name_folded",
            "place_folded",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(120))
    place_folded: Mapped[str] = mapped_column(String(120), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    caption: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int] = mapped_column(Integer)
    image_path: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    popularity = None

    @property
    def image_url(self) -> str | None:
        return images.url(self.image_path)


class Show(db.Model):
    __tablename__ = "shows"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 0 AND 5", name="rating_range"),
        CheckConstraint("ticket_price >= 0", name="price_non_negative"),
        CheckConstraint(
            "price_floor_pct BETWEEN 10 AND 100 AND price_ceiling_pct BETWEEN 100 AND 500",
            name="dynamic_pricing_bounds",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(120), index=True)
    caption: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[float] = mapped_column(Float, default=0)
    ticket_price: Mapped[Decimal] = mapped_column(MoneyColumn)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(60))
    # Search (catalog/search.py): other spellings the admin gave, one per line; the romanised name; and what
    # the full-text index show_search reads besides the visible fields (kept in step by triggers).
    aliases: Mapped[str | None] = mapped_column(Text)
    name_romanised: Mapped[str | None] = mapped_column(String(300))
    search_keys: Mapped[str | None] = mapped_column(Text)
    image_path: Mapped[str | None] = mapped_column(String(200))
    # Dynamic pricing (off by default): screenings' prices move between these shares of their base price.
    dynamic_pricing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    price_floor_pct: Mapped[int] = mapped_column(Integer, default=80, server_default=text("80"))
    price_ceiling_pct: Mapped[int] = mapped_column(Integer, default=150, server_default=text("150"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Filled by the catalogue service for responses (one grouped query per page, never per row).
    user_rating = {"average": None, "count": 0}
    popularity = None
    trending = False
    price_from = None  # the lowest current price of its upcoming screenings (catalog.service.prices_from)

    tag_rows: Mapped[list[ShowTag]] = relationship(
        back_populates="show", cascade="all, delete-orphan", order_by="ShowTag.position", lazy="selectin"
    )

    @property
    def dynamic_pricing_settings(self) -> dict:
        return {
            "enabled": self.dynamic_pricing,
            "floor_pct": self.price_floor_pct,
            "ceiling_pct": self.price_ceiling_pct,
        }

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]

    @property
    def alias_list(self) -> list[str]:
        return [line for line in (self.aliases or "").split("\n") if line]

    @property
    def image_url(self) -> str | None:
        return images.url(self.image_path)


class ShowTag(db.Model):
    __tablename__ = "show_tags"

    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    show: Mapped[Show] = relationship(back_populates="tag_rows")

    __table_args__ = (Index("ix_show_tags_tag", "tag", "show_id"),)


class Screening(db.Model):
    """A show at a theatre at a time, with its prices and the seats it had when it was created.

    `base_price` is what the admin set; `price` is what a booking is charged now. They are equal unless the
    show has dynamic pricing, in which case the pricing service moves `price` (see docs/pricing.md).
    """

    __tablename__ = "screenings"
    __table_args__ = (
        CheckConstraint("seats_total BETWEEN 1 AND 10000", name="seats_range"),
        CheckConstraint("price >= 0", name="price_non_negative"),
        CheckConstraint("base_price >= 0", name="base_price_non_negative"),
        Index("ix_screenings_starts_at", "starts_at"),
        Index("ix_screenings_theatre_starts", "theatre_id", "starts_at"),
        # by show and start, with what a show's "from" price reads (catalog/listing.py prices_from): no row lookups
        Index("ix_screenings_show_prices", "show_id", "starts_at", "price", "theatre_id", "removed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id"))
    theatre_id: Mapped[int] = mapped_column(ForeignKey("theatres.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    base_price: Mapped[Decimal] = mapped_column(MoneyColumn)
    price: Mapped[Decimal] = mapped_column(MoneyColumn)
    previous_price: Mapped[Decimal | None] = mapped_column(MoneyColumn)  # before the last change: the trend
    seats_total: Mapped[int] = mapped_column(Integer)  # the number of seats in its layout
    # The layout it sells (seating.models.SeatLayout): kept once a seat is sold or held.
    layout_id: Mapped[int | None] = mapped_column(ForeignKey("seat_layouts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    show: Mapped[Show] = relationship(lazy="joined", innerjoin=True)
    theatre: Mapped[Theatre] = relationship(lazy="joined", innerjoin=True)

    # Filled by the catalogue service from the seat ledger (one grouped query per page).
    seats_sold = 0
    seats_unavailable = 0  # sold, held by a live hold, or blocked
    predicted_occupancy = None
    filling_fast = False

    @property
    def seats_left(self) -> int:
        """Seats that can be had now: not sold, not in a live hold, not blocked."""
        return max(self.seats_total - max(self.seats_unavailable, self.seats_sold), 0)

    @property
    def houseful(self) -> bool:
        return self.seats_left == 0

    @property
    def price_trend(self) -> str:
        return price_trend(self.price, self.previous_price)


def price_trend(price, previous_price) -> str:
    if previous_price is None or price == previous_price:
        return "steady"
    return "rising" if price > previous_price else "falling"


from ..seating import models as _seating_models  # noqa: E402,F401  (screenings.layout_id refers to seat_layouts)
