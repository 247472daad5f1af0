"""Dynamic pricing: a screening's current price follows demand and the time left before it starts.

The formula (docs/pricing.md explains it with examples) is a pure function of five figures, so the same
inputs always give the same price. Prices are re-evaluated where those figures change: inside the booking
and cancellation transactions (demand), when the admin changes a show's settings or a screening's base
price, and every few minutes by the beat (time to start, and the recent-bookings window sliding on).
Reads never compute a price: they read `screenings.price`, which is what a booking is charged.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from sqlalchemy import func, select, update

from ..booking.models import CONFIRMED, Booking, Ticket
from ..catalog.models import PriceChange, Screening, Show, price_trend
from ..database import utcnow, writes
from ..errors import NotFound
from ..extensions import db

RECENT_WINDOW = timedelta(hours=6)
RUSH_SHARE = 0.10  # a tenth of the house booked within RECENT_WINDOW counts as a full rush
LAST_MINUTE_HOURS = 72  # from here on, a house that is still mostly empty gets cheaper
OCCUPANCY_WEIGHT, RUSH_WEIGHT = 0.7, 0.3
HISTORY_LIMIT = 500


@dataclass(frozen=True)
class PricingRule:
    floor_pct: int
    ceiling_pct: int


def dynamic_price(base_price: Decimal, rule: PricingRule, *, seats_total: int, seats_sold: int,
                  recent_seats: int, hours_to_start: float) -> Decimal:
    """The current price of a screening, in whole rupees, between the floor and the ceiling.

    demand  = 0.7 × share of seats sold + 0.3 × min(1, seats booked in the last 6 h / 10% of the seats)
    urgency = 1 − min(hours to start, 72) / 72           (0 three days out or more, 1 at the start)
    slack   = max(0, 1 − 2 × share of seats sold)         (1 for an empty house, 0 once half full)
    price   = base × (1 + demand × (ceiling − 1) − urgency × slack × (1 − floor))
    The price never falls as seats sell: demand only grows with sales and slack only shrinks.
    """
    if seats_total <= 0 or base_price <= 0:
        return base_price
    occupancy = min(seats_sold / seats_total, 1.0)
    rush = min(recent_seats / (RUSH_SHARE * seats_total), 1.0)
    demand = OCCUPANCY_WEIGHT * occupancy + RUSH_WEIGHT * rush
    urgency = 1 - min(max(hours_to_start, 0.0), LAST_MINUTE_HOURS) / LAST_MINUTE_HOURS
    slack = max(0.0, 1 - 2 * occupancy)
    floor, ceiling = rule.floor_pct / 100, rule.ceiling_pct / 100
    multiplier = 1 + demand * (ceiling - 1) - urgency * slack * (1 - floor)
    lowest = (base_price * rule.floor_pct / 100).to_integral_value(ROUND_CEILING)
    highest = (base_price * rule.ceiling_pct / 100).to_integral_value(ROUND_FLOOR)
    if lowest > highest:  # bounds too tight to hold a whole rupee: keep the base price
        return base_price
    price = (base_price * Decimal(repr(round(multiplier, 6)))).to_integral_value(ROUND_HALF_UP)
    return min(max(price, lowest), highest)


def reprice(screening_ids: Iterable[int], reason: str, *, now: datetime | None = None) -> int:
    """Bring these screenings' current prices up to date and record every change.

    Runs inside the caller's write transaction (a booking, a cancellation, an admin change, the beat).
    Screenings of shows without dynamic pricing go back to their base price. Returns how many changed.
    """
    ids = list(dict.fromkeys(screening_ids))
    if not ids:
        return 0
    now = now or utcnow()
    rows = db.session.execute(
        select(Screening.id, Screening.base_price, Screening.price, Screening.seats_total, Screening.starts_at,
               Show.dynamic_pricing, Show.price_floor_pct, Show.price_ceiling_pct)
        .join(Show, Show.id == Screening.show_id).where(Screening.id.in_(ids))).all()
    dynamic_ids = [row.id for row in rows if row.dynamic_pricing]
    sold = _seats_sold(dynamic_ids)
    recent = _recent_seats(dynamic_ids, now)
    changes = []
    for row in rows:
        if row.dynamic_pricing:
            new_price = dynamic_price(row.base_price, PricingRule(row.price_floor_pct, row.price_ceiling_pct),
                                      seats_total=row.seats_total, seats_sold=sold.get(row.id, 0),
                                      recent_seats=recent.get(row.id, 0),
                                      hours_to_start=(row.starts_at - now).total_seconds() / 3600)
        else:
            new_price = row.base_price
        if new_price != row.price:
            changes.append({"screening_id": row.id, "price": new_price, "previous_price": row.price,
                            "reason": reason, "seats_sold": sold.get(row.id, 0), "changed_at": now})
    for change in changes:
        db.session.execute(update(Screening).where(Screening.id == change["screening_id"])
                           .values(price=change["price"], previous_price=change["previous_price"]))
    if changes:
        db.session.execute(PriceChange.__table__.insert(), changes)
    return len(changes)


def _seats_sold(screening_ids: list[int]) -> dict[int, int]:
    if not screening_ids:
        return {}
    return dict(db.session.execute(select(Ticket.screening_id, func.count())
                                   .where(Ticket.screening_id.in_(screening_ids)).group_by(Ticket.screening_id)).all())


def _recent_seats(screening_ids: list[int], now: datetime) -> dict[int, int]:
    if not screening_ids:
        return {}
    return dict(db.session.execute(
        select(Booking.screening_id, func.sum(Booking.quantity))
        .where(Booking.screening_id.in_(screening_ids), Booking.status == CONFIRMED,
               Booking.created_at >= now - RECENT_WINDOW).group_by(Booking.screening_id)).all())


def upcoming_dynamic_screenings(show_id: int | None = None, *, now: datetime | None = None):
    """Ids of the upcoming, live screenings whose price can move (of one show, or of every show)."""
    statement = (select(Screening.id).join(Show, Show.id == Screening.show_id)
                 .where(Screening.removed_at.is_(None), Screening.starts_at > (now or utcnow())))
    if show_id is None:
        statement = statement.where(Show.dynamic_pricing.is_(True), Show.removed_at.is_(None))
    else:
        statement = statement.where(Show.id == show_id)
    return db.session.scalars(statement).all()


@writes
def reprice_upcoming(now: datetime | None = None) -> int:
    """The beat's periodic pass: time moves prices even when nobody books."""
    from ..cache import mark_catalog_changed
    changed = reprice(upcoming_dynamic_screenings(now=now), "time", now=now)
    if changed:
        mark_catalog_changed(db.session)
    return changed


def price_history(screening_id: int) -> dict:
    screening = db.session.get(Screening, screening_id)
    if screening is None:
        raise NotFound("No such screening.", details={"screening_id": screening_id})
    changes = db.session.scalars(select(PriceChange).where(PriceChange.screening_id == screening_id)
                                 .order_by(PriceChange.changed_at.desc(), PriceChange.id.desc())
                                 .limit(HISTORY_LIMIT)).all()
    show = screening.show
    return {"screening_id": screening.id, "base_price": screening.base_price, "price": screening.price,
            "price_trend": price_trend(screening.price, screening.previous_price),
            "dynamic_pricing": {"enabled": show.dynamic_pricing, "floor_pct": show.price_floor_pct,
                                "ceiling_pct": show.price_ceiling_pct},
            "changes": changes}
