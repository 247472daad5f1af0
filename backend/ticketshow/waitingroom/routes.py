"""The waiting room: thin routes over waitingroom.service, and `holds_gate`, the check the holds route makes.
Who may: any logged-in user, for themselves (policy.can_hold_seats, as for holds)."""

from __future__ import annotations

from functools import wraps

from apiflask import APIBlueprint
from flask_jwt_extended import current_user

from .. import policy
from ..openapi import document
from . import service
from .schemas import AdmissionOut

bp = APIBlueprint("waitingroom", __name__, url_prefix="/api")


@bp.post("/screenings/<int:screening_id>/admission")
@policy.allow(policy.can_hold_seats)
@bp.output(AdmissionOut)
@bp.doc(
    tags=["Waiting room"],
    operation_id="askAdmission",
    responses={
        202: {
            "description": "Wait: `{admitted: false, position, retry_after}`; ask again after Retry-After seconds",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AdmissionOut"}}},
        },
        404: "No such screening",
        409: "`screening_started`",
    },
)
@document(headers={202: ["Retry-After"]})
def ask_admission(screening_id: int):
    """May I choose seats now?

    200 `{admitted: true, expires_at}`: choose seats now. The place is kept until `expires_at`
    (WAITING_ROOM_IDLE_MINUTES after the last question, or while the caller's hold lasts) and given up by
    booking (POST /api/bookings), by DELETE on this path, or by letting it run out. 202 `{admitted: false,
    position, retry_after}` with a Retry-After header: the room is full, the caller is in line at `position`
    (1 = next), first come first served; ask again after `retry_after` seconds (an entry that does not ask
    for 30 seconds lapses). While the room has a free place nobody in line is owed, anyone is let in at once;
    with WAITING_ROOM_BUYERS=0 (no room) or Redis unreachable, always 200. A poll is one Redis script call.
    """
    service.check_on_sale(screening_id)
    found = service.ask(current_user.id, screening_id)
    if found.admitted:
        return found.as_json()
    return found.as_json(), 202, {"Retry-After": str(found.retry_after)}


@bp.delete("/screenings/<int:screening_id>/admission")
@policy.allow(policy.can_hold_seats)
@bp.output({}, status_code=204)
@bp.doc(tags=["Waiting room"], operation_id="leaveAdmission", responses={404: "No such screening"})
def leave_admission(screening_id: int):
    """Leave the waiting room or its line

    204, whether or not the caller was in either: its place goes to the next in line. A hold it has is
    kept (and can still be booked). 404 for a screening that does not exist or was removed.
    """
    service.check_exists(screening_id)
    service.leave(current_user.id, screening_id)
    return ""


def holds_gate(view):
    """The room's check on POST /api/screenings/{id}/holds (put it right above the view function).

    Before the hold: a caller without a place while the room is full gets 429 `waiting_room` (details
    {position, retry_after}, Retry-After header) and is in line; anyone else goes on, taking a free place
    if it had none. After a hold: the place is kept while the hold lasts (it lapses with the hold). Told
    houseful: the caller leaves, so those in line come in and learn it too.
    """

    @wraps(view)
    def gated(*args, **kwargs):
        from ..booking.service import Houseful

        user_id, screening_id = current_user.id, kwargs["screening_id"]
        service.require_admission(user_id, screening_id)
        try:
            hold = view(*args, **kwargs)
        except Houseful:
            service.leave(user_id, screening_id)
            raise
        service.stay_until(user_id, screening_id, hold["expires_at"])
        return hold

    return document(
        headers={429: ["Retry-After"]},
        responses={
            429: "`waiting_room`: many buyers are choosing seats for this screening; the caller is in line "
            "(details.position, 1 = next; details.retry_after seconds, also in Retry-After). Ask POST "
            "/api/screenings/{screening_id}/admission until admitted, then hold."
        },
    )(gated)
