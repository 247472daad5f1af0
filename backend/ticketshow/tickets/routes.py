"""E-tickets and check-in: thin routes over tickets.service. Who may: policy.py (a booking's tickets: its
owner or the admin, 404 for anyone else; check-in and its figures: policy.can_check_in, the admin or a
manager or scanner of the screening's theatre; the public key: anyone)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response
from flask_jwt_extended import current_user

from .. import policy
from ..errors import NotFound
from ..i18n import _
from . import service
from .schemas import CheckinCountsOut, CheckinIn, CheckinOut, PublicKeyOut, TicketOut

bp = APIBlueprint("tickets", __name__, url_prefix="/api")


@bp.get("/checkin/key")
@policy.public
@bp.output(PublicKeyOut)
@bp.doc(tags=["Tickets"], operation_id="getCheckinKey")
def get_checkin_key():
    """The public key that verifies ticket codes

    `{algorithm: "Ed25519", public_key}`: the 32 raw bytes of the Ed25519 public key, base64url without
    padding. With it any scanner verifies a ticket's code offline: the signature covers the ASCII of the
    code's first part (docs/tickets.md). The key stays the same for the life of the data dir.
    """
    return service.public_key()


@bp.get("/bookings/<int:booking_id>/tickets")
@policy.logged_in
@bp.output(TicketOut(many=True))
@bp.doc(
    tags=["Tickets"],
    operation_id="listBookingTickets",
    responses={
        404: "`not_found`: no such booking, or it is not the caller's (only its owner or the admin "
        "may read its tickets)"
    },
)
def list_booking_tickets(booking_id: int):
    """A booking's tickets, one per seat

    `[{id, seat, code, qr, status, checked_in_at}]` in seat order (`qr`: the code's QR as an SVG data: URL). `code` is the text of the ticket's QR code:
    `<base64url(payload)>.<base64url(signature)>`, the payload compact JSON `{"t": ticket_id, "s":
    screening_id, "seat": "F12", "v": 1}`, signed with Ed25519 (key at GET /api/checkin/key). `status` is
    `valid`, `checked_in` (with `checked_in_at`) or `revoked` (the booking was cancelled). The owner or the
    admin only.
    """
    return service.booking_tickets(current_user, booking_id)


@bp.get("/bookings/<int:booking_id>/tickets.pdf")
@policy.logged_in
@bp.doc(
    tags=["Tickets"],
    operation_id="getBookingTicketsPdf",
    responses={
        200: {
            "description": "The tickets as a PDF, one A6 page per seat",
            "content": {"application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}},
        },
        404: "`not_found`: no such booking, or it is not the caller's",
    },
)
def get_booking_tickets_pdf(booking_id: int):
    """A booking's tickets as a PDF

    One A6 page per seat with its QR code, seat, show, theatre, place and time (local), the same fonts as
    the monthly report. A cancelled booking's pages say CANCELLED. The owner or the admin only.
    """
    body, name = service.tickets_pdf(current_user, booking_id)
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-store"},
    )


@bp.get("/bookings/<int:booking_id>/calendar.ics")
@policy.logged_in
@bp.doc(
    tags=["Tickets"],
    operation_id="getBookingCalendar",
    responses={
        200: {
            "description": "An iCalendar file (RFC 5545) with one VEVENT",
            "content": {"text/calendar": {"schema": {"type": "string", "contentMediaType": "text/calendar"}}},
        },
        404: "`not_found`: no such booking, or it is not the caller's",
    },
)
def get_booking_calendar(booking_id: int):
    """A booking as a calendar file

    One VEVENT: a stable UID (`booking-<id>@<host>`; importing the file again updates the same event), DTSTART
    the screening's start, DTEND start + the show's duration (3 hours when unknown), SUMMARY the show,
    LOCATION the theatre and place, STATUS CONFIRMED or CANCELLED. The owner or the admin only.
    """
    body, name = service.booking_calendar(current_user, booking_id)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.post("/checkin")
@policy.allow(policy.can_check_in, theatre=policy.IN_BODY)
@bp.input(CheckinIn, arg_name="data")
@bp.output(CheckinOut)
@bp.doc(
    tags=["Tickets"],
    operation_id="checkIn",
    responses={
        404: "`not_found`: no such screening",
        409: "`wrong_screening` (the ticket is for another screening; `details.screening_id`), `revoked` (its "
        "booking was cancelled), `not_open` (outside [start − CHECKIN_OPENS_MINUTES, start + "
        "CHECKIN_CLOSES_MINUTES]; `details.opens_at`, `details.closes_at`) or `already_checked_in` "
        "(`details.checked_in_at`: the first time). Every one names `details.ticket` {id, seat}.",
        422: "`invalid_code`: the code fails its signature or is not a ticket of this server; or invalid fields "
        "(`details` names them)",
    },
)
def check_in(data):
    """Check a ticket in at the door

    Scans the text of a ticket's QR code at the door of `screening_id`. Exactly once: of any number of
    scanners scanning one ticket at once, one gets `{result: "ok", ticket: {id, seat}, booking_id,
    checked_in_at}` and the others 409 `already_checked_in`. Send a `nonce` (one per scan) to retry safely:
    the same nonce from the same caller returns the first answer (ok or error) and changes nothing. Each ok
    adds an audit row (`checkin` of a `ticket`), each refusal one `checkin_refused` row (an invalid code is
    kept only as a short hash).

    Offline scans (an extension of the contract): a scanner that lost the network and let a person in on
    the signature alone sends the scan later with `scanned_at`, the time of the scan, and the scan's nonce.
    The window is judged at `scanned_at`, `checked_in_at` is `scanned_at` (a time ahead of the server's
    clock counts as now; more than 5 minutes ahead is a 422 on `scanned_at`), and the audit row says
    `offline: true` with `scanned_at` and `synced_at`. A ticket that another scanner let in meanwhile
    answers `already_checked_in` with the first time, as usual.
    """
    theatre_id = policy.theatre_of_screening({"screening_id": data["screening_id"]})
    if theatre_id is None:
        raise NotFound(_("No such screening."), details={"screening_id": data["screening_id"]})
    policy.require(policy.can_check_in, theatre_id)
    return service.check_in(current_user, data["code"], data["screening_id"], data.get("nonce"), data.get("scanned_at"))


@bp.get("/screenings/<int:screening_id>/checkin")
@policy.allow(policy.can_check_in, theatre=policy.theatre_of_screening)
@bp.output(CheckinCountsOut)
@bp.doc(tags=["Tickets"], operation_id="getCheckinCounts", responses={404: "`not_found`: no such screening"})
def get_checkin_counts(screening_id: int):
    """A screening's check-in figures

    `{screening_id, seats_sold, checked_in}`: tickets sold (of confirmed bookings) and how many of them
    have been checked in, now. For the scanner's running count.
    """
    return service.checkin_counts(screening_id)
