"""Booking rules: seats are taken and freed in one BEGIN IMMEDIATE transaction each.

SQLite's write lock serialises every writer, in this process and in every other gunicorn worker, so
the count of sold seats read inside the transaction cannot change before the tickets are inserted.
The unique (screening_id, seat_no) index is the last line of defence should that ever be wrong.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from ..auth.models import User
from ..cache import mark_catalog_changed
from ..catalog import images
from ..catalog.service import user_ratings
from ..catalog.models import Screening, Show
from ..database import (driver_write_transaction, from_paise, from_stored_time, immediate_transaction, to_paise,
                        to_stored_time, utcnow, writes)
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..pagination import paginate
from ..pricing import service as pricing
from .models import CANCELLED, CONFIRMED, Booking, Rating, Ticket

IDEMPOTENCY_WINDOW = timedelta(hours=24)


class Houseful(Conflict):
    code, message = "houseful", "This screening is houseful: no seats are left."


class NotEnoughSeats(Conflict):
    code = "not_enough_seats"


class ScreeningStarted(Conflict):
    code, message = "screening_started", "This screening has already started; it can no longer be booked."


class CancellationClosed(Conflict):
    code = "cancellation_closed"


class PriceChanged(Conflict):
    code = "price_changed"


_FIND_KEY = "SELECT id, created_at FROM bookings WHERE user_id = ? AND idempotency_key = ?"
_FORGET_KEY = "UPDATE bookings SET idempotency_key = NULL WHERE id = ?"


def _replay(sqlite, user_id: int, key: str) -> int | None:
    """The booking this key already made within 24 hours; an older use of the key is forgotten."""
    existing = sqlite.execute(_FIND_KEY, (user_id, key)).fetchone()
    if existing is None:
        return None
    booking_id, created_at = existing
    if from_stored_time(created_at) >= utcnow() - IDEMPOTENCY_WINDOW:
        return booking_id
    sqlite.execute(_FORGET_KEY, (booking_id,))
    return None


def book(user_id: int, screening_id: int, quantity: int, *, idempotency_key: str | None = None,
         expected_unit_price: Decimal | None = None) -> tuple[Booking | dict, bool]:
    """Book `quantity` seats. Returns (booking, created); created is False for an idempotent replay.

    This is the hottest write path, so it runs as plain SQL in its own BEGIN IMMEDIATE transaction on a
    pooled sqlite3 connection (database.driver_write_transaction), holds the write lock for a few indexed
    statements only, and answers a new booking from what they read, without loading it again.
    """
    limit = current_app.config["BOOKING_MAX_QUANTITY"]
    if not 1 <= quantity <= limit:  # the schema checks too; services stand on their own
        raise Invalid({"quantity": f"Book between 1 and {limit} seats at a time."})
    with driver_write_transaction(db.session) as sqlite:
        previous_id = _replay(sqlite, user_id, idempotency_key) if idempotency_key else None
        if previous_id is None:
            return _take_seats(sqlite, user_id, screening_id, quantity, idempotency_key, expected_unit_price), True
    return db.session.get(Booking, previous_id), False


_SCREENING_FOR_SALE = """
    SELECT s.seats_total, s.price, s.starts_at, sh.dynamic_pricing, sh.id, sh.name, sh.image_path,
           t.id, t.name, t.place, (SELECT score FROM ratings WHERE user_id = ? AND show_id = sh.id)
    FROM screenings AS s JOIN shows AS sh ON sh.id = s.show_id JOIN theatres AS t ON t.id = s.theatre_id
    WHERE s.id = ? AND s.removed_at IS NULL AND sh.removed_at IS NULL AND t.removed_at IS NULL"""
_SEATS_SOLD = "SELECT count(*), coalesce(max(seat_no), 0) FROM tickets WHERE screening_id = ?"
_SEATS_TAKEN = "SELECT seat_no FROM tickets WHERE screening_id = ?"
_INSERT_BOOKING = """
    INSERT INTO bookings (user_id, screening_id, quantity, unit_price, total_price, status, idempotency_key,
                          created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""
_INSERT_TICKET = "INSERT INTO tickets (booking_id, screening_id, seat_no) VALUES (?, ?, ?)"


def _take_seats(sqlite, user_id: int, screening_id: int, quantity: int, idempotency_key: str | None,
                expected_unit_price: Decimal | None) -> dict:
    """Check and take the seats: four indexed statements, inside the caller's BEGIN IMMEDIATE transaction."""
    row = sqlite.execute(_SCREENING_FOR_SALE, (user_id, screening_id)).fetchone()
    if row is None:
        raise NotFound("No such screening.", details={"screening_id": screening_id})
    (seats_total, price_paise, starts_at, dynamic_pricing, show_id, show_name, image_path,
     theatre_id, theatre_name, place, my_rating) = row
    starts_at, now = from_stored_time(starts_at), utcnow()
    if starts_at <= now:
        raise ScreeningStarted(details={"starts_at": starts_at.isoformat()})
    sold, highest_seat = sqlite.execute(_SEATS_SOLD, (screening_id,)).fetchone()
    seats_left = max(seats_total - sold, 0)
    if seats_left == 0:
        raise Houseful(details={"seats_left": 0})
    if seats_left < quantity:
        raise NotEnoughSeats(f"Only {seats_left} seat{'s' if seats_left != 1 else ''} left; you asked for "
                             f"{quantity}.", details={"seats_left": seats_left, "requested": quantity})
    unit_price = from_paise(price_paise)  # fixed now, under the write lock, whatever the price becomes later
    if expected_unit_price is not None and expected_unit_price != unit_price:
        raise PriceChanged(f"The price is now ₹{unit_price:.2f} a seat (you saw ₹{expected_unit_price:.2f}); "
                           f"nothing was booked.",
                           details={"unit_price": unit_price, "expected_unit_price": expected_unit_price})
    seats = _free_seats(sqlite, screening_id, seats_total, sold, highest_seat, quantity)
    total_price = unit_price * quantity
    booking_id = sqlite.execute(_INSERT_BOOKING, (
        user_id, screening_id, quantity, to_paise(unit_price), to_paise(total_price), CONFIRMED, idempotency_key,
        to_stored_time(now))).fetchone()[0]
    sqlite.executemany(_INSERT_TICKET, [(booking_id, screening_id, seat) for seat in seats])
    if dynamic_pricing:  # the next customer is quoted the price this sale has made
        pricing.reprice_on(sqlite, [screening_id], "booking", now=now)
    cutoff = timedelta(minutes=current_app.config["CANCELLATION_CUTOFF_MINUTES"])
    return {"id": booking_id, "user_id": user_id, "screening_id": screening_id, "quantity": quantity,
            "unit_price": unit_price, "total_price": total_price, "status": CONFIRMED,
            "idempotency_key": idempotency_key, "created_at": now, "seat_numbers": seats, "cancelled_at": None,
            "cancel_reason": None, "can_cancel": now < starts_at - cutoff, "can_rate": False, "my_rating": my_rating,
            "screening": {"id": screening_id, "starts_at": starts_at,
                          "show": {"id": show_id, "name": show_name, "image_url": images.url(image_path)},
                          "theatre": {"id": theatre_id, "name": theatre_name, "place": place}}}


def _free_seats(sqlite, screening_id: int, seats_total: int, sold: int, highest_seat: int,
                quantity: int) -> list[int]:
    """The lowest free seat numbers. Without cancellations seats are 1..sold, so no list is read."""
    if highest_seat == sold:
        return list(range(sold + 1, sold + quantity + 1))
    taken = {seat for (seat,) in sqlite.execute(_SEATS_TAKEN, (screening_id,))}
    free = (seat for seat in range(1, seats_total + 1) if seat not in taken)
    return [next(free) for _ in range(quantity)]


def _visible_booking(user: User, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or (booking.user_id != user.id and not user.is_admin):
        raise NotFound("No such booking.", details={"booking_id": booking_id})  # another's is "not found"
    return booking


def get_booking(user: User, booking_id: int) -> Booking:
    return _describe([_visible_booking(user, booking_id)])[0]


def cancel(user: User, booking_id: int) -> Booking:
    cutoff = timedelta(minutes=current_app.config["CANCELLATION_CUTOFF_MINUTES"])
    with immediate_transaction(db.session):
        booking = _visible_booking(user, booking_id)
        if booking.status == CANCELLED:
            return booking  # cancelling twice changes nothing
        closes_at = booking.screening.starts_at - cutoff
        if utcnow() >= closes_at:
            minutes = int(cutoff.total_seconds() // 60)
            raise CancellationClosed(f"Bookings can be cancelled until {minutes} minutes before the start.",
                                     details={"closed_at": closes_at.isoformat()})
        db.session.execute(Ticket.__table__.delete().where(Ticket.booking_id == booking.id))
        booking.status, booking.cancelled_at, booking.cancel_reason = CANCELLED, utcnow(), "cancelled_by_user"
        db.session.flush()
        pricing.reprice([booking.screening_id], "cancellation")
    return booking


def list_bookings(user: User, *, for_user_id: int | None = None, when: str | None = None,
                  status: str | None = None, page: int = 1, per_page: int = 20) -> dict:
    statement = select(Booking).join(Booking.screening)
    if user.is_admin:
        if for_user_id:
            statement = statement.where(Booking.user_id == for_user_id)
    else:
        statement = statement.where(Booking.user_id == user.id)
    if status:
        statement = statement.where(Booking.status == status)
    now = utcnow()
    if when == "upcoming":
        statement = statement.where(Screening.starts_at >= now).order_by(Screening.starts_at, Booking.id)
    elif when == "past":
        statement = statement.where(Screening.starts_at < now).order_by(Screening.starts_at.desc(), Booking.id.desc())
    else:
        statement = statement.order_by(Booking.created_at.desc(), Booking.id.desc())
    result = paginate(statement, page, per_page)
    _describe(result["items"])
    return result


def _describe(bookings: list[Booking]) -> list[Booking]:
    """Fill the response-only fields (seats, what the owner may do, their score) in two queries."""
    _with_seats(bookings)
    _with_my_ratings(bookings)
    return bookings


def _with_seats(bookings: list[Booking]) -> None:
    ids = [b.id for b in bookings]
    seats: dict[int, list[int]] = {}
    if ids:
        for booking_id, seat_no in db.session.execute(
                select(Ticket.booking_id, Ticket.seat_no).where(Ticket.booking_id.in_(ids)).order_by(Ticket.seat_no)):
            seats.setdefault(booking_id, []).append(seat_no)
    cutoff = timedelta(minutes=current_app.config["CANCELLATION_CUTOFF_MINUTES"])
    now = utcnow()
    for booking in bookings:
        booking.seat_numbers = seats.get(booking.id, [])
        booking.can_cancel = booking.status == CONFIRMED and now < booking.screening.starts_at - cutoff
        booking.can_rate = booking.status == CONFIRMED and booking.screening.starts_at <= now


def _with_my_ratings(bookings: list[Booking]) -> None:
    pairs = {(b.user_id, b.screening.show_id) for b in bookings}
    if not pairs:
        return
    user_ids = {u for u, _ in pairs}
    show_ids = {s for _, s in pairs}
    scores = {(r.user_id, r.show_id): r.score for r in db.session.scalars(
        select(Rating).where(Rating.user_id.in_(user_ids), Rating.show_id.in_(show_ids)))}
    for booking in bookings:
        booking.my_rating = scores.get((booking.user_id, booking.screening.show_id))


@writes
def rate(user_id: int, show_id: int, score: int) -> dict:
    """Rate a show the user has seen: a confirmed booking of one of its screenings that has started."""
    show = db.session.get(Show, show_id)
    if show is None or show.removed_at is not None:
        raise NotFound("No such show.", details={"show_id": show_id})
    attended = db.session.scalar(
        select(Booking.id).join(Booking.screening)
        .where(Booking.user_id == user_id, Booking.status == CONFIRMED, Screening.show_id == show_id,
               Screening.starts_at <= utcnow()).limit(1))
    if attended is None:
        raise Forbidden("You can rate a show once you have a booking for it and the screening has started.",
                        code="not_attended")
    mark_catalog_changed(db.session)  # show cards carry the users' average
    rating = db.session.scalar(select(Rating).where(Rating.user_id == user_id, Rating.show_id == show_id))
    if rating is None:
        rating = Rating(user_id=user_id, show_id=show_id, score=score)
        db.session.add(rating)
    else:
        rating.score = score
    db.session.flush()
    return {"show_id": show_id, "score": score, "user_rating": user_ratings([show_id])[show_id]}


