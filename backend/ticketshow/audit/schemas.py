from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, Nested, Raw, String
from marshmallow import validate

from ..catalog.schemas import Timeframe
from ..fields import OffsetDateTime, RowId
from ..pagination import PageQuery, page_schema


class AuditQuery(PageQuery, Timeframe):
    actor_id = RowId(metadata={"description": "who acted (a user id)"})
    entity = String(
        validate=validate.Length(min=1, max=32),
        metadata={
            "description": "theatre, show, screening, layout, blocked_seats, booking, staff, "
            "ticket, cache, export, job…"
        },
    )
    entity_id = RowId()
    action = String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "create, update, delete, cancel, grant, revoke, start, flush, checkin…"},
    )
    sort = String(
        load_default="-at",
        validate=validate.OneOf(["-at", "at", "actor", "entity", "action"]),
        metadata={
            "description": "-at (newest first, the default), at (oldest first), actor (username A to Z, the "
            "system's rows last), entity (then its id) or action (A to Z); ties newest first (by id). "
            "Anything else: 422"
        },
    )


class ActorOut(Schema):
    id = Integer()
    username = String()


class AuditEntryOut(Schema):
    id = Integer()
    at = OffsetDateTime(metadata={"description": "when (stored in UTC)"})
    actor = Nested(ActorOut, allow_none=True, metadata={"description": "null for the system (scheduled jobs)"})
    action = String()
    entity = String()
    entity_id = Integer(allow_none=True)
    before = Raw(
        allow_none=True,
        metadata={"description": "the changed fields as they were (null for a create)", "type": "object"},
    )
    after = Raw(allow_none=True, metadata={"description": "the changed fields as they became", "type": "object"})
    ip = String(allow_none=True, metadata={"description": "the client's address"})


AuditPage = page_schema(AuditEntryOut, "AuditPage")
