"""The waiting room of a screening's seat picker (docs/waiting-room.md).

At most WAITING_ROOM_BUYERS buyers of one screening choose seats at once; anyone else who asks waits in
line, first come first served, and is let in as buyers leave. A buyer leaves when it books, when the stay
its hold gave it ends with the hold, when it says so (DELETE .../admission), or after WAITING_ROOM_IDLE_MINUTES
without holding seats or asking again. While the room has a free place that nobody in line is owed,
anyone is let in at once: a quiet screening behaves exactly as it would without a room.

Redis holds the room, per screening, in keys that share one hash slot (`waitingroom:{<screening id>}:...`):
  in    ZSET  user id -> end of its stay (ms since the epoch, UTC): the buyers choosing seats now
  line  ZSET  user id -> its ticket (from `seq`): the line, first come first served
  seen  ZSET  user id -> when it last asked (ms): a waiting entry not heard from for LAPSE_SECONDS lapses
  seq   the last ticket given
Every write gives the four keys a TTL a little past the longest stay, so a room nobody uses goes by itself.

The check-and-admit is one Lua script, run atomically by Redis: two buyers can never both take the last
place (tests/waitingroom/test_admission_race.py, with a check-then-add control that it catches). Times come
from ticketshow.clock, so tests move them. A poll is one script call (no SQLite beyond the token check
every authenticated request makes, and a per-process memo of the screenings known to be on sale).

If Redis cannot be reached the room opens (everyone is admitted): it paces buyers, it never guards seats.
SQLite refuses a seat held or sold twice by itself (seating/service.py, booking/ledger.py), so losing Redis
can never oversell.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import redis
from flask import current_app

from ..clock import utcnow
from ..database import pooled_sqlite
from ..errors import DomainError, NotFound
from ..extensions import db, redis_store
from ..i18n import _, _l

log = logging.getLogger(__name__)

# A waiting buyer asks again after Retry-After seconds: 1 s near the front, up to this far back in line.
MAX_RETRY_SECONDS = 10
# A waiting entry that has not asked for this long has gone away (its tab was closed): it lapses.
LAPSE_SECONDS = 3 * MAX_RETRY_SECONDS
# The room's keys outlive the longest stay (a hold's) by this much; any write renews them.
KEY_MARGIN_SECONDS = 300
# Screenings known to be on sale, per app (in its extensions), so that a poll needs no SQLite: screening id ->
# (starts_at, when it was read, monotonic seconds). Re-read after MEMO_SECONDS: a removed or moved screening
# is known within that.
MEMO_SECONDS = 60
_warned_at = 0.0

ADMIT = """
local inside, line, seen, seq = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
-- ARGV: user id, now, places, the end of a new stay, the lapse cutoff (times in ms), the keys' TTL (ms)
local user, now, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local stay, ttl = ARGV[4], ARGV[6]
local function keep()
  for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
end
-- Stays that have ended, and waiting entries not heard from since the cutoff (ARGV[5]).
redis.call('ZREMRANGEBYSCORE', inside, '-inf', now)
while true do
  local lapsed = redis.call('ZRANGEBYSCORE', seen, '-inf', '(' .. ARGV[5], 'LIMIT', 0, 500)
  if #lapsed == 0 then break end
  redis.call('ZREM', line, unpack(lapsed))
  redis.call('ZREM', seen, unpack(lapsed))
end
local ends = redis.call('ZSCORE', inside, user)
if ends then  -- already choosing: a question renews the stay, never shortens it (a hold's may be longer)
  if tonumber(ends) < tonumber(stay) then
    redis.call('ZADD', inside, stay, user)
    ends = stay
  end
  keep()
  return {1, tonumber(ends)}
end
local free = limit - redis.call('ZCARD', inside)
local rank = redis.call('ZRANK', line, user)
if not rank then
  if free > redis.call('ZCARD', line) then  -- a place nobody in line is owed: straight in
    redis.call('ZADD', inside, stay, user)
    keep()
    return {1, tonumber(stay)}
  end
  redis.call('ZADD', line, redis.call('INCR', seq), user)
  rank = redis.call('ZCARD', line) - 1
end
if rank < free then  -- its turn: the free places go to the front of the line
  redis.call('ZREM', line, user)
  redis.call('ZREM', seen, user)
  redis.call('ZADD', inside, stay, user)
  keep()
  return {1, tonumber(stay)}
end
redis.call('ZADD', seen, now, user)
keep()
return {0, rank + 1}
"""


class WaitingRoomFull(DomainError):
    """429 `waiting_room`: the caller is in line (details.position, details.retry_after, Retry-After)."""

    status, code = 429, "waiting_room"
    message = _l("Many people are choosing seats for this screening right now. You are in line; your turn comes soon.")


@dataclass(frozen=True)
class Admission:
    """The answer to "may I choose seats now?": admitted with the end of the stay (UTC), or the place in
    line (1: next) and the seconds to wait before asking again."""

    admitted: bool
    expires_at: datetime | None = None
    position: int | None = None
    retry_after: int | None = None

    def as_json(self) -> dict:
        if self.admitted:
            return {"admitted": True, "expires_at": self.expires_at}
        return {"admitted": False, "position": self.position, "retry_after": self.retry_after}


def limit() -> int:
    """WAITING_ROOM_BUYERS: buyers of one screening choosing seats at once; 0 means no room."""
    return current_app.config["WAITING_ROOM_BUYERS"]


def _idle() -> timedelta:
    return timedelta(minutes=current_app.config["WAITING_ROOM_IDLE_MINUTES"])


def _keys(screening_id: int) -> list[str]:
    # The braces are a Redis Cluster hash tag: one screening's keys live together, as one script needs.
    prefix = f"waitingroom:{{{screening_id}}}:"
    return [prefix + "in", prefix + "line", prefix + "seen", prefix + "seq"]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).replace(microsecond=0)


def _ttl_ms() -> int:
    longest = max(_idle(), timedelta(minutes=current_app.config["HOLD_MINUTES"]))
    return int((longest.total_seconds() + LAPSE_SECONDS + KEY_MARGIN_SECONDS) * 1000)


def _script():
    found = current_app.extensions.get("ticketshow_waitingroom_script")
    if found is None:
        found = current_app.extensions["ticketshow_waitingroom_script"] = redis_store.client.register_script(ADMIT)
    return found


def _admit(screening_id: int, user_id: int, now: datetime, places: int) -> tuple[bool, int]:
    """The atomic check-and-admit (the ADMIT script): (True, end of the stay in ms) or (False, place in line)."""
    admitted, value = _script()(
        keys=_keys(screening_id),
        args=[
            user_id,
            _ms(now),
            places,
            _ms(now + _idle()),
            _ms(now - timedelta(seconds=LAPSE_SECONDS)),
            _ttl_ms(),
        ],
    )
    return bool(admitted), int(value)


def retry_after(position: int, places: int) -> int:
    """Seconds before a waiting buyer asks again: 1 within the first `places` of the line (the next to be let
    in), one more for each further room's worth ahead, at most MAX_RETRY_SECONDS."""
    return min(MAX_RETRY_SECONDS, max(1, math.ceil(position / max(places, 1))))


def _redis_failed(error: Exception) -> None:
    global _warned_at
    if time.monotonic() - _warned_at > 60:  # once a minute per process, not once a request
        _warned_at = time.monotonic()
        log.warning("waiting room open to everyone: Redis cannot be reached (%s)", error)


def ask(user_id: int, screening_id: int) -> Admission:
    """Admit the caller, or put it in line (or keep its place) and say where it stands.

    Admitted: its stay runs WAITING_ROOM_IDLE_MINUTES from now (or longer, while a hold of its own lasts).
    With no room (WAITING_ROOM_BUYERS=0) or Redis unreachable, everyone is admitted at once.
    """
    now, places = utcnow(), limit()
    if places <= 0:
        return Admission(True, expires_at=(now + _idle()).replace(microsecond=0))
    try:
        admitted, value = _admit(screening_id, user_id, now, places)
    except redis.RedisError as error:
        _redis_failed(error)
        return Admission(True, expires_at=(now + _idle()).replace(microsecond=0))
    if admitted:
        return Admission(True, expires_at=_from_ms(value))
    return Admission(False, position=value, retry_after=retry_after(value, places))


def require_admission(user_id: int, screening_id: int) -> None:
    """Before a hold: pass if the caller is (or now gets) a place in the room; otherwise raise
    WaitingRoomFull (429) with its place in line. Never raises with no room or without Redis."""
    found = ask(user_id, screening_id)
    if not found.admitted:
        raise WaitingRoomFull(
            details={"position": found.position, "retry_after": found.retry_after},
            headers={"Retry-After": str(found.retry_after)},
        )


def stay_until(user_id: int, screening_id: int, until: datetime) -> None:
    """After a hold: the caller keeps its place while the hold lasts (`until`, its expires_at), and loses it
    when the hold lapses. Only a stay that exists is lengthened, never shortened."""
    if limit() <= 0:
        return
    keys = _keys(screening_id)
    try:
        pipe = redis_store.client.pipeline(transaction=False)
        pipe.zadd(keys[0], {str(user_id): _ms(until)}, xx=True, gt=True)
        for key in keys:
            pipe.pexpire(key, _ttl_ms())
        pipe.execute()
    except redis.RedisError as error:
        _redis_failed(error)


def leave(user_id: int, screening_id: int) -> None:
    """The caller leaves the room or the line (it booked, gave up, or was told houseful); whoever is next
    in line is let in at its next question."""
    if limit() <= 0:
        return
    keys = _keys(screening_id)
    try:
        pipe = redis_store.client.pipeline(transaction=False)
        pipe.zrem(keys[0], str(user_id))
        pipe.zrem(keys[1], str(user_id))
        pipe.zrem(keys[2], str(user_id))
        pipe.execute()
    except redis.RedisError as error:
        _redis_failed(error)


def check_on_sale(screening_id: int) -> None:
    """404 for a screening that is not on sale (unknown, or it, its show or theatre removed), 409
    `screening_started` once it has started. Read from SQLite once a minute per process (MEMO_SECONDS)."""
    from ..booking.service import ScreeningStarted

    starts_at = check_exists(screening_id)
    if starts_at <= utcnow():
        raise ScreeningStarted(details={"starts_at": starts_at.isoformat()})


def check_exists(screening_id: int) -> datetime:
    """The screening's start (UTC), or 404 for one that is not on sale (unknown, or it, its show or theatre
    removed). Read from SQLite once a minute per process (MEMO_SECONDS)."""
    from ..booking import ledger

    on_sale = current_app.extensions.setdefault("ticketshow_waitingroom_on_sale", {})
    found = on_sale.get(screening_id)
    if found is None or time.monotonic() - found[1] > MEMO_SECONDS:
        with pooled_sqlite(db.engine) as sqlite:
            screening = ledger.screening_for_sale(sqlite, 0, screening_id)
        if screening is None:
            on_sale.pop(screening_id, None)
            raise NotFound(_("No such screening."), details={"screening_id": screening_id})
        if len(on_sale) > 10_000:
            on_sale.clear()
        found = on_sale[screening_id] = (screening.starts_at_utc, time.monotonic())
    return found[0]
