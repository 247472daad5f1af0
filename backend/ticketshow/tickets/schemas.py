"""Shapes of e-tickets and check-in (API.md "E-tickets and check-in")."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, Nested, String
from marshmallow import validate

from ..fields import OffsetDateTime, RowId
from .codes import MAX_SCANNED_TEXT

DATE_TIME = {"format": "date-time", "example": "2026-12-01T18:02:11+05:30"}


class TicketOut(Schema):
    id = Integer(required=True)
    seat = String(required=True, metadata={"example": "F12"})
    code = String(
        required=True,
        metadata={
            "description": "the text of the ticket's QR code: `<base64url(payload)>.<base64url(signature)>` "
            "(docs/tickets.md)"
        },
    )
    qr = String(required=True, metadata={"description": "the QR code of `code`, as an SVG `data:` URL (for an <img>)"})
    status = String(required=True, validate=validate.OneOf(["valid", "checked_in", "revoked"]))
    checked_in_at = String(required=True, allow_none=True, metadata=DATE_TIME)


class PublicKeyOut(Schema):
    algorithm = String(required=True, validate=validate.OneOf(["Ed25519"]))
    public_key = String(required=True, metadata={"description": "base64url (no padding) of the 32 raw bytes"})


class CheckinIn(Schema):
    code = String(
        required=True,
        validate=validate.Length(min=1, max=MAX_SCANNED_TEXT),
        metadata={
            "description": "the text read from the ticket's QR code; any text a QR code can hold that is no ticket of "
            "this server is 422 `invalid_code`"
        },
    )
    screening_id = RowId(required=True, metadata={"description": "the screening at whose door the scan happens"})
    nonce = String(
        validate=validate.Length(min=1, max=100),
        metadata={
            "description": "chosen by the scanner per scan (e.g. a UUID): the same nonce again returns the first "
            "answer and changes nothing"
        },
    )
    scanned_at = OffsetDateTime(
        metadata={
            "description": "only when syncing a scan made offline: when it was scanned (the check-in window is "
            "judged then, and it becomes the ticket's `checked_in_at`); not more than 5 minutes ahead of the "
            "server's clock. An extension of the contract (docs/tickets.md)"
        },
    )


class CheckedTicket(Schema):
    id = Integer(required=True)
    seat = String(required=True)


class CheckinOut(Schema):
    result = String(required=True, validate=validate.OneOf(["ok"]))
    ticket = Nested(CheckedTicket, required=True)
    booking_id = Integer(required=True)
    checked_in_at = String(required=True, metadata=DATE_TIME)


class CheckinCountsOut(Schema):
    screening_id = Integer(required=True)
    seats_sold = Integer(required=True)
    checked_in = Integer(required=True)
