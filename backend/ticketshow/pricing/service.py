"""Dynamic pricing: a screening's current price follows demand and the time left before it starts.

The formula (formula.py; docs/pricing.md explains it with examples) is a pure function of five figures, so
the same inputs always give the same price; repricing.py writes prices and their history. Prices are
re-evaluated where those figures change: inside the booking and cancellation transactions (demand), when the
admin changes a show's settings or a screening's base price, and every few minutes by the beat (time to
start, and the recent-bookings window sliding on).
Reads never compute a price: they read `screenings.price`, which is what a booking is charged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..cache import mark_catalog_changed
from ..catalog.models import Screening, Show, price_trend
from ..clock import utcnow
from ..database import writes
from ..errors import NotFound
from ..extensions import db
from ..i18n import _
from .models import PriceChange
from .repricing import reprice

HISTORY_LIMIT = 500


def upcoming_dynamic_screenings(show_id: int | None = None, *, now: datetime | None = None):
    """Ids of the upcoming, live screenings whose price can move (of one show, or of every show)."""
    statement = (
        select(Screening.id)
        .join(Show, Show.id == Screening.show_id)
        .where(Screening.removed_at.is_(None), Screening.starts_at > (now or utcnow()))
    )
    if show_id is None:
        statement = statement.where(Show.dynamic_pricing.is_(True), Show.removed_at.is_(None))
    else:
        statement = statement.where(Show.id == show_id)
    return db.session.scalars(statement).all()


@writes
def reprice_upcoming(now: datetime | None = None) -> int:
    """The beat's periodic pass: time moves prices even when nobody books."""
    changed = reprice(upcoming_dynamic_screenings(now=now), "time", now=now)
    if changed:
        mark_catalog_changed(db.session)
    return changed


def price_history(screening_id: int) -> dict:
    screening = db.session.get(Screening, screening_id)
    if screening is None:
        raise NotFound(_("No such screening."), details={"screening_id": screening_id})
    changes = db.session.scalars(
        select(PriceChange)
        .where(PriceChange.screening_id == screening_id)
        .order_by(PriceChange.changed_at.desc(), PriceChange.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    show = screening.show
    return {
        "screening_id": screening.id,
        "base_price": screening.base_price,
        "price": screening.price,
        "price_trend": price_trend(screening.price, screening.previous_price),
        "dynamic_pricing": {
            "enabled": show.dynamic_pricing,
            "floor_pct": show.price_floor_pct,
            "ceiling_pct": show.price_ceiling_pct,
        },
        "changes": changes,
    }
