from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, List, String
from marshmallow import validate

from ..fields import RowId, TrimmedString
from ..pagination import PageQuery, page_schema

ASSIGNABLE_ROLES = ["manager", "scanner", "user"]


class StaffIn(Schema):
    role = String(
        required=True,
        validate=validate.OneOf(ASSIGNABLE_ROLES),
        metadata={"description": "manager or scanner (at theatre_ids), or user to remove the role"},
    )
    theatre_ids = List(
        RowId(),
        load_default=list,
        validate=validate.Length(max=1000),
        metadata={"description": "the theatres they work at: at least one for manager and scanner, none for user"},
    )


class StaffOut(Schema):
    user_id = Integer()
    username = String()
    email = String()
    role = String(metadata={"enum": ["admin", "manager", "scanner", "user"]})
    theatre_ids = List(Integer())


StaffPage = page_schema(StaffOut, "StaffPage")


class StaffQuery(PageQuery):
    q = TrimmedString(
        max_length=64,
        metadata={
            "description": "find any user by username (substring, any case or width; look-alikes too: "
            '"bill" also finds "biII"); '
            "without q the list holds admins and staff only"
        },
    )
    role = String(validate=validate.OneOf(["admin", "manager", "scanner", "user"]))
    theatre_id = RowId(metadata={"description": "staff assigned to this theatre"})
    sort = String(
        load_default="username",
        validate=validate.OneOf(["username", "-username", "role", "-created_at"]),
        metadata={
            "description": "username (A to Z, the default), -username (Z to A), role (admins, managers, scanners, "
            "users; each A to Z), -created_at (newest accounts first); ties by id. Anything else: 422"
        },
    )
