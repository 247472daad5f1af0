"""Booking rules: seats are taken and freed in one BEGIN IMMEDIATE transaction each.

SQLite's write lock serialises every writer, in this process and in every other gunicorn worker, so
the count of sold seats read inside the transaction cannot change before the tickets are inserted.
The unique (screening_id, seat_no) index is the last line of defence should that ever be wrong.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from .. import audit, metrics, policy
from ..auth.models import User
from ..cache import mark_catalog_changed
from ..catalog import images
from ..catalog.models import Screening, Show
from ..clock import utcnow
from ..database import driver_writes, immediate_transaction, session_write_connection, writes
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..i18n import _, _l, money, ngettext
from ..pagination import paginate
from ..pricing import repricing
from ..pricing.formula import seat_price
from ..ratings import service as ratings
from ..seating.picking import best_available
from ..tickets import notices
from ..waitlist import service as waitlist
from . import ledger
from .models import CANCELLED, CONFIRMED, Booking, Ticket

if TYPE_CHECKING:
    from ..auth.service import Principal  # who is calling (current_user), not a User row

IDEMPOTENCY_WINDOW = timedelta(hours=24)


class Houseful(Conflict):
    code, message = "houseful", _l("This screening is houseful: no seats are left.")


class NotEnoughSeats(Conflict):
    code = "not_enough_seats"


class ScreeningStarted(Conflict):
    code, message = "screening_started", _l("This screening has already started; it can no longer be booked.")


class CancellationClosed(Conflict):
    code = "cancellation_closed"


class PriceChanged(Conflict):
    code = "price_changed"


class IdempotencyKeyReused(Invalid):
    code = "idempotency_key_reused"


def request_fingerprint(request: dict) -> str:
    """SHA-256 of the booking request in canonical JSON (sorted keys, amounts as text): what an
    Idempotency-Key stands for. Every field counts, so another quantity, screening or expected price is
    another request."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replayed_booking(sqlite, user_id: int, key: str, fingerprint: str, now) -> int | None:
    """The booking this key made within 24 hours, if it was made by the same request. The same key with a
    different request raises IdempotencyKeyReused (422, as the IETF Idempotency-Key draft says); bookings
    stored before fingerprints replay as before."""
    use = ledger.key_use(sqlite, user_id, key, now=now, window=IDEMPOTENCY_WINDOW)
    if use is None:
        return None
    if use.request_fingerprint is not None and use.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            {
                "Idempotency-Key": _(
                    "This key was used for a different booking request in the last 24 hours; "
                    "use a new key for a new request."
                )
            },
            _("This Idempotency-Key was already used with a different request; nothing was booked."),
        )
    return use.booking_id


def book(
    user_id: int,
    screening_id: int,
    quantity: int,
    *,
    idempotency_key: str | None = None,
    expected_unit_price: Decimal | None = None,
) -> tuple[dict, bool]:
    """Book `quantity` seats. Returns (booking, created): the booking in BookingOut's shape (a dict: money
    in rupees as Decimal, times as aware UTC datetimes), and False for created when the Idempotency-Key
    already made it within 24 hours (then the booking is answered as it stands now).

    Raises Invalid (quantity outside 1..BOOKING_MAX_QUANTITY), NotFound (no live screening), ScreeningStarted,
    Houseful, NotEnoughSeats (details.seats_left), PriceChanged (expected_unit_price differs) and
    IdempotencyKeyReused (422: the key was used with another request in the last 24 hours; nothing booked).
    This is the hottest write path, so its statements are the seat ledger's plain SQL (booking/ledger.py) in
    their own BEGIN IMMEDIATE transaction (database.driver_writes), holding the write lock for a
    few indexed statements only, and a new booking is answered from what they read, without loading it again.
    Called inside the session's immediate_transaction (the demo loader), it joins that transaction instead.
    """
    limit = current_app.config["BOOKING_MAX_QUANTITY"]
    if not 1 <= quantity <= limit:  # the schema checks too; services stand on their own
        raise Invalid({"quantity": _("Book between 1 and %(limit)s seats at a time.", limit=limit)})
    fingerprint = (
        request_fingerprint(
            {"screening_id": screening_id, "quantity": quantity, "expected_unit_price": expected_unit_price}
        )
        if idempotency_key
        else None
    )
    with driver_writes(db.session) as sqlite:
        now = utcnow()  # read under the write lock: the start check and created_at see the same moment
        previous_id = _replayed_booking(sqlite, user_id, idempotency_key, fingerprint, now) if idempotency_key else None
        if previous_id is None:
            # lapsed holds go to the waiting list first (one indexed read when nobody waits)
            offered = waitlist.offer_if_waiting(sqlite, screening_id, now)
            with waitlist.keeping_offers(sqlite, offered) as kept:  # a refused booking keeps the offers
                booking = _take_seats(
                    sqlite, user_id, screening_id, quantity, idempotency_key, expected_unit_price, now, fingerprint
                )
    if previous_id is None:
        waitlist.notify(offered)
        if kept.error:
            raise kept.error
        metrics.booking_event("confirmed", seats=quantity)  # after the commit: a rollback is never counted
        return booking, True
    return _answer(_describe([db.session.get(Booking, previous_id)])[0]), False


def unit_price_of(seat_prices: dict[str, Decimal]) -> Decimal:
    """A booking's unit_price: its seats' price when they are all the same, else their mean to the paisa
    (total_price is always the exact sum of the seats' prices)."""
    values = list(seat_prices.values())
    if len(set(values)) == 1:
        return values[0]
    return (sum(values, Decimal("0")) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _on_sale(sqlite, user_id: int, screening_id: int, now) -> ledger.ScreeningForSale:
    screening = ledger.screening_for_sale(sqlite, user_id, screening_id)
    if screening is None:
        raise NotFound(_("No such screening."), details={"screening_id": screening_id})
    if screening.starts_at_utc <= now:
        raise ScreeningStarted(details={"starts_at": screening.starts_at_utc.isoformat()})
    return screening


def _take_seats(
    sqlite,
    user_id: int,
    screening_id: int,
    quantity: int,
    idempotency_key: str | None,
    expected_unit_price: Decimal | None,
    now,
    fingerprint: str | None = None,
) -> dict:
    """Check and take the best available seats (seating.picking), inside the caller's BEGIN IMMEDIATE.

    Seats that can be had are those not sold, not blocked and not in a live hold, read against the clock
    now, under the write lock. A client that sent expected_unit_price gets seats at that price when enough
    are left (a house with several categories), so an old client is charged what it was shown.
    """
    screening = _on_sale(sqlite, user_id, screening_id, now)
    taken = ledger.taken_labels(sqlite, screening_id, now)
    seats_left = max(screening.seats_total - len(taken), 0)
    if seats_left == 0:
        raise Houseful(details={"seats_left": 0})
    if seats_left < quantity:
        raise NotEnoughSeats(
            ngettext(
                "Only %(num)d seat left; you asked for %(quantity)s.",
                "Only %(num)d seats left; you asked for %(quantity)s.",
                seats_left,
                quantity=quantity,
            ),
            details={"seats_left": seats_left, "requested": quantity},
        )
    layout = ledger.layout_of(sqlite, screening.layout_id, screening.layout_digest, screening.seats_total)
    price = screening.unit_price  # fixed now, under the write lock, whatever the price becomes later
    labels = None
    if expected_unit_price is not None and len(layout.price_pct) > 1:
        at_price = {code for code, pct in layout.price_pct.items() if seat_price(price, pct) == expected_unit_price}
        labels = best_available(layout, taken, quantity, at_price) if at_price else None
    labels = labels or best_available(layout, taken, quantity)
    seat_prices = ledger.prices(layout, price, labels)
    unit_price = unit_price_of(seat_prices)
    if expected_unit_price is not None and expected_unit_price != unit_price:
        raise PriceChanged(
            _(
                "The price is now %(price)s a seat (you saw %(seen)s); nothing was booked.",
                price=money(unit_price),
                seen=money(expected_unit_price),
            ),
            details={"unit_price": unit_price, "expected_unit_price": expected_unit_price},
        )
    seats = [ledger.SoldSeat(label, layout.by_label[label].seat_no, seat_prices[label]) for label in labels]
    return _sell(sqlite, user_id, screening, seats, unit_price, idempotency_key, now, fingerprint)


def _sell(
    sqlite,
    user_id: int,
    screening: ledger.ScreeningForSale,
    seats: list,
    unit_price: Decimal,
    idempotency_key: str | None,
    now,
    fingerprint: str | None,
) -> dict:
    """Record the sale (booking/ledger.py), reprice a dynamic screening, and answer the booking as the API
    shows it, from what the transaction read."""
    screening_id = screening.id
    sale = ledger.record_sale(
        sqlite,
        user_id=user_id,
        screening_id=screening_id,
        seats=seats,
        unit_price=unit_price,
        idempotency_key=idempotency_key,
        now=now,
        request_fingerprint=fingerprint,
        notice_locale=notices.caller_locale(user_id),
    )
    if screening.dynamic_pricing:  # the next customer is quoted the price this sale has made
        repricing.reprice_on(sqlite, [screening_id], "booking", now=now)
    cutoff = timedelta(minutes=current_app.config["CANCELLATION_CUTOFF_MINUTES"])
    starts_at = screening.starts_at_utc
    return {
        "id": sale.booking_id,
        "user_id": user_id,
        "screening_id": screening_id,
        "quantity": len(seats),
        "unit_price": sale.unit_price,
        "total_price": sale.total_price,
        "status": CONFIRMED,
        "idempotency_key": idempotency_key,
        "created_at": sale.created_at,
        "seat_numbers": sale.seat_numbers,
        "seats": sale.seats,
        "seat_prices": sale.seat_prices,
        "cancelled_at": None,
        "cancel_reason": None,
        "can_cancel": now < starts_at - cutoff,
        "can_rate": False,
        "my_rating": screening.my_rating,
        "screening": {
            "id": screening_id,
            "starts_at": starts_at,
            "show": {
                "id": screening.show_id,
                "name": screening.show_name,
                "image_url": images.url(screening.image_path),
            },
            "theatre": {"id": screening.theatre_id, "name": screening.theatre_name, "place": screening.place},
        },
    }


def book_hold(
    user_id: int, hold_id: int, *, expected_total_price: Decimal | None = None, idempotency_key: str | None = None
) -> tuple[dict, bool]:
    """Book exactly the held seats at the held prices (the hold is the quote, under dynamic pricing too), in
    one BEGIN IMMEDIATE transaction that also ends the hold. Returns (booking, created) as book() does.

    Raises NotFound (404: an unknown hold, another user's, or one already booked or released), HoldExpired
    (409 from its expires_at on; nothing booked), ScreeningStarted, PriceChanged (expected_total_price differs
    from the hold's total) and IdempotencyKeyReused.
    """
    from ..seating.service import HoldExpired

    fingerprint = (
        request_fingerprint({"hold_id": hold_id, "expected_total_price": expected_total_price})
        if idempotency_key
        else None
    )
    with driver_writes(db.session) as sqlite:
        now = utcnow()
        previous_id = _replayed_booking(sqlite, user_id, idempotency_key, fingerprint, now) if idempotency_key else None
        if previous_id is None:
            hold = ledger.read_hold(sqlite, hold_id)
            if hold is None or hold["user_id"] != user_id:
                raise NotFound(_("No such hold."), details={"hold_id": hold_id})  # another's is "not found"
            if hold["expires_at"] <= now:
                raise HoldExpired(details={"expires_at": hold["expires_at"].isoformat()})
            screening = _on_sale(sqlite, user_id, hold["screening_id"], now)
            if expected_total_price is not None and expected_total_price != hold["total_price"]:
                raise PriceChanged(
                    _(
                        "This hold costs %(price)s (you saw %(seen)s); nothing was booked.",
                        price=money(hold["total_price"]),
                        seen=money(expected_total_price),
                    ),
                    details={"total_price": hold["total_price"], "expected_total_price": expected_total_price},
                )
            seats = [
                ledger.SoldSeat(label, seat_no, hold["unit_prices"][label])
                for label, seat_no in zip(hold["seats"], hold["seat_numbers"], strict=True)
            ]
            ledger.delete_hold(sqlite, hold_id)  # its seats become tickets in the same transaction
            booking = _sell(
                sqlite, user_id, screening, seats, unit_price_of(hold["unit_prices"]), idempotency_key, now, fingerprint
            )
            waitlist.mark_booked(sqlite, hold_id, booking["id"], now)  # an offer taken up
    if previous_id is None:
        metrics.hold_event("booked")  # after the commit, like every counter
        metrics.booking_event("confirmed", seats=len(seats))
        return booking, True
    return _answer(_describe([db.session.get(Booking, previous_id)])[0]), False


def _answer(booking: Booking) -> dict:
    """A described Booking (see _describe) in the same shape as _take_seats' answer."""
    screening = booking.screening
    return {
        "id": booking.id,
        "user_id": booking.user_id,
        "screening_id": booking.screening_id,
        "quantity": booking.quantity,
        "unit_price": booking.unit_price,
        "total_price": booking.total_price,
        "status": booking.status,
        "idempotency_key": booking.idempotency_key,
        "created_at": booking.created_at,
        "seat_numbers": list(booking.seat_numbers),
        "seats": list(booking.seats),
        "seat_prices": dict(booking.seat_prices),
        "cancelled_at": booking.cancelled_at,
        "cancel_reason": booking.cancel_reason,
        "can_cancel": booking.can_cancel,
        "can_rate": booking.can_rate,
        "my_rating": booking.my_rating,
        "screening": {
            "id": screening.id,
            "starts_at": screening.starts_at,
            "show": {
                "id": screening.show.id,
                "name": screening.show.name,
                "image_url": images.url(screening.show.image_path),
            },
            "theatre": {"id": screening.theatre.id, "name": screening.theatre.name, "place": screening.theatre.place},
        },
    }


def _visible_booking(user: Principal, booking_id: int) -> Booking:
    """The booking if the caller may read it: its owner, or staff who may read its theatre's bookings
    (policy.can_view_theatre_bookings). Anyone else's is "not found", not "forbidden"."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or (
        booking.user_id != user.id and not policy.can_view_theatre_bookings(user, booking.screening.theatre_id)
    ):
        raise NotFound(_("No such booking."), details={"booking_id": booking_id})
    return booking


def get_booking(user: Principal, booking_id: int) -> Booking:
    return _describe([_visible_booking(user, booking_id)])[0]


def cancel(user: Principal, booking_id: int) -> Booking:
    """Cancel a booking: its owner, or staff of its theatre (policy.can_cancel_theatre_bookings; audited, with
    cancel_reason "cancelled_by_staff"). Seats return to sale at once. Raises NotFound (not visible to the
    caller), Forbidden, CancellationClosed (after CANCELLATION_CUTOFF_MINUTES before the start)."""
    cutoff = timedelta(minutes=current_app.config["CANCELLATION_CUTOFF_MINUTES"])
    with immediate_transaction(db.session):
        booking = _visible_booking(user, booking_id)
        if booking.user_id != user.id:  # staff cancelling someone's booking
            policy.require(policy.can_cancel_theatre_bookings, booking.screening.theatre_id)
        if booking.status == CANCELLED:
            return booking  # cancelling twice changes nothing
        closes_at = booking.screening.starts_at - cutoff
        if utcnow() >= closes_at:
            minutes = int(cutoff.total_seconds() // 60)
            raise CancellationClosed(
                _("Bookings can be cancelled until %(minutes)s minutes before the start.", minutes=minutes),
                details={"closed_at": closes_at.isoformat()},
            )
        screening_id, by_staff = booking.screening_id, booking.user_id != user.id
        seats = sorted(db.session.scalars(select(Ticket.seat_no).where(Ticket.booking_id == booking.id)))
        reason = "cancelled_by_staff" if by_staff else "cancelled_by_user"
        ledger.cancel_and_free_seats(
            session_write_connection(db.session),
            [booking.id],
            reason=reason,
            now=utcnow(),
            notice_locale=notices.caller_locale(booking.user_id),
        )
        db.session.expire(booking)  # the ledger wrote past the session
        if by_staff:  # the owner's own cancellations are theirs, not staff writes
            audit.record(
                "cancel",
                "booking",
                booking.id,
                {"status": CONFIRMED, "seats": seats, "user_id": booking.user_id},
                {"status": CANCELLED, "cancel_reason": reason},
            )
        repricing.reprice([screening_id], "cancellation")
        db.session.flush()
        # the freed seats reach the waiting list before the lock is let go: nobody can take them first
        offered = waitlist.offer_if_waiting(session_write_connection(db.session), screening_id, utcnow())
    metrics.booking_event("cancelled")
    waitlist.notify(offered)
    notices.wake_relay()  # the owner's notice is owed since the commit: the relay queues it
    return booking


def list_bookings(
    user: Principal,
    *,
    for_user_id: int | None = None,
    when: str | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> dict:
    """The caller's own bookings; the admin's: everyone's, or one user's with `for_user_id`."""
    statement = select(Booking).join(Booking.screening)
    if policy.is_admin(user):
        if for_user_id:
            statement = statement.where(Booking.user_id == for_user_id)
    else:
        statement = statement.where(Booking.user_id == user.id)
    return _page(statement, when, status, page, per_page)


# GET /api/theatres/{id}/bookings?sort=: the staff's bookings table (issue 16). Each key orders one way; ties
# fall to the booking's id (in the key's direction, a customer's newest first), so pages never overlap.
THEATRE_BOOKING_SORTS = {
    "starts_at": (Screening.starts_at, Booking.id),  # the screening's start, soonest first
    "-starts_at": (Screening.starts_at.desc(), Booking.id.desc()),
    "-created_at": (Booking.created_at.desc(), Booking.id.desc()),  # newest booked first
    "created_at": (Booking.created_at, Booking.id),
    "-total_price": (Booking.total_price.desc(), Booking.id.desc()),  # the largest sale first
    "customer": (User.username_key, Booking.id.desc()),  # the customer's username A to Z (case-mapped)
}


def theatre_bookings(
    theatre_id: int,
    *,
    for_user_id: int | None = None,
    when: str | None = None,
    status: str | None = None,
    sort: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> dict:
    """A theatre's bookings with their `customer` ({id, username}), for its staff (the route's policy:
    can_view_theatre_bookings): {"items", "total", "page", "per_page"}. `sort`, one of
    THEATRE_BOOKING_SORTS; without it, the order `when` has always given (_page). NotFound for a theatre
    that does not exist."""
    from ..catalog.models import Theatre

    if db.session.get(Theatre, theatre_id) is None:
        raise NotFound(_("No such theatre."), details={"theatre_id": theatre_id})
    statement = select(Booking).join(Booking.screening).where(Screening.theatre_id == theatre_id)
    if for_user_id:
        statement = statement.where(Booking.user_id == for_user_id)
    order = None
    if sort:
        order = THEATRE_BOOKING_SORTS[sort]
        if sort == "customer":
            statement = statement.join(User, User.id == Booking.user_id)
    result = _page(statement, when, status, page, per_page, order=order)
    _with_customers(result["items"])
    return result


def _page(statement, when: str | None, status: str | None, page: int, per_page: int, order=None) -> dict:
    """One page of `statement`'s bookings, described. Without `order` (ORDER BY terms), the order `when`
    gives: upcoming soonest screening first, past latest first, all newest booked first."""
    if status:
        statement = statement.where(Booking.status == status)
    now = utcnow()
    if when == "upcoming":
        statement = statement.where(Screening.starts_at >= now).order_by(Screening.starts_at, Booking.id)
    elif when == "past":
        statement = statement.where(Screening.starts_at < now).order_by(Screening.starts_at.desc(), Booking.id.desc())
    else:
        statement = statement.order_by(Booking.created_at.desc(), Booking.id.desc())
    if order:
        statement = statement.order_by(None).order_by(*order)
    result = paginate(statement, page, per_page)
    _describe(result["items"])
    return result


def _with_customers(bookings: list[Booking]) -> None:
    ids = {b.user_id for b in bookings}
    names = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all()) if ids else {}
    for booking in bookings:
        booking.customer = {"id": booking.user_id, "username": names.get(booking.user_id)}


def _describe(bookings: list[Booking]) -> list[Booking]:
    """Fill the response-only fields (seats, what the owner may do, their score) in two queries."""
    _with_seats(bookings)
    _with_my_ratings(bookings)
    return bookings


def _with_seats(bookings: list[Booking]) -> None:
    ids = [b.id for b in bookings]
    seats: dict[int, list] = {}
    if ids:
        for booking_id, seat_no, label, price in db.session.execute(
            select(Ticket.booking_id, Ticket.seat_no, Ticket.seat_label, Ticket.price)
            .where(Ticket.booking_id.in_(ids))
            .order_by(Ticket.seat_no)
        ):
            seats.setdefault(booking_id, []).append((seat_no, label, price))
    cutoff = timedelta(minutes=current_app.config["CANCELLATION_CUTOFF_MINUTES"])
    now = utcnow()
    for booking in bookings:
        mine = seats.get(booking.id, [])
        booking.seat_numbers = [no for no, _, _ in mine]
        booking.seats = [label for _, label, _ in mine]
        booking.seat_prices = {label: booking.unit_price if price is None else price for _, label, price in mine}
        booking.can_cancel = booking.status == CONFIRMED and now < booking.screening.starts_at - cutoff
        booking.can_rate = booking.status == CONFIRMED and booking.screening.starts_at <= now


def _with_my_ratings(bookings: list[Booking]) -> None:
    found = ratings.scores({b.user_id for b in bookings}, {b.screening.show_id for b in bookings})
    for booking in bookings:
        booking.my_rating = found.get((booking.user_id, booking.screening.show_id))


@writes
def rate(user_id: int, show_id: int, score: int) -> dict:
    """Rate a show the user has seen: a confirmed booking of one of its screenings that has started."""
    show = db.session.get(Show, show_id)
    if show is None or show.removed_at is not None:
        raise NotFound(_("No such show."), details={"show_id": show_id})
    attended = db.session.scalar(
        select(Booking.id)
        .join(Booking.screening)
        .where(
            Booking.user_id == user_id,
            Booking.status == CONFIRMED,
            Screening.show_id == show_id,
            Screening.starts_at <= utcnow(),
        )
        .limit(1)
    )
    if attended is None:
        raise Forbidden(
            _("You can rate a show once you have a booking for it and the screening has started."),
            code="not_attended",
        )
    mark_catalog_changed(db.session)  # show cards carry the users' average
    ratings.set_score(user_id, show_id, score)
    return {"show_id": show_id, "score": score, "user_rating": ratings.user_ratings([show_id])[show_id]}
