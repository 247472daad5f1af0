"""Repricing: the one place that writes current prices and the price history, as plain SQL.

It runs inside the write transaction that changed a price's inputs: the booking transaction's own sqlite3
connection (booking/ledger.py, database.driver_write_transaction), or the ORM session's immediate_transaction
(cancellations, admin changes, the beat) through database.session_write_connection. Plain SQL because it is
on the booking path (docs/benchmarks.md); like the seat ledger it skips the session: no session events (the
callers that change what the catalogue shows mark it themselves) and the identity map is not told, which
reprice() makes up for by expiring the session's copies of the screenings it changed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from ..catalog.models import Screening
from ..clock import utcnow
from ..database import from_paise, from_stored_time, named_rows, session_write_connection, to_paise, to_stored_time
from ..extensions import db
from .formula import RECENT_WINDOW, PricingRule, dynamic_price

CONFIRMED = "confirmed"  # booking.models.CONFIRMED, repeated: pricing sits below booking


class PricingInputs(NamedTuple):
    """One screening's price and the figures its next price depends on."""

    screening_id: int
    base_paise: int
    price_paise: int
    seats_total: int
    starts_at: str  # stored UTC text
    dynamic_pricing: bool
    floor_pct: int
    ceiling_pct: int
    seats_sold: int
    recent_seats: int  # seats in confirmed bookings made within RECENT_WINDOW

    def next_price(self, now: datetime) -> Decimal:
        """What the price should be now; the base price for a show without dynamic pricing."""
        base_price = from_paise(self.base_paise)
        if not self.dynamic_pricing:
            return base_price
        hours_to_start = (from_stored_time(self.starts_at) - now).total_seconds() / 3600
        return dynamic_price(
            base_price,
            PricingRule(self.floor_pct, self.ceiling_pct),
            seats_total=self.seats_total,
            seats_sold=self.seats_sold,
            recent_seats=self.recent_seats,
            hours_to_start=hours_to_start,
        )


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


def reprice(screening_ids, reason: str, *, now: datetime | None = None) -> int:
    """reprice_on() inside the session's immediate_transaction (admin changes, cancellations, the beat);
    returns how many prices changed. The session's copies of these screenings are expired, so they are read
    again with their new price. Raises RuntimeError outside immediate_transaction."""
    ids = list(dict.fromkeys(screening_ids))
    changed = reprice_on(session_write_connection(db.session), ids, reason, now=now)
    if changed:
        for instance in list(db.session.identity_map.values()):
            if isinstance(instance, Screening) and instance.id in ids:
                db.session.expire(instance)
    return changed


def reprice_on(sqlite, screening_ids: list[int], reason: str, *, now: datetime | None = None) -> int:
    """Bring these screenings' current prices up to date and record every change (reason: "booking",
    "cancellation", "time", "admin"…); returns how many changed. Runs inside the caller's write transaction,
    on its sqlite3 connection. Screenings of shows without dynamic pricing go back to their base price."""
    if not screening_ids:
        return 0
    now = now or utcnow()
    rows = named_rows(
        sqlite,
        PricingInputs,
        _PRICING_INPUTS.format(ids=", ".join("?" * len(screening_ids))),
        (CONFIRMED, to_stored_time(now - RECENT_WINDOW), *screening_ids),
    ).fetchall()
    changed = 0
    for row in rows:
        new_price = row.next_price(now)
        if new_price != from_paise(row.price_paise):
            sqlite.execute(_SET_PRICE, (to_paise(new_price), row.price_paise, row.screening_id))
            sqlite.execute(
                _RECORD_CHANGE,
                (row.screening_id, to_paise(new_price), row.price_paise, reason, row.seats_sold, to_stored_time(now)),
            )
            changed += 1
    return changed
