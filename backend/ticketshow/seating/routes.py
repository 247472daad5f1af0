"""Seat maps, layouts, blocked seats and holds: thin routes over seating.service. Who may: policy.py
(layouts and blocked seats: policy.can_manage_theatre, the admin or a manager of that theatre; holds: any
logged-in user, for themselves; seat maps and layouts: anyone)."""

from __future__ import annotations

from functools import wraps

from apiflask import APIBlueprint
from flask import Response, current_app
from flask_jwt_extended import current_user, verify_jwt_in_request

from .. import policy
from ..jsonbody import shortcut
from ..policy import BEARER
from ..waitingroom.routes import holds_gate
from . import service
from .schemas import (
    BlockedIn,
    BlockedOut,
    HoldIn,
    HoldOut,
    LayoutIn,
    LayoutOut,
    LayoutSaved,
    SeatMapOut,
    hold_in,
    hold_out,
)

bp = APIBlueprint("seating", __name__, url_prefix="/api")


def _answered_by_hand(view):
    """The new hold as HoldOut's JSON dumped by hand (schemas.hold_out: the same bytes), status 201; between
    @bp.output, which documents the answer and passes a Response through, and holds_gate, which reads the
    hold's expires_at. wraps() carries the view's OpenAPI notes (holds_gate's 429) up to @bp.output."""

    @wraps(view)
    def answered(*args, **kwargs):
        response = current_app.json.response(hold_out(view(*args, **kwargs)))
        response.status_code = 201
        return response

    return answered


@bp.get("/theatres/<int:theatre_id>/layout")
@policy.public
@bp.output(LayoutOut)
@bp.doc(tags=["Seat maps"], responses={404: "No such theatre"})
def get_layout(theatre_id: int):
    """A theatre's seating layout

    `{categories: [{code, name, price_pct}], rows: [{label, seats: [{number, category, accessible} | null]}]}`
    (null is a gap, an aisle), plus `stage` (screen or stage, drawn above the first row), `seat_count` (the
    theatre's capacity) and `is_default` (generated from the capacity: rows A, B, ... of 20 seats, one
    category `standard` at 100 %). Rows are listed front (nearest the stage) first; seats left to right.
    """
    return service.get_layout(theatre_id)


@bp.put("/theatres/<int:theatre_id>/layout")
@policy.allow(policy.can_manage_theatre, theatre="theatre_id")
@bp.input(LayoutIn, arg_name="data")
@bp.output(LayoutSaved)
@bp.doc(
    tags=["Seat maps"],
    responses={
        403: "Not the admin",
        404: "No such theatre",
        422: "Invalid layout: duplicate labels, unknown categories, more than 10,000 seats",
    },
)
def put_layout(theatre_id: int, data):
    """Replace a theatre's seating layout

    The theatre's capacity becomes the number of seats. Upcoming screenings with no seat sold or held take
    the new layout; the others keep the one they were sold on (`kept_screenings` counts them). 422 for
    duplicate seat labels or row labels, unknown categories, more than 10,000 seats, or a bad shape, with
    the offending fields named in `details` (e.g. `layout.rows.3.seats.7.category`).
    """
    return service.put_layout(theatre_id, data)


@bp.get("/screenings/<int:screening_id>/seats")
@policy.public
@bp.output(SeatMapOut)
@bp.doc(tags=["Seat maps"], security=[{}, {BEARER: []}], responses={404: "No such screening"})
def get_seat_map(screening_id: int):
    """A screening's seat map, as it is now

    Every seat with its label, category, price (the screening's current price × the category's price_pct
    / 100, whole rupees; a 100 % seat costs the screening's price) and state: `available`, `held` (in
    someone's live hold), `sold`, `blocked`, or `mine` (in the caller's own hold, when a token is sent).
    Never cached: a seat taken a moment ago is never shown available. `seats_left` counts the seats that
    can be had now (not sold, not held, not blocked); `my_hold` is the caller's live hold on it, if any.
    """
    verify_jwt_in_request(optional=True)
    user_id = current_user.id if current_user else None
    return Response(
        service.seat_map_json(screening_id, user_id), mimetype="application/json", headers={"Cache-Control": "no-store"}
    )


@bp.put("/screenings/<int:screening_id>/blocked-seats")
@policy.allow(policy.can_manage_theatre, theatre=policy.theatre_of_screening)
@bp.input(BlockedIn, arg_name="data")
@bp.output(BlockedOut)
@bp.doc(
    tags=["Seat maps"],
    responses={
        403: "Not the admin",
        404: "No such screening",
        409: "seats_unavailable: a seat is sold or held (details.seats)",
        422: "Unknown or repeated label",
    },
)
def put_blocked_seats(screening_id: int, data):
    """Replace a screening's blocked seats

    Blocked seats (house seats, a broken chair) are off sale for this screening only. The list replaces the
    blocked set; `[]` unblocks all. 409 `seats_unavailable` with `details.seats` if one of them is sold or
    in a live hold; 422 for an unknown or repeated label.
    """
    return service.set_blocked(screening_id, data["seats"])


@bp.post("/screenings/<int:screening_id>/holds")
@policy.allow(policy.can_hold_seats)
@bp.input(HoldIn, arg_name="data", validation=False)
@shortcut(HoldIn, hold_in)  # the usual bodies without marshmallow; any other through HoldIn
@bp.output(HoldOut, status_code=201)
@bp.doc(
    tags=["Holds"],
    responses={
        404: "No such screening",
        409: "seats_unavailable (details.seats), houseful, not_enough_seats or screening_started",
        422: "Unknown label, a label twice, or more seats than the per-booking limit",
    },
)
@_answered_by_hand
@holds_gate  # 429 waiting_room while the screening's waiting room is full (docs/waiting-room.md)
def create_hold(screening_id: int, data):
    """Hold seats while deciding

    `{seats: ["A5", "A6"]}` holds those seats; `{quantity: N}` holds the best available N (side by side in
    one row when possible, nearest the middle of the best category; `category` limits them to one). All or
    nothing, for HOLD_MINUTES (default 8), and it replaces the caller's earlier hold on this screening.
    `unit_prices` is the quote: booking the hold charges exactly these. From `expires_at` on the seats are
    free again, with no action needed.
    """
    return service.hold(
        current_user.id,
        screening_id,
        seats=data.get("seats"),
        quantity=data.get("quantity"),
        category=data.get("category"),
    )


@bp.get("/holds/<int:hold_id>")
@policy.logged_in
@bp.output(HoldOut)
@bp.doc(tags=["Holds"], responses={404: "No such hold, or another user's"})
def get_hold(hold_id: int):
    """One of the caller's holds

    With `state` live or expired (an expired hold's seats are free). 404 for another user's hold.
    """
    return service.get_hold(current_user.id, hold_id)


@bp.post("/holds/<int:hold_id>/renew")
@policy.logged_in
@bp.output(HoldOut)
@bp.doc(tags=["Holds"], responses={404: "No such hold, or another user's", 409: "renewal_limit or hold_expired"})
def renew_hold(hold_id: int):
    """Renew a hold

    Gives the hold HOLD_MINUTES more from now, at most HOLD_RENEWALS times (default 1): then 409
    `renewal_limit`. An expired hold cannot be renewed (409 `hold_expired`): hold the seats again.
    """
    return service.renew_hold(current_user.id, hold_id)


@bp.delete("/holds/<int:hold_id>")
@policy.logged_in
@bp.output({}, status_code=204)
@bp.doc(tags=["Holds"], responses={404: "No such hold, or another user's"})
def delete_hold(hold_id: int):
    """Release a hold

    The seats are free at once. 404 for another user's hold or one already released or booked.
    """
    service.release_hold(current_user.id, hold_id)
    return ""
