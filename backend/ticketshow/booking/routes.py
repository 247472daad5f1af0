from __future__ import annotations

from apiflask import APIBlueprint
from flask import request
from flask_jwt_extended import current_user

from ..auth.guards import auth_required
from ..errors import Invalid
from . import service
from .schemas import BookingIn, BookingOut, BookingPage, BookingQuery, RatingIn, RatingOut

bp = APIBlueprint("booking", __name__, url_prefix="/api")

MAX_IDEMPOTENCY_KEY = 200


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key.strip()) <= MAX_IDEMPOTENCY_KEY:
        raise Invalid({"Idempotency-Key": f"Must be 1 to {MAX_IDEMPOTENCY_KEY} characters."})
    return key.strip() if key else None


@bp.post("/bookings")
@auth_required
@bp.input(BookingIn, arg_name="data")
@bp.output(BookingOut, status_code=201)
@bp.doc(tags=["Bookings"], summary="Book seats (send Idempotency-Key to make retries safe)", responses={
    200: "The first booking made with this Idempotency-Key", 404: "No such screening",
    409: "houseful, not_enough_seats (details.seats_left), screening_started or price_changed"})
def create_booking(data):
    booking, created = service.book(current_user.id, data["screening_id"], data["quantity"],
                                    idempotency_key=_idempotency_key(),
                                    expected_unit_price=data.get("expected_unit_price"))
    if created:
        return booking, 201
    return service.get_booking(current_user, booking.id), 200


@bp.get("/bookings")
@auth_required
@bp.input(BookingQuery, location="query", arg_name="query")
@bp.output(BookingPage)
@bp.doc(tags=["Bookings"], summary="The caller's bookings (the admin sees all, or one user's with user_id)")
def list_bookings(query):
    return service.list_bookings(current_user, for_user_id=query.get("user_id"), when=query.get("when"),
                                 status=query.get("status"), page=query["page"], per_page=query["per_page"])


@bp.get("/bookings/<int:booking_id>")
@auth_required
@bp.output(BookingOut)
@bp.doc(tags=["Bookings"], responses={404: "No such booking, or another user's"})
def get_booking(booking_id: int):
    return service.get_booking(current_user, booking_id)


@bp.post("/bookings/<int:booking_id>/cancel")
@auth_required
@bp.output(BookingOut)
@bp.doc(tags=["Bookings"], responses={409: "cancellation_closed: too close to the start"})
def cancel_booking(booking_id: int):
    service.cancel(current_user, booking_id)
    return service.get_booking(current_user, booking_id)


@bp.put("/shows/<int:show_id>/rating")
@auth_required
@bp.input(RatingIn, arg_name="data")
@bp.output(RatingOut)
@bp.doc(tags=["Ratings"], responses={403: "No confirmed booking of this show that has started"})
def rate_show(show_id: int, data):
    return service.rate(current_user.id, show_id, data["score"])
