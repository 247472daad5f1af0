"""E-tickets and check-in (API.md "E-tickets and check-in"; docs/tickets.md).

- A booking's tickets: one per sold seat, each with its signed code (codes.py). A cancelled booking's
  tickets are `revoked` (booking/ledger.py moves them to revoked_tickets).
- Check-in: one conditional UPDATE (`... WHERE checked_in_at IS NULL`) inside BEGIN IMMEDIATE, so of any
  number of scanners scanning one ticket at once exactly one gets `ok`. A scanner's `nonce` keeps the
  first answer (checkin_nonces): the same nonce again returns it and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from flask import current_app
from sqlalchemy import text

from .. import audit, i18n, metrics, policy
from ..booking.models import Booking
from ..catalog.models import Screening
from ..clock import utcnow
from ..database import from_stored_time, immediate_transaction, to_stored_time
from ..errors import Conflict, DomainError, Invalid, NotFound
from ..extensions import db
from ..fields import local_isoformat
from ..i18n import _, _l
from ..notifications.rendering import renderer
from . import codes
from .models import CheckinNonce, RevokedTicket  # noqa: F401  (the tables are this package's)

VALID, CHECKED_IN, REVOKED = "valid", "checked_in", "revoked"
_render = renderer(Path(__file__).resolve().parent / "templates")


class InvalidCode(Invalid):
    """422 invalid_code: the text is not a ticket code signed by this server."""

    code = "invalid_code"

    def __init__(self, reason: str):
        # The reason is a diagnostic for the scanner's log (English, like the codes); the message is translated.
        super().__init__({"code": reason}, _("This is not a valid ticket code."))


class AlreadyCheckedIn(Conflict):
    code, message = "already_checked_in", _l("This ticket was already checked in.")


class Revoked(Conflict):
    code, message = "revoked", _l("This ticket was cancelled.")


class WrongScreening(Conflict):
    code, message = "wrong_screening", _l("This ticket is for another screening.")


class NotOpen(Conflict):
    code, message = "not_open", _l("Check-in is not open for this screening now.")


def _signing_key():
    return current_app.config["TICKET_SIGNING_KEY"]


def public_key() -> dict:
    """{algorithm: "Ed25519", public_key: base64url of the 32 raw bytes}: all a scanner needs to verify codes."""
    return {"algorithm": "Ed25519", "public_key": codes.public_key_b64url(_signing_key())}


def code_of(ticket_id: int, screening_id: int, seat: str) -> str:
    return codes.sign(_signing_key(), ticket_id, screening_id, seat)


# ---- a booking's tickets -------------------------------------------------------------------------

_BOOKING_TICKETS = text("""
    SELECT id, screening_id, seat_label, seat_no, checked_in_at, 0 AS revoked FROM tickets WHERE booking_id = :b
    UNION ALL
    SELECT id, screening_id, seat_label, NULL, checked_in_at, 1 FROM revoked_tickets WHERE booking_id = :b
    ORDER BY 4, 1""")


def _own_booking(user, booking_id: int) -> Booking:
    """The booking if the caller is its owner or the admin (a ticket lets its holder in); 404 NotFound for
    anyone else, as for a booking that does not exist."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or (booking.user_id != user.id and not policy.is_admin(user)):
        raise NotFound(_("No such booking."), details={"booking_id": booking_id})
    return booking


def _ticket_rows(booking_id: int):
    return db.session.execute(_BOOKING_TICKETS, {"b": booking_id}).all()


def qr_data_url(code: str) -> str:
    """The QR code of `code` as an SVG `data:` URL (segno; error correction M, a 4-module quiet zone)."""
    return segno.make(code, error="m", micro=False).svg_data_uri(scale=4, border=4)


def booking_tickets(user, booking_id: int) -> list[dict]:
    """[{id, seat, code, qr, status: "valid"|"checked_in"|"revoked", checked_in_at}] of a booking, in seat
    order (revoked ones last). `qr`: the code's QR as an SVG data: URL; `checked_in_at`: local time with its
    offset, or None. The owner or the admin only: 404 NotFound for anyone else."""
    _own_booking(user, booking_id)
    tickets = []
    for row in _ticket_rows(booking_id):
        checked_in_at = from_stored_time(row.checked_in_at)
        status = REVOKED if row.revoked else CHECKED_IN if checked_in_at else VALID
        code = code_of(row.id, row.screening_id, row.seat_label)
        tickets.append(
            {
                "id": row.id,
                "seat": row.seat_label,
                "code": code,
                "qr": qr_data_url(code),
                "status": status,
                "checked_in_at": local_isoformat(checked_in_at) if checked_in_at else None,
            }
        )
    return tickets


def booking_calendar(user, booking_id: int) -> tuple[bytes, str]:
    """(the .ics text, a file name) of a booking: see calendar.booking_calendar. Owner or admin, else 404."""
    from . import calendar  # icalendar (3 MB) is loaded by the few requests and mails that make .ics files

    booking = _own_booking(user, booking_id)
    seats = [row.seat_label for row in _ticket_rows(booking_id)]
    return calendar.booking_calendar(booking, seats), f"booking-{booking.id}.ics"


def tickets_pdf(user, booking_id: int) -> tuple[bytes, str]:
    """(the PDF, a file name) of a booking's tickets: one A6 page per seat with its QR, seat, show, theatre,
    place and time (local), in the reports' fonts and the current locale (a request's, or the one a mail
    task forces for the recipient). WeasyPrint fetches nothing but the QR's data: URL. Owner
    or admin, else 404 NotFound. About a few hundred ms of CPU per booking; not cached (tickets change state).
    The font configuration is the process's own, made once (reports.service.pdf_tools), not one per PDF."""
    from weasyprint import HTML  # imported late: it loads Pango, which most requests never need

    from ..reports.service import pdf_tools

    booking = _own_booking(user, booking_id)
    screening = booking.screening
    page = _render(
        "tickets.html",
        booking=booking,
        tickets=booking_tickets(user, booking_id),
        show=screening.show.name,
        theatre=screening.theatre.name,
        place=screening.theatre.place,
        when=local_datetime_text(screening.starts_at),
    )
    # Only data: URLs (the QR codes): no request to another host or file can come from a ticket's text.
    tools = pdf_tools()
    pdf = HTML(string=page, url_fetcher=tools.fetcher).write_pdf(font_config=tools.font_config)
    return pdf, f"tickets-booking-{booking.id}.pdf"


def local_datetime_text(moment: datetime) -> str:
    """ "Sun, 29 Nov 2026, 6:30 pm IST": a time for people, in APP_TIMEZONE, in the current locale's words
    ("रवि, 29 नव॰ 2026, 6:30 pm IST")."""
    local = moment.astimezone(ZoneInfo(current_app.config["APP_TIMEZONE"]))
    return f"{i18n.datetime_text(local)} {local.tzname()}"


# ---- check-in ------------------------------------------------------------------------------------


def checkin_window(starts_at: datetime) -> tuple[datetime, datetime]:
    """[start − CHECKIN_OPENS_MINUTES, start + CHECKIN_CLOSES_MINUTES] (settings; decimals allowed)."""
    config = current_app.config
    return (
        starts_at - timedelta(minutes=config["CHECKIN_OPENS_MINUTES"]),
        starts_at + timedelta(minutes=config["CHECKIN_CLOSES_MINUTES"]),
    )


_TICKET = text("SELECT screening_id, seat_label, booking_id, checked_in_at FROM tickets WHERE id = :t")
_REVOKED = text("SELECT seat_label FROM revoked_tickets WHERE id = :t")
# The one write of a check-in: only the first scanner's UPDATE matches the row.
_CHECK_IN = text("UPDATE tickets SET checked_in_at = :now WHERE id = :t AND checked_in_at IS NULL")


# How far ahead of the server's clock a scanner's `scanned_at` may be (phones' clocks drift); later than that
# is refused as a field error, anything up to it counts as "now".
SCANNED_AT_SKEW = timedelta(minutes=5)


def check_in(
    principal, code: str, screening_id: int, nonce: str | None = None, scanned_at: datetime | None = None
) -> dict:
    """Let a ticket in at the door of `screening_id`. The caller is staff of its theatre (the route checks).

    Returns {result: "ok", ticket: {id, seat}, booking_id, checked_in_at} (local time with offset).
    Raises InvalidCode (422: the signature fails, or no ticket by this server has this code), then, in this
    order, WrongScreening, Revoked (the booking was cancelled), NotOpen (outside checkin_window; details:
    opens_at, closes_at), AlreadyCheckedIn (details.checked_in_at: the first time). Every 409 carries
    `details.ticket` {id, seat}. With `nonce`, the first answer (ok, 409 or invalid_code) is kept for this
    caller and any later request with the same nonce gets it again, changing nothing.

    `scanned_at` (aware datetime): the scan happened then, on a scanner that was offline and lets the person
    in on the signature alone; this request is its sync. The window is judged at `scanned_at` and the
    ticket's `checked_in_at` is `scanned_at`; a time later than the server's clock counts as now, more than
    SCANNED_AT_SKEW later is 422 validation_error on `scanned_at`.

    Every answer but a nonce's replay adds one audit row in the same transaction: action "checkin" (ok) or
    "checkin_refused" (after: {reason: the error code, ...}) of entity "ticket" (entity_id None when the
    code names no ticket; an invalid code is kept only as `code_sha256`, the first 16 hex digits of its
    SHA-256). An offline scan's row says `offline: true`, `scanned_at` and `synced_at`.
    """
    now = utcnow()
    if scanned_at is not None and scanned_at - now > SCANNED_AT_SKEW:
        raise Invalid({"scanned_at": _("Must not be later than the server's time.")})
    at = min(scanned_at, now) if scanned_at is not None else now
    offline = {"offline": True, "scanned_at": at, "synced_at": now} if scanned_at is not None else {}
    try:
        claim, bad = codes.verify(_signing_key().public_key(), code), None
    except codes.BadCode as exc:
        claim, bad = None, str(exc)
    with immediate_transaction(db.session):
        if nonce is not None:
            first = db.session.get(CheckinNonce, (principal.id, nonce))
            if first is not None:
                return _replay(first)
        try:
            if claim is None:
                raise InvalidCode(bad)
            answer = _admit(claim, screening_id, at, offline)
            status = 200
        except DomainError as refusal:
            answer, status = (
                {"error": {"code": refusal.code, "message": str(refusal.message), "details": refusal.details}},
                refusal.status,
            )
            _audit_refusal(refusal, claim, code, screening_id, offline)
        if nonce is not None:
            db.session.add(
                CheckinNonce(
                    actor_id=principal.id, nonce=nonce, status=status, answer=json.dumps(answer), created_at=now
                )
            )
    metrics.checkin_event("ok" if status == 200 else answer["error"]["code"])
    return _replay(CheckinNonce(status=status, answer=json.dumps(answer)))


def _admit(claim: codes.TicketClaim, screening_id: int, at: datetime, offline: dict) -> dict:
    """The check of one ticket inside the caller's BEGIN IMMEDIATE, as of `at`: raises the refusal, or checks
    it in at `at` (with the `offline` facts in its audit row)."""
    ticket = {"id": claim.ticket_id, "seat": claim.seat}
    if claim.screening_id != screening_id:
        raise WrongScreening(details={"ticket": ticket, "screening_id": claim.screening_id})
    row = db.session.execute(_TICKET, {"t": claim.ticket_id}).first()
    if row is None:
        if db.session.execute(_REVOKED, {"t": claim.ticket_id}).first() is not None:
            raise Revoked(details={"ticket": ticket})
        raise InvalidCode("no such ticket")  # signed here, but not a ticket of this database
    if row.screening_id != claim.screening_id or row.seat_label != claim.seat:
        raise InvalidCode("no such ticket")
    screening = db.session.get(Screening, screening_id)
    opens_at, closes_at = checkin_window(screening.starts_at)
    if not opens_at <= at <= closes_at:
        raise NotOpen(
            details={"ticket": ticket, "opens_at": local_isoformat(opens_at), "closes_at": local_isoformat(closes_at)}
        )
    if db.session.execute(_CHECK_IN, {"now": to_stored_time(at), "t": claim.ticket_id}).rowcount != 1:
        first = from_stored_time(db.session.execute(_TICKET, {"t": claim.ticket_id}).first().checked_in_at)
        raise AlreadyCheckedIn(details={"ticket": ticket, "checked_in_at": local_isoformat(first)})
    audit.record(
        "checkin",
        "ticket",
        claim.ticket_id,
        {"checked_in_at": None},
        {
            "checked_in_at": at,
            "screening_id": screening_id,
            "seat": claim.seat,
            "booking_id": row.booking_id,
            **offline,
        },
    )
    return {"result": "ok", "ticket": ticket, "booking_id": row.booking_id, "checked_in_at": local_isoformat(at)}


def _audit_refusal(
    refusal: DomainError, claim: codes.TicketClaim | None, code: str, screening_id: int, offline: dict
) -> None:
    """One `checkin_refused` audit row for a refused scan, in the scan's transaction. The raw text of an
    invalid code is not kept (it may be anything someone held up to the camera): only a short hash, enough
    to see the same text tried again."""
    after = {"reason": refusal.code, "screening_id": screening_id, **offline}
    if claim is not None:
        after["seat"] = claim.seat
        if claim.screening_id != screening_id:
            after["ticket_screening_id"] = claim.screening_id
    if refusal.code == InvalidCode.code:
        after["code_sha256"] = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    if refusal.code == AlreadyCheckedIn.code:
        after["first_checked_in_at"] = refusal.details["checked_in_at"]
    if refusal.code == NotOpen.code:
        after.update(opens_at=refusal.details["opens_at"], closes_at=refusal.details["closes_at"])
    audit.record("checkin_refused", "ticket", claim.ticket_id if claim else None, None, after)


class _Replayed(DomainError):
    pass


def _replay(first: CheckinNonce) -> dict:
    """The answer kept for a nonce: the body of an ok, or the same error raised again."""
    answer = json.loads(first.answer)
    if first.status == 200:
        return answer
    error = _Replayed(answer["error"]["message"], code=answer["error"]["code"], details=answer["error"]["details"])
    error.status = first.status
    raise error


def checkin_counts(screening_id: int) -> dict:
    """{seats_sold, checked_in} of a screening now (tickets of confirmed bookings). 404 for no screening."""
    if db.session.get(Screening, screening_id) is None:
        raise NotFound(_("No such screening."), details={"screening_id": screening_id})
    sold, checked_in = db.session.execute(
        text("SELECT count(*), count(checked_in_at) FROM tickets WHERE screening_id = :s"), {"s": screening_id}
    ).one()
    return {"screening_id": screening_id, "seats_sold": sold, "checked_in": checked_in}
