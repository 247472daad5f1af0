"""GET /api/config: the server settings the UI needs, so that it hard-codes none of them.

The UI formats every time in `timezone` (with Intl) and sends times with that zone's offset at that
moment; it offers at most `booking_max_quantity` seats a booking. Public and the same for every caller;
answered with an ETag (a settings change means a restart, and so a new ETag) and `Cache-Control: no-cache`,
so a client revalidates with If-None-Match and gets 304 while nothing changed.
"""

from __future__ import annotations

import hashlib
import json

from apiflask import APIBlueprint, Schema
from apiflask.fields import Integer, String
from flask import current_app, request

from . import policy

bp = APIBlueprint("public_config", __name__, url_prefix="/api", tag="Operations")


class ConfigOut(Schema):
    timezone = String(
        metadata={"description": "APP_TIMEZONE, an IANA zone: every time is shown in it", "example": "Asia/Kolkata"}
    )
    booking_max_quantity = Integer(
        metadata={"description": "BOOKING_MAX_QUANTITY: seats per booking, at most", "example": 10}
    )
    cancellation_cutoff_minutes = Integer(
        metadata={
            "description": "CANCELLATION_CUTOFF_MINUTES: bookings can be cancelled until this long before the start",
            "example": 60,
        }
    )


def public_settings() -> dict:
    config = current_app.config
    return {
        "timezone": config["APP_TIMEZONE"],
        "booking_max_quantity": config["BOOKING_MAX_QUANTITY"],
        "cancellation_cutoff_minutes": config["CANCELLATION_CUTOFF_MINUTES"],
    }


@bp.get("/config")
@policy.public
@bp.output(ConfigOut)
@bp.doc(
    operation_id="getConfig",
    responses={304: {"description": "Not modified: the settings match the ETag sent in If-None-Match"}},
)
def get_config():
    """The settings the UI needs

    The server's time zone (`APP_TIMEZONE`: show and send every time in it) and the booking limits.
    Public; with an `ETag` and `Cache-Control: no-cache`, so `If-None-Match` answers 304 until a setting
    changes.
    """
    body = public_settings()
    etag = hashlib.blake2b(json.dumps(body, sort_keys=True).encode(), digest_size=12).hexdigest()
    if etag in request.if_none_match:
        return "", 304, {"ETag": f'"{etag}"', "Cache-Control": "no-cache"}
    return body, 200, {"ETag": f'"{etag}"', "Cache-Control": "no-cache"}
