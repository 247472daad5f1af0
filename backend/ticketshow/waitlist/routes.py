"""Waiting lists: thin routes over waitlist.service. Who may: any logged-in user, for themselves
(policy.can_hold_seats to join; policy.logged_in for their own entries: another's is 404); a screening's
figures: the admin and the managers of its theatre (policy.can_view_waitlists)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask_jwt_extended import current_user, verify_jwt_in_request

from .. import policy
from ..policy import BEARER
from . import service
from .schemas import EntryList, EntryOut, JoinIn, WaitlistFiguresOut, WaitlistStatusOut

bp = APIBlueprint("waitlist", __name__, url_prefix="/api")


@bp.post("/screenings/<int:screening_id>/waitlist")
@policy.allow(policy.can_hold_seats)
@bp.input(JoinIn, arg_name="data")
@bp.output(EntryOut, status_code=201)
@bp.doc(
    tags=["Waiting list"],
    operation_id="joinWaitlist",
    responses={
        404: "No such screening",
        409: "`not_houseful` (details.seats_left: book instead), `already_waiting`, `screening_started` or "
        "`waitlist_closed`",
        422: "quantity outside 1..BOOKING_MAX_QUANTITY",
    },
)
def join_waitlist(screening_id: int, data):
    """Join a screening's waiting list

    For a houseful screening, or one with fewer seats than wanted: wait for `quantity` seats together.
    201 `{id, screening_id, quantity, state: "waiting", position}`. When seats come back (a cancellation, a
    lapsed or released hold, unblocked seats, a larger layout) the first waiting entry that fits gets an offer, in
    the transaction that freed them: a hold on
    that many seats (side by side when possible) for OFFER_MINUTES, never past the cancellation cutoff,
    with an email. A larger entry that does not fit keeps its place. 409 `not_houseful` while the seats can
    be had (book them), `already_waiting` (one entry per screening), `waitlist_closed` after the cancellation
    cutoff. A screening removed by the admin closes its list at once (entries `closed`, with a kind notice).
    """
    entry, offered = service.join(current_user.id, screening_id, data["quantity"])
    service.notify(offered)
    return entry, 201


@bp.get("/waitlist")
@policy.logged_in
@bp.output(EntryList)
@bp.doc(tags=["Waiting list"], operation_id="listMyWaitlist")
def list_waitlist():
    """The caller's waiting-list entries

    Newest first, with the screening, `position` while waiting, and `hold {id, seats, unit_prices,
    total_price, expires_at}` while offered (book it with `POST /api/bookings {hold_id}`). Entries left or
    declined are not listed; an offer past its `expires_at` reads `expired`.
    """
    items = service.my_entries(current_user.id)
    return {"items": items, "total": len(items)}


@bp.delete("/waitlist/<int:entry_id>")
@policy.logged_in
@bp.output({}, status_code=204)
@bp.doc(tags=["Waiting list"], operation_id="leaveWaitlist", responses={404: "No such entry, or another user's"})
def leave_waitlist(entry_id: int):
    """Leave a waiting list, or decline an offer

    204. Declining releases the offer's hold, and its seats go at once to the next entry that fits. An entry
    that has already ended (booked, expired, closed) is left as it is. 404 for another user's entry.
    """
    service.notify(service.leave(current_user.id, entry_id))
    return ""


@bp.get("/screenings/<int:screening_id>/waitlist")
@policy.public
@bp.output(WaitlistStatusOut)
@bp.doc(
    tags=["Waiting list"],
    operation_id="getScreeningWaitlist",
    security=[{}, {BEARER: []}],
    responses={404: "No such screening"},
)
def screening_waitlist(screening_id: int):
    """A screening's waiting list, as the booking page shows it

    `length` (entries waiting) and, with a token, `my_entry`: the caller's active entry with its position
    or its offer. Never cached.
    """
    verify_jwt_in_request(optional=True)
    return service.screening_status(current_user.id if current_user else None, screening_id)


@bp.get("/screenings/<int:screening_id>/waitlist/figures")
@policy.allow(policy.can_view_waitlists, theatre=policy.theatre_of_screening)
@bp.output(WaitlistFiguresOut)
@bp.doc(tags=["Waiting list"], operation_id="getScreeningWaitlistFigures", responses={404: "No such screening"})
def screening_waitlist_figures(screening_id: int):
    """A screening's waiting list in figures, for its staff

    `{screening_id, length, seats_wanted, offers_out, offers_made, conversions}`: entries waiting now, the
    seats they ask for, offers open now, offers ever made, and offers booked. The dashboard
    (`GET /api/admin/dashboard`, `waitlists`) has the same figures for every screening of the window.
    """
    return service.figures_of(screening_id)
