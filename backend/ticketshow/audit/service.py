"""Writing and reading the audit log.

`record()` adds its row in the caller's write transaction, never in one of its own: the row commits with
the change it describes, and a change that rolls back leaves no row. It refuses to run outside a write
transaction (the session's immediate_transaction, or a driver-SQL one passed as `sqlite`).

Who and where come from the request: the logged-in principal and the client's address. Outside a request
(a Celery task, a CLI command) the actor is None unless given.
"""

from __future__ import annotations

from datetime import date, datetime

import simplejson
from flask import has_request_context, request
from sqlalchemy import insert, select

from ..clock import utcnow
from ..database import IMMEDIATE, to_stored_time
from ..extensions import db
from ..pagination import paginate
from .models import AuditEntry

_INSERT_SQL = (
    "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, before, after, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_UNSET = object()


class NotInTransaction(RuntimeError):
    """audit.record() was called outside a write transaction: its row could outlive a rolled-back change."""


def _json_default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(value) -> str | None:
    if value is None:
        return None
    return simplejson.dumps(value, use_decimal=True, default=_json_default, ensure_ascii=False, sort_keys=True)


def _who() -> tuple[int | None, str | None]:
    if not has_request_context():
        return None, None
    from flask_jwt_extended import get_current_user

    try:
        principal = get_current_user()
    except RuntimeError:  # no token was verified in this request
        principal = None
    return (principal.id if principal is not None else None), (request.remote_addr or None)


def record(
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    *,
    sqlite=None,
    actor_id=_UNSET,
) -> None:
    """Add one audit row in the current write transaction.

    action: a verb (create, update, delete, cancel, grant, revoke, start, flush, checkin…); entity: the
    resource's singular name (theatre, show, screening, layout, blocked_seats, booking, staff, ticket, cache,
    export, job…) and its id; before / after: the fields as they were and as they are (JSON-able: Decimals
    stay exact, datetimes become ISO 8601 in UTC). `sqlite`: the sqlite3 connection of a driver-SQL
    transaction (database.driver_write_transaction), when the change runs there. Raises NotInTransaction
    outside a write transaction.
    """
    who, ip = _who()
    if actor_id is not _UNSET:
        who = actor_id
    values = (to_stored_time(utcnow()), who, action, entity, entity_id, _dumps(before), _dumps(after), ip)
    if sqlite is not None:
        if not sqlite.in_transaction:
            raise NotInTransaction("audit.record(sqlite=...) needs an open BEGIN IMMEDIATE transaction")
        sqlite.execute(_INSERT_SQL, values)
        return
    session = db.session()
    if not session.info.get(IMMEDIATE):
        raise NotInTransaction("audit.record() must run inside immediate_transaction / @writes")
    db.session.execute(
        insert(AuditEntry).values(
            at=utcnow(),
            actor_id=who,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=values[5],
            after=values[6],
            ip=ip,
        )
    )


def snapshot(row, fields: tuple[str, ...] | list[str]) -> dict:
    """The named attributes of a model row, as an audit row's before / after."""
    return {name: getattr(row, name) for name in fields}


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields whose value differs, on both sides."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _loads(text: str | None):
    return None if text is None else simplejson.loads(text, use_decimal=True)


def list_entries(
    *,
    actor_id: int | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str = "-at",
    page: int = 1,
    per_page: int = 20,
) -> dict:
    """Audit rows, as the contract's list. `sort` (the admin's audit table, issue 16): "-at" newest first
    (the default, and the order this list always had: by id, as rows are numbered in commit order), "at"
    oldest first, "actor" (the actor's username A to Z, the system's rows last), "entity" or "action" (A to
    Z); every key but the time ones then newest first, so ties fall to the id and pages never overlap."""
    from ..auth.models import User

    newest = AuditEntry.id.desc()
    order = {
        "-at": (newest,),
        "at": (AuditEntry.id,),
        "actor": (User.username_key.is_(None), User.username_key, newest),
        "entity": (AuditEntry.entity, AuditEntry.entity_id, newest),
        "action": (AuditEntry.action, newest),
    }[sort or "-at"]
    statement = select(AuditEntry)
    if sort == "actor":
        statement = statement.outerjoin(User, User.id == AuditEntry.actor_id)
    if actor_id is not None:
        statement = statement.where(AuditEntry.actor_id == actor_id)
    if entity:
        statement = statement.where(AuditEntry.entity == entity)
    if entity_id is not None:
        statement = statement.where(AuditEntry.entity_id == entity_id)
    if action:
        statement = statement.where(AuditEntry.action == action)
    if since is not None:
        statement = statement.where(AuditEntry.at >= since)
    if until is not None:
        statement = statement.where(AuditEntry.at <= until)
    result = paginate(statement.order_by(*order), page, per_page)
    actor_ids = {entry.actor_id for entry in result["items"] if entry.actor_id is not None}
    names = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(actor_ids))).all())
    result["items"] = [
        {
            "id": entry.id,
            "at": entry.at,
            "actor": None if entry.actor_id is None else {"id": entry.actor_id, "username": names.get(entry.actor_id)},
            "action": entry.action,
            "entity": entry.entity,
            "entity_id": entry.entity_id,
            "before": _loads(entry.before),
            "after": _loads(entry.after),
            "ip": entry.ip,
        }
        for entry in result["items"]
    ]
    return result
