"""The waiting room's answers (docs/waiting-room.md): one shape for both, with the fields of its case."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer

from ..fields import OffsetDateTime


class AdmissionOut(Schema):
    admitted = Boolean(metadata={"description": "true (200): choose seats now; false (202): wait in line"})
    expires_at = OffsetDateTime(
        metadata={
            "x-optional": True,
            "description": "admitted only: the place is kept until then (WAITING_ROOM_IDLE_MINUTES from the last "
            "question, or while the caller's hold lasts); asking again renews it",
        }
    )
    position = Integer(
        metadata={"x-optional": True, "description": "waiting only: the place in line, 1 = next to be let in"}
    )
    retry_after = Integer(
        metadata={
            "x-optional": True,
            "description": "waiting only: seconds to wait before asking again (also the Retry-After header); an "
            "entry that does not ask again for 30 seconds lapses",
        }
    )
