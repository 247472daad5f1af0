from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app, request
from flask_jwt_extended import current_user

from .. import policy
from ..auth.guards import auth_required
from ..errors import Invalid
from ..i18n import _
from ..jsonbody import shortcut
from ..openapi import IDEMPOTENCY_KEY, document
from ..tickets import notices
from ..waitingroom import service as waiting_room
from . import service
from .schemas import (
    BookingIn,
    BookingOut,
    BookingPage,
    BookingQuery,
    RatingIn,
    RatingOut,
    TheatreBookingPage,
    TheatreBookingQuery,
    booking_in,
    booking_out,
)

bp = APIBlueprint("booking", __name__, url_prefix="/api")

MAX_IDEMPOTENCY_KEY = 200


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key.strip()) <= MAX_IDEMPOTENCY_KEY:
        raise Invalid({"Idempotency-Key": _("Must be 1 to %(max)s characters.", max=MAX_IDEMPOTENCY_KEY)})
    return key.strip() if key else None


@bp.post("/bookings")
@auth_required
@bp.input(BookingIn, arg_name="data", validation=False)
@shortcut(BookingIn, booking_in)  # the usual bodies without marshmallow; any other through BookingIn
@bp.output(BookingOut, status_code=201)
@bp.doc(
    tags=["Bookings"],
    responses={
        200: {
            "description": "A replay: the booking this Idempotency-Key already made (nothing was booked now)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BookingOut"}}},
        },
        404: "`not_found`: no such screening (or it was removed), or no such hold (another user's too)",
        409: "`hold_expired` (the hold lapsed; nothing booked), `houseful` (no seat left), `not_enough_seats` "
        "(fewer left than asked; `details.seats_left`), `screening_started` (the screening is in the past) or "
        "`price_changed` (the price moved from `expected_unit_price`, or the hold's total differs from "
        "`expected_total_price`; the new one in `details`). Nothing is booked.",
        422: "Invalid fields: neither hold_id nor screening_id with quantity, quantity outside 1..the per-booking "
        "limit, an unknown field type, or a bad Idempotency-Key (1 to 200 characters); `details` names them. "
        "`idempotency_key_reused`: this Idempotency-Key was used in the last 24 hours with a different request "
        "(another hold, screening, quantity or expected price); nothing is booked",
    },
)
@document(parameters=[IDEMPOTENCY_KEY])
def create_booking(data):
    """Book a hold's seats, or the best available seats

    `{hold_id}` books exactly the seats of the caller's hold at the prices it quoted (the hold is the quote,
    under dynamic pricing too) and ends the hold. `{screening_id, quantity}` books the best available seats
    (side by side in one row when possible, nearest the middle; docs/seating.md) at their current prices.
    All or nothing; under any concurrency a seat is sold at most once. Send an `Idempotency-Key` to make
    retries safe: the same key from the same user within 24 hours answers the booking it first made (200)
    and never books twice. Send `expected_unit_price` (or, with a hold, `expected_total_price`) to be
    refused with 409 `price_changed` instead of paying a price that moved.
    """
    if "hold_id" in data:
        booking, created = service.book_hold(
            current_user.id,
            data["hold_id"],
            expected_total_price=data.get("expected_total_price"),
            idempotency_key=_idempotency_key(),
        )
    else:
        booking, created = service.book(
            current_user.id,
            data["screening_id"],
            data["quantity"],
            idempotency_key=_idempotency_key(),
            expected_unit_price=data.get("expected_unit_price"),
        )
    if created:  # the worker mails the tickets and the calendar file (tickets/notices.py)
        notices.wake_relay()
    waiting_room.leave(current_user.id, booking["screening_id"])  # the next in line may choose seats
    # BookingOut's JSON, dumped by hand (schemas.booking_out: the same bytes, a fraction of the CPU)
    response = current_app.json.response(booking_out(booking))
    response.status_code = 201 if created else 200
    return response


@bp.get("/bookings")
@auth_required
@bp.input(BookingQuery, location="query", arg_name="query")
@bp.output(BookingPage)
@bp.doc(
    tags=["Bookings"],
    responses={
        403: "`staff_only` or `not_your_theatre`: `theatre_id` given by a caller who is not the admin or a manager "
        "of that theatre"
    },
)
def list_bookings(query):
    """List the caller's bookings

    The caller's own bookings, newest first, one page at a time; filter by `when` (upcoming or past) and
    `status`. An admin sees everyone's, or one user's with `user_id` (ignored for other callers); a
    theatre's staff read its bookings at GET /api/theatres/{theatre_id}/bookings.
    """
    return service.list_bookings(
        current_user,
        for_user_id=query.get("user_id"),
        when=query.get("when"),
        status=query.get("status"),
        page=query["page"],
        per_page=query["per_page"],
    )


@bp.get("/theatres/<int:theatre_id>/bookings")
@policy.allow(policy.can_view_theatre_bookings, theatre="theatre_id")
@bp.input(TheatreBookingQuery, location="query", arg_name="query")
@bp.output(TheatreBookingPage)
@bp.doc(tags=["Bookings"], responses={404: "`not_found`: no such theatre"})
def list_theatre_bookings(theatre_id: int, query):
    """List a theatre's bookings

    Every booking for the theatre's screenings with who made it (`customer`), one page at a time; filter
    by `when`, `status` and `user_id`. For the admin and the theatre's managers. Staff cancel one with
    POST /api/bookings/{booking_id}/cancel (audited).

    Order without `sort`, as it always was: `when=upcoming` soonest screening first, `when=past` latest
    screening first, otherwise newest booked first. `sort` (the staff's bookings table, issue 16):
    `starts_at` / `-starts_at` (the screening's start), `-created_at` / `created_at` (when it was booked),
    `-total_price` (rupees, largest first), `customer` (username A to Z). Ties are broken by id, so pages
    never overlap. An unknown `sort` is 422 `validation_error` naming the keys.
    """
    return service.theatre_bookings(
        theatre_id,
        for_user_id=query.get("user_id"),
        when=query.get("when"),
        status=query.get("status"),
        sort=query.get("sort"),
        page=query["page"],
        per_page=query["per_page"],
    )


@bp.get("/bookings/<int:booking_id>")
@auth_required
@bp.output(BookingOut)
@bp.doc(tags=["Bookings"], responses={404: "`not_found`: no such booking, or another user's"})
def get_booking(booking_id: int):
    """One booking

    A booking of the caller (an admin may read any), with its screening, seats, prices and whether it
    can still be cancelled or rated.
    """
    return service.get_booking(current_user, booking_id)


@bp.post("/bookings/<int:booking_id>/cancel")
@auth_required
@bp.output(BookingOut)
@bp.doc(
    tags=["Bookings"],
    responses={
        404: "`not_found`: no such booking, or another user's",
        409: "`cancellation_closed`: too close to the start (the cutoff, default 60 minutes before)",
    },
)
def cancel_booking(booking_id: int):
    """Cancel a booking

    Cancels a confirmed booking of the caller; its seats return to sale at once. Cancelling an already
    cancelled booking answers it unchanged. Answers the booking with `status: "cancelled"`.
    """
    service.cancel(current_user, booking_id)
    return service.get_booking(current_user, booking_id)


@bp.put("/shows/<int:show_id>/rating")
@auth_required
@bp.input(RatingIn, arg_name="data")
@bp.output(RatingOut)
@bp.doc(
    tags=["Ratings"],
    responses={
        403: "`forbidden`: the caller has no confirmed booking of this show whose screening has started",
        404: "`not_found`: no such show",
    },
)
def rate_show(show_id: int, data):
    """Rate a show

    Gives the show a score from 1 to 5, for a user with a confirmed booking of it whose screening has
    started; rating again replaces the score. Answers the score and the show's new average.
    """
    return service.rate(current_user.id, show_id, data["score"])
