"""The seat ledger: every statement that takes, holds or frees seats, as plain SQL on the sqlite3 connection.

A seat is taken when it has a ticket (sold), a blocked_seats row, or a held_seats row whose `expires_at`
is later than now. Each of the three tables has a unique (screening_id, seat_label) key, so the database
refuses a seat sold twice or in two holds; an expired held row is dead, and the transaction that takes its
seat deletes it first, in the same BEGIN IMMEDIATE, so expiry needs no sweep to be correct. "Now" is read
once per transaction, under the write lock. Holds and seat maps (seating/service.py) use these statements
too.

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
from ..pricing.formula import seat_price
from ..seating.layouts import CompiledLayout, compiled, compiled_default
from .models import CANCELLED, CONFIRMED

SOLD, HELD, BLOCKED, MINE, AVAILABLE = "sold", "held", "blocked", "mine", "available"


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
    layout_id: int | None  # the seat layout it sells (None: the default layout of seats_total)
    layout_digest: str | None
    id: int

    @property
    def unit_price(self) -> Decimal:
        return from_paise(self.price_paise)

    @property
    def starts_at_utc(self) -> datetime:
        return from_stored_time(self.starts_at)


class SoldSeat(NamedTuple):
    label: str  # "F12"
    seat_no: int  # its position in the layout's order
    price: Decimal  # rupees


class KeyUse(NamedTuple):
    booking_id: int
    created_at: str
    request_fingerprint: str | None  # None for bookings made before fingerprints were stored


class Sale(NamedTuple):
    """A booking just recorded: its id and seats, at the price fixed under the write lock."""

    booking_id: int
    seat_numbers: list[int]
    seats: list[str]
    seat_prices: dict[str, Decimal]
    unit_price: Decimal
    total_price: Decimal
    created_at: datetime


_FIND_KEY = "SELECT id, created_at, request_fingerprint FROM bookings WHERE user_id = ? AND idempotency_key = ?"
_FORGET_KEY = "UPDATE bookings SET idempotency_key = NULL, request_fingerprint = NULL WHERE id = ?"
_SCREENING_FOR_SALE = """
    SELECT s.seats_total, s.price, s.starts_at, sh.dynamic_pricing, sh.id, sh.name, sh.image_path,
           t.id, t.name, t.place, (SELECT score FROM ratings WHERE user_id = ? AND show_id = sh.id),
           s.layout_id, l.digest, s.id
    FROM screenings AS s JOIN shows AS sh ON sh.id = s.show_id JOIN theatres AS t ON t.id = s.theatre_id
    LEFT JOIN seat_layouts AS l ON l.id = s.layout_id
    WHERE s.id = ? AND s.removed_at IS NULL AND sh.removed_at IS NULL AND t.removed_at IS NULL"""
_INSERT_BOOKING = """
    INSERT INTO bookings (user_id, screening_id, quantity, unit_price, total_price, status, idempotency_key,
                          request_fingerprint, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""
_INSERT_TICKET = "INSERT INTO tickets (booking_id, screening_id, seat_no, seat_label, price) VALUES (?, ?, ?, ?, ?)"
_REVOKE_TICKETS = """
    INSERT INTO revoked_tickets (id, booking_id, screening_id, seat_label, checked_in_at, revoked_at)
    SELECT id, booking_id, screening_id, seat_label, checked_in_at, ? FROM tickets WHERE booking_id IN ({ids})"""
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


def record_sale(
    sqlite,
    *,
    user_id: int,
    screening_id: int,
    seats: list[SoldSeat],
    unit_price: Decimal,
    idempotency_key: str | None,
    now: datetime,
    request_fingerprint: str | None = None,
    notice_locale: str | None = None,
) -> Sale:
    """Insert the booking and one ticket per seat, at the seats' prices, and the confirmation it owes its owner
    (in `notice_locale` when they chose no language: tickets/notices.py). The caller has checked, in the same
    transaction, that the seats are free; the unique (screening, seat) keys refuse a seat sold twice anyway."""
    total_price = sum((seat.price for seat in seats), Decimal("0.00"))
    (booking_id,) = sqlite.execute(
        _INSERT_BOOKING,
        (
            user_id,
            screening_id,
            len(seats),
            to_paise(unit_price),
            to_paise(total_price),
            CONFIRMED,
            idempotency_key,
            request_fingerprint,
            to_stored_time(now),
        ),
    ).fetchone()
    sqlite.executemany(
        _INSERT_TICKET, [(booking_id, screening_id, seat.seat_no, seat.label, to_paise(seat.price)) for seat in seats]
    )
    sqlite.execute(_OWE_CONFIRMATION, (booking_id, to_stored_time(now), notice_locale))
    return Sale(
        booking_id,
        [seat.seat_no for seat in seats],
        [seat.label for seat in seats],
        {seat.label: seat.price for seat in seats},
        unit_price,
        total_price,
        now,
    )


# The mail a sale or a cancellation owes its owner, written in the same transaction (the outbox of
# tickets/notices.py): a broker that is down when the booking commits loses no mail, the beat sends it later.
_OWE_CONFIRMATION = """
    INSERT OR IGNORE INTO booking_notices (booking_id, kind, state, attempts, created_at, locale)
    VALUES (?, 'confirmed', 'pending', 0, ?, ?)"""
_OWE_CANCELLATIONS = """
    INSERT OR IGNORE INTO booking_notices (booking_id, kind, state, attempts, created_at, locale)
    SELECT id, 'cancelled', 'pending', 0, ?, ? FROM bookings WHERE id IN ({ids}) AND status = ?"""


def cancel_and_free_seats(
    sqlite, booking_ids: list[int], *, reason: str, now: datetime, notice_locale: str | None = None
) -> None:
    """Mark these confirmed bookings cancelled (with `reason`, kept for the owner's notification) and delete
    their tickets, so the seats can be sold again at once; the tickets are kept in revoked_tickets under
    their ids, so their codes answer `revoked` at the door. Already cancelled bookings are left as they are.
    Each one cancelled now owes its owner a notice (a `booking_notices` row, sent by the worker; in
    `notice_locale` for an owner who chose no language, when they cancelled it themselves)."""
    if not booking_ids:
        return
    ids = ", ".join("?" * len(booking_ids))
    sqlite.execute(_OWE_CANCELLATIONS.format(ids=ids), (to_stored_time(now), notice_locale, *booking_ids, CONFIRMED))
    sqlite.execute(_REVOKE_TICKETS.format(ids=ids), (to_stored_time(now), *booking_ids))
    sqlite.execute(_FREE_SEATS.format(ids=ids), booking_ids)
    sqlite.execute(_CANCEL.format(ids=ids), (CANCELLED, to_stored_time(now), reason, *booking_ids, CONFIRMED))


# ---- what is taken, and the layout it is taken in ---------------------------------------------------

_LAYOUT_TEXT = "SELECT layout FROM seat_layouts WHERE id = ?"
_TAKEN = """
    SELECT seat_label, 'sold' FROM tickets WHERE screening_id = ?1
    UNION ALL SELECT seat_label, 'blocked' FROM blocked_seats WHERE screening_id = ?1
    UNION ALL SELECT h.seat_label, CASE WHEN k.user_id = ?2 THEN 'mine' ELSE 'held' END
              FROM held_seats AS h JOIN seat_holds AS k ON k.id = h.hold_id
              WHERE h.screening_id = ?1 AND h.expires_at > ?3"""
_TAKEN_COUNT = """
    SELECT (SELECT count(*) FROM tickets WHERE screening_id = ?1)
         + (SELECT count(*) FROM blocked_seats WHERE screening_id = ?1)
         + (SELECT count(*) FROM held_seats WHERE screening_id = ?1 AND expires_at > ?2)"""


def layout_of(sqlite, layout_id: int | None, digest: str | None, seats_total: int) -> CompiledLayout:
    """The screening's layout, parsed once per process (layouts never change); the default one of its size
    for a screening written without one by a bulk loader."""
    if layout_id is None:
        return compiled_default(seats_total)
    return compiled(layout_id, digest, lambda: sqlite.execute(_LAYOUT_TEXT, (layout_id,)).fetchone()[0])


_TAKEN_PLAIN = """
    SELECT seat_label, 'sold' FROM tickets WHERE screening_id = ?1
    UNION ALL SELECT seat_label, 'blocked' FROM blocked_seats WHERE screening_id = ?1
    UNION ALL SELECT seat_label, 'held' FROM held_seats WHERE screening_id = ?1 AND expires_at > ?2"""


def taken(sqlite, screening_id: int, now: datetime, user_id: int | None = None) -> dict[str, str]:
    """{label: "sold" | "blocked" | "held" | "mine"} for every seat that cannot be had now ("mine": in a
    live hold of `user_id`; without one, no join to the holds is needed: the write paths' variant)."""
    if user_id is None:
        return dict(sqlite.execute(_TAKEN_PLAIN, (screening_id, to_stored_time(now))))
    return dict(sqlite.execute(_TAKEN, (screening_id, user_id, to_stored_time(now))))


_TAKEN_LABELS = """
    SELECT group_concat(seat_label, ' ') FROM (
        SELECT seat_label FROM tickets WHERE screening_id = ?1
        UNION ALL SELECT seat_label FROM blocked_seats WHERE screening_id = ?1
        UNION ALL SELECT seat_label FROM held_seats WHERE screening_id = ?1 AND expires_at > ?2)"""


def taken_labels(sqlite, screening_id: int, now: datetime) -> set[str]:
    """The labels of every seat that cannot be had now (sold, blocked, or in a live hold), for the write paths'
    best-available pick: one row of text joined by SQLite (labels have no spaces: layouts.validate_layout),
    split in C: with 990 seats taken, 0.36 ms of CPU against 0.87 ms for a row per seat (`taken`; load 14)."""
    (text,) = sqlite.execute(_TAKEN_LABELS, (screening_id, to_stored_time(now))).fetchone()
    return set(text.split(" ")) if text else set()


def taken_among(sqlite, screening_id: int, labels, now: datetime) -> list[str]:
    """Which of these seats cannot be had now (sold, blocked, or in a live hold), in the order given: one
    lookup per table on its unique (screening_id, seat_label) key."""
    labels = list(labels)
    marks = ", ".join("?" * len(labels))
    found = {
        label
        for (label,) in sqlite.execute(
            f"SELECT seat_label FROM tickets WHERE screening_id = ? AND seat_label IN ({marks}) "
            f"UNION ALL SELECT seat_label FROM blocked_seats WHERE screening_id = ? AND seat_label IN ({marks}) "
            f"UNION ALL SELECT seat_label FROM held_seats WHERE screening_id = ? AND expires_at > ? "
            f"AND seat_label IN ({marks})",
            (screening_id, *labels, screening_id, *labels, screening_id, to_stored_time(now), *labels),
        )
    }
    return [label for label in labels if label in found]


def seats_taken_count(sqlite, screening_id: int, now: datetime) -> int:
    return sqlite.execute(_TAKEN_COUNT, (screening_id, to_stored_time(now))).fetchone()[0]


def unavailable_counts(sqlite, screening_ids: list[int], now: datetime) -> dict[int, int]:
    """{screening_id: seats that cannot be had now (sold + blocked + in a live hold)} in one grouped query,
    for lists and cached answers (seating.service.seats_unavailable); screenings with none are left out."""
    marks = ", ".join("?" * len(screening_ids))
    return dict(
        sqlite.execute(
            f"SELECT screening_id, count(*) FROM (SELECT screening_id FROM tickets WHERE screening_id IN ({marks}) "
            f"UNION ALL SELECT screening_id FROM blocked_seats WHERE screening_id IN ({marks}) "
            f"UNION ALL SELECT screening_id FROM held_seats WHERE screening_id IN ({marks}) AND expires_at > ?) "
            "GROUP BY screening_id",
            (*screening_ids, *screening_ids, *screening_ids, to_stored_time(now)),
        )
    )


class LivePrice(NamedTuple):
    id: int
    price: int  # paise
    previous_price: int | None  # paise
    seats_total: int


def live_prices(sqlite, screening_ids: list[int]) -> dict[int, LivePrice]:
    """{screening_id: its price, previous price and seats_total as stored now}, for cached answers."""
    marks = ", ".join("?" * len(screening_ids))
    sql = f"SELECT id, price, previous_price, seats_total FROM screenings WHERE id IN ({marks})"
    return {row.id: row for row in named_rows(sqlite, LivePrice, sql, screening_ids)}


def prices(layout: CompiledLayout, price: Decimal, labels) -> dict[str, Decimal]:
    """{label: seat price}: the screening's price scaled by each seat's category (pricing.formula.seat_price)."""
    return {label: seat_price(price, layout.price_pct[layout.by_label[label].category]) for label in labels}


# ---- holds ------------------------------------------------------------------------------------------


class Hold(NamedTuple):
    id: int
    screening_id: int
    user_id: int
    expires_at: str  # stored UTC text
    renewals: int
    total_paise: int


class HeldSeat(NamedTuple):
    label: str
    seat_no: int
    price_paise: int


_DROP_USER_HOLD = "DELETE FROM seat_holds WHERE user_id = ? AND screening_id = ?"
_DROP_EXPIRED = "DELETE FROM held_seats WHERE screening_id = ? AND expires_at <= ? AND seat_label IN ({labels})"
_INSERT_HOLD = """
    INSERT INTO seat_holds (screening_id, user_id, expires_at, renewals, total_price, created_at)
    VALUES (?, ?, ?, 0, ?, ?) RETURNING id"""
_INSERT_HELD = """
    INSERT INTO held_seats (hold_id, screening_id, seat_label, seat_no, price, expires_at) VALUES (?, ?, ?, ?, ?, ?)"""
_HOLD_WITH_SEATS = """
    SELECT k.id, k.screening_id, k.user_id, k.expires_at, k.renewals, k.total_price, h.seat_label, h.seat_no, h.price
    FROM seat_holds AS k LEFT JOIN held_seats AS h ON h.hold_id = k.id WHERE k.id = ? ORDER BY h.seat_no"""
_MY_LIVE_HOLD = "SELECT id FROM seat_holds WHERE user_id = ? AND screening_id = ? AND expires_at > ?"


def drop_user_hold(sqlite, user_id: int, screening_id: int) -> bool:
    """A user has at most one hold per screening: a new one replaces the old (its seats go with it).
    Answers whether there was one (live or expired)."""
    return sqlite.execute(_DROP_USER_HOLD, (user_id, screening_id)).rowcount > 0


def insert_hold(
    sqlite,
    user_id: int,
    screening_id: int,
    layout: CompiledLayout,
    seat_prices: dict[str, Decimal],
    now: datetime,
    expires_at: datetime,
) -> int:
    """Insert a hold on seats the caller found free in this transaction; expired rows of those seats go
    first. The unique (screening_id, seat_label) index refuses a double hold here even if that check was wrong."""
    stored_now, stored_expiry = to_stored_time(now), to_stored_time(expires_at)
    labels = list(seat_prices)
    sqlite.execute(_DROP_EXPIRED.format(labels=", ".join("?" * len(labels))), (screening_id, stored_now, *labels))
    total = sum(seat_prices.values(), Decimal("0.00"))
    (hold_id,) = sqlite.execute(
        _INSERT_HOLD, (screening_id, user_id, stored_expiry, to_paise(total), stored_now)
    ).fetchone()
    sqlite.executemany(
        _INSERT_HELD,
        [
            (hold_id, screening_id, label, layout.by_label[label].seat_no, to_paise(seat_prices[label]), stored_expiry)
            for label in labels
        ],
    )
    return hold_id


def read_hold(sqlite, hold_id: int) -> dict | None:
    """{id, screening_id, user_id, expires_at (aware UTC), renewals, total_price, seats (labels in layout
    order), seat_numbers, unit_prices {label: rupees}}, or None. One statement: the hold's row once per seat
    (a hold always has seats; a LEFT JOIN still answers one without)."""
    rows = sqlite.execute(_HOLD_WITH_SEATS, (hold_id,)).fetchall()
    if not rows:
        return None
    hold = Hold._make(rows[0][:6])
    seats = [HeldSeat._make(row[6:]) for row in rows if row[6] is not None]
    return {
        "id": hold.id,
        "screening_id": hold.screening_id,
        "user_id": hold.user_id,
        "expires_at": from_stored_time(hold.expires_at),
        "renewals": hold.renewals,
        "total_price": from_paise(hold.total_paise),
        "seats": [seat.label for seat in seats],
        "seat_numbers": [seat.seat_no for seat in seats],
        "unit_prices": {seat.label: from_paise(seat.price_paise) for seat in seats},
    }


def my_live_hold(sqlite, user_id: int, screening_id: int, now: datetime) -> int | None:
    row = sqlite.execute(_MY_LIVE_HOLD, (user_id, screening_id, to_stored_time(now))).fetchone()
    return row[0] if row else None


def extend_hold(sqlite, hold_id: int, expires_at: datetime) -> None:
    stored = to_stored_time(expires_at)
    sqlite.execute("UPDATE seat_holds SET expires_at = ?, renewals = renewals + 1 WHERE id = ?", (stored, hold_id))
    sqlite.execute("UPDATE held_seats SET expires_at = ? WHERE hold_id = ?", (stored, hold_id))


def delete_hold(sqlite, hold_id: int) -> None:
    """The hold and its seats (ON DELETE CASCADE): released, or become tickets in the same transaction."""
    sqlite.execute("DELETE FROM seat_holds WHERE id = ?", (hold_id,))


def sweep_expired(sqlite, before: datetime) -> int:
    """Tidy-up only (the beat): a hold that expired is already free. Holds expired before `before` (kept a
    while, so their owners still hear "hold_expired" rather than "not found") are deleted with their seats."""
    return sqlite.execute("DELETE FROM seat_holds WHERE expires_at <= ?", (to_stored_time(before),)).rowcount
