"""The seat ledger: every statement that takes or frees seats, as plain SQL on the sqlite3 connection.

The booking transaction is the hottest write path (docs/benchmarks.md: a booking fell from 2.4 ms to
0.83 ms of CPU once its statements skipped SQLAlchemy), so its SQL lives here, in one place, and nowhere
else: the rules (houseful, started, price changed) stay in service.py, which calls these functions inside
one transaction: database.driver_write_transaction for a booking, the session's immediate_transaction
(database.session_write_connection) for a cancellation or a forced removal.

Driver SQL skips the session: no session events fire (so nothing here bumps the catalogue's cache
generation; seats and prices are refilled on every cached answer anyway) and the identity map is not told
(a caller holding Booking or Ticket objects of these rows must expire them). Values are stored as the
column types store them: paise for money, naive UTC text for times (database.to_paise, to_stored_time).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from ..database import from_paise, from_stored_time, named_rows, to_paise, to_stored_time
from .models import CANCELLED, CONFIRMED


class ScreeningForSale(NamedTuple):
    """What a booking needs to know about a live screening, read under the write lock (one row)."""

    seats_total: int
    price_paise: int
    starts_at: str  # stored UTC text; see starts_at_utc
    dynamic_pricing: bool
    show_id: int
    show_name: str
    image_path: str | None
    theatre_id: int
    theatre_name: str
    place: str
    my_rating: int | None  # the buyer's score for the show, if any

    @property
    def unit_price(self) -> Decimal:
        return from_paise(self.price_paise)

    @property
    def starts_at_utc(self) -> datetime:
        return from_stored_time(self.starts_at)


class SeatsSold(NamedTuple):
    sold: int
    highest_seat: int  # 0 when none; equal to `sold` while no seat was ever freed


class KeyUse(NamedTuple):
    booking_id: int
    created_at: str
    request_fingerprint: str | None  # None for bookings made before fingerprints were stored


class Sale(NamedTuple):
    """A booking just recorded: its id and seats, at the price fixed under the write lock."""

    booking_id: int
    seat_numbers: list[int]
    unit_price: Decimal
    total_price: Decimal
    created_at: datetime


_FIND_KEY = "SELECT id, created_at, request_fingerprint FROM bookings WHERE user_id = ? AND idempotency_key = ?"
_FORGET_KEY = "UPDATE bookings SET idempotency_key = NULL, request_fingerprint = NULL WHERE id = ?"
_SCREENING_FOR_SALE = """
    SELECT s.seats_total, s.price, s.starts_at, sh.dynamic_pricing, sh.id, sh.name, sh.image_path,
           t.id, t.name, t.place, (SELECT score FROM ratings WHERE user_id = ? AND show_id = sh.id)
    FROM screenings AS s JOIN shows AS sh ON sh.id = s.show_id JOIN theatres AS t ON t.id = s.theatre_id
    WHERE s.id = ? AND s.removed_at IS NULL AND sh.removed_at IS NULL AND t.removed_at IS NULL"""
_SEATS_SOLD = "SELECT count(*), coalesce(max(seat_no), 0) FROM tickets WHERE screening_id = ?"
_SEATS_TAKEN = "SELECT seat_no FROM tickets WHERE screening_id = ?"
_INSERT_BOOKING = """
    INSERT INTO bookings (user_id, screening_id, quantity, unit_price, total_price, status, idempotency_key,
                          request_fingerprint, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""
_INSERT_TICKET = "INSERT INTO tickets (booking_id, screening_id, seat_no) VALUES (?, ?, ?)"
_FREE_SEATS = "DELETE FROM tickets WHERE booking_id IN ({ids})"
_CANCEL = "UPDATE bookings SET status = ?, cancelled_at = ?, cancel_reason = ? WHERE id IN ({ids}) AND status = ?"


def key_use(sqlite, user_id: int, key: str, *, now: datetime, window: timedelta) -> KeyUse | None:
    """The booking this Idempotency-Key made within `window`, with the fingerprint of its request; an older
    use of the key is forgotten (its booking keeps existing, the key is cleared so that it can book again)."""
    use = named_rows(sqlite, KeyUse, _FIND_KEY, (user_id, key)).fetchone()
    if use is None:
        return None
    if from_stored_time(use.created_at) >= now - window:
        return use
    sqlite.execute(_FORGET_KEY, (use.booking_id,))
    return None


def screening_for_sale(sqlite, user_id: int, screening_id: int) -> ScreeningForSale | None:
    """The screening if it is on sale (neither it, its show nor its theatre removed), else None."""
    return named_rows(sqlite, ScreeningForSale, _SCREENING_FOR_SALE, (user_id, screening_id)).fetchone()


def seats_sold(sqlite, screening_id: int) -> SeatsSold:
    return named_rows(sqlite, SeatsSold, _SEATS_SOLD, (screening_id,)).fetchone()


def record_sale(sqlite, *, user_id: int, screening_id: int, quantity: int, unit_price: Decimal,
                seats_total: int, sold: SeatsSold, idempotency_key: str | None, now: datetime,
                request_fingerprint: str | None = None) -> Sale:
    """Insert the booking and one ticket per seat (the lowest free seat numbers). The caller has checked,
    in the same transaction, that `quantity` seats are free."""
    seats = _lowest_free_seats(sqlite, screening_id, seats_total, sold, quantity)
    total_price = unit_price * quantity
    (booking_id,) = sqlite.execute(_INSERT_BOOKING, (
        user_id, screening_id, quantity, to_paise(unit_price), to_paise(total_price), CONFIRMED, idempotency_key,
        request_fingerprint, to_stored_time(now))).fetchone()
    sqlite.executemany(_INSERT_TICKET, [(booking_id, screening_id, seat) for seat in seats])
    return Sale(booking_id, seats, unit_price, total_price, now)


def _lowest_free_seats(sqlite, screening_id: int, seats_total: int, sold: SeatsSold, quantity: int) -> list[int]:
    """Without cancellations seats are 1..sold, so no list is read."""
    if sold.highest_seat == sold.sold:
        return list(range(sold.sold + 1, sold.sold + quantity + 1))
    taken = {seat for (seat,) in sqlite.execute(_SEATS_TAKEN, (screening_id,))}
    free = (seat for seat in range(1, seats_total + 1) if seat not in taken)
    return [next(free) for _ in range(quantity)]


def cancel_and_free_seats(sqlite, booking_ids: list[int], *, reason: str, now: datetime) -> None:
    """Mark these confirmed bookings cancelled (with `reason`, kept for the owner's notification) and delete
    their tickets, so the seats can be sold again at once. Already cancelled bookings are left as they are."""
    if not booking_ids:
        return
    ids = ", ".join("?" * len(booking_ids))
    sqlite.execute(_FREE_SEATS.format(ids=ids), booking_ids)
    sqlite.execute(_CANCEL.format(ids=ids), (CANCELLED, to_stored_time(now), reason, *booking_ids, CONFIRMED))
