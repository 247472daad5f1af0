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

from sqlalchemy import select

from ..booking.models import CONFIRMED
from ..cache import mark_catalog_changed
from ..catalog.models import PriceChange, Screening, Show, price_trend
from ..database import (driver_connection, from_paise, from_stored_time, to_paise, to_stored_time, utcnow,
                        writes)
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
    """reprice_on() inside the session's write transaction (admin changes, cancellations, the beat).
    The session's copies of these screenings are expired, so they are read again with their new price."""
    ids = list(dict.fromkeys(screening_ids))
    changed = reprice_on(driver_connection(db.session), ids, reason, now=now)
    if changed:
        for instance in list(db.session.identity_map.values()):
            if isinstance(instance, Screening) and instance.id in ids:
                db.session.expire(instance)
    return changed


_PRICING_INPUTS = """
    SELECT s.id, s.base_price, s.price, s.seats_total, s.starts_at, sh.dynamic_pricing, sh.price_floor_pct,
           sh.price_ceiling_pct,
           (SELECT count(*) FROM tickets WHERE screening_id = s.id),
           (SELECT coalesce(sum(quantity), 0) FROM bookings
             WHERE screening_id = s.id AND status = ? AND created_at >= ?)
    FROM screenings AS s JOIN shows AS sh ON sh.id = s.show_id
    WHERE s.id IN ({ids})"""
_SET_PRICE = "UPDATE screenings SET price = ?, previous_price = ? WHERE id = ?"
_RECORD_CHANGE = """
    INSERT INTO price_changes (screening_id, price, previous_price, reason, seats_sold, changed_at)
    VALUES (?, ?, ?, ?, ?, ?)"""


def reprice_on(sqlite, screening_ids: list[int], reason: str, *, now: datetime | None = None) -> int:
    """Bring these screenings' current prices up to date and record every change; returns how many changed.

    Runs inside the caller's write transaction, on its sqlite3 connection: the booking transaction is one
    (database.driver_write_transaction). Screenings of shows without dynamic pricing go back to their base.
    """
    if not screening_ids:
        return 0
    now = now or utcnow()
    rows = sqlite.execute(_PRICING_INPUTS.format(ids=", ".join("?" * len(screening_ids))),
                          (CONFIRMED, to_stored_time(now - RECENT_WINDOW), *screening_ids)).fetchall()
    changed = 0
    for (screening_id, base_paise, price_paise, seats_total, starts_at, dynamic, floor_pct, ceiling_pct,
         sold, recent) in rows:
        base_price, price = from_paise(base_paise), from_paise(price_paise)
        if dynamic:
            hours_to_start = (from_stored_time(starts_at) - now).total_seconds() / 3600
            new_price = dynamic_price(base_price, PricingRule(floor_pct, ceiling_pct), seats_total=seats_total,
                                      seats_sold=sold, recent_seats=recent, hours_to_start=hours_to_start)
        else:
            new_price = base_price
        if new_price != price:
            sqlite.execute(_SET_PRICE, (to_paise(new_price), price_paise, screening_id))
            sqlite.execute(_RECORD_CHANGE, (screening_id, to_paise(new_price), price_paise, reason, sold,
                                            to_stored_time(now)))
            changed += 1
    return changed


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
