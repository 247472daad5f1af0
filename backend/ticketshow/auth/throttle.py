"""Failed-login throttling by (account, address), with a far higher ceiling per address.

- Per (account, address): the first FREE_FAILURES failures cost nothing; after that each attempt must wait
  2^(n - FREE_FAILURES) seconds after the last failure (1, 2, 4 ... capped at MAX_DELAY_SECONDS, 15
  minutes), answered 429 with Retry-After. A success clears the pair. Failures for one account never slow
  another: ten wrong passwords for "ravi" leave "admin" (or anyone) free to log in from the same address.
- Per address: LOGIN_ADDRESS_MAX_FAILURES failures (default 100, ten times the old per-account limit) within
  LOGIN_WINDOW_SECONDS refuse further attempts from it, which stops one machine spraying guesses over
  many accounts.
- State lives in Redis (shared by every process); while Redis is away the same rules run on a bounded
  in-process table, so throttling never switches off (each process then counts on its own).

Times are Unix seconds from time.time(), stored with the counts, so the delays follow the clock the app
sees (time-machine in tests); Redis TTLs only clean up.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict

import redis
from flask import current_app

from ..errors import TooManyRequests
from ..extensions import redis_store
from ..i18n import ngettext

log = logging.getLogger(__name__)

FREE_FAILURES = 3
MAX_DELAY_SECONDS = 15 * 60
PAIR_MEMORY_SECONDS = 24 * 3600  # a pair's failures are forgotten a day after the last one
LOCAL_MAX_ENTRIES = 20_000  # the in-process table's bound: the oldest entries go first


def delay_after(failures: int) -> float:
    """Seconds an (account, address) pair waits after its last failure before the next attempt."""
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS))


def _pair_key(username_key: str, address: str) -> str:
    digest = hashlib.sha256(f"{username_key}\x00{address}".encode("utf-8", "backslashreplace")).hexdigest()[:32]
    return f"login-fail:pair:{digest}"


def _address_key(address: str) -> str:
    return f"login-fail:addr:{address}"


class _Local:
    """The rules' state in this process, for while Redis is away."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pairs: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self.addresses: OrderedDict[str, tuple[int, float]] = OrderedDict()

    @staticmethod
    def _put(table: OrderedDict, key: str, value) -> None:
        table[key] = value
        table.move_to_end(key)
        while len(table) > LOCAL_MAX_ENTRIES:
            table.popitem(last=False)

    def read(self, pair: str, address: str, now: float, window: int) -> tuple[int, float, int, float]:
        with self.lock:
            failures, last = self.pairs.get(pair, (0, 0.0))
            if now - last > PAIR_MEMORY_SECONDS:
                failures = 0
            count, started = self.addresses.get(address, (0, now))
            if now - started >= window:
                count, started = 0, now
            return failures, last, count, started

    def fail(self, pair: str, address: str, now: float, window: int) -> None:
        failures, _last, count, started = self.read(pair, address, now, window)
        with self.lock:
            self._put(self.pairs, pair, (failures + 1, now))
            self._put(self.addresses, address, (count + 1, started if count else now))

    def clear(self, pair: str) -> None:
        with self.lock:
            self.pairs.pop(pair, None)


_local = _Local()


def _read(pair: str, address: str, now: float, window: int) -> tuple[int, float, int, float]:
    try:
        pipe = redis_store.pipeline()
        pipe.hmget(pair, "failures", "last")
        pipe.hmget(address, "count", "started")
        (failures, last), (count, started) = pipe.execute()
    except redis.RedisError:
        log.warning("login throttle on the in-process table (Redis down)")
        return _local.read(pair, address, now, window)
    failures, last = int(failures or 0), float(last or 0)
    count, started = int(count or 0), float(started or now)
    if now - started >= window:
        count, started = 0, now
    return failures, last, count, started


def check_allowed(username_key: str, address: str) -> None:
    """Raise TooManyRequests (429, Retry-After) while this pair must wait or this address is over its ceiling."""
    now, window = time.time(), current_app.config["LOGIN_WINDOW_SECONDS"]
    failures, last, count, started = _read(_pair_key(username_key, address), _address_key(address), now, window)
    waits = []
    if failures >= FREE_FAILURES:
        waits.append(last + delay_after(failures) - now)
    if count >= current_app.config["LOGIN_ADDRESS_MAX_FAILURES"]:
        waits.append(started + window - now)
    retry_after = math.ceil(max(waits, default=0))
    if retry_after > 0:
        minutes = math.ceil(retry_after / 60)
        message = (
            ngettext(
                "Too many failed logins. Try again in %(num)d second.",
                "Too many failed logins. Try again in %(num)d seconds.",
                retry_after,
            )
            if retry_after < 60
            else ngettext(
                "Too many failed logins. Try again in %(num)d minute.",
                "Too many failed logins. Try again in %(num)d minutes.",
                minutes,
            )
        )
        raise TooManyRequests(
            message,
            code="too_many_attempts",
            details={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def record_failure(username_key: str, address: str) -> None:
    now, window = time.time(), current_app.config["LOGIN_WINDOW_SECONDS"]
    pair, address_key = _pair_key(username_key, address), _address_key(address)
    try:
        _failures, _last, count, started = _read(pair, address_key, now, window)
        pipe = redis_store.pipeline()
        pipe.hincrby(pair, "failures", 1)
        pipe.hset(pair, "last", repr(now))
        pipe.expire(pair, PAIR_MEMORY_SECONDS)
        if count == 0:
            pipe.hset(address_key, mapping={"count": 0, "started": repr(started)})
        pipe.hincrby(address_key, "count", 1)
        pipe.expire(address_key, window)
        pipe.execute()
    except redis.RedisError:
        _local.fail(pair, address_key, now, window)


def record_success(username_key: str, address: str) -> None:
    pair = _pair_key(username_key, address)
    _local.clear(pair)
    try:
        redis_store.delete(pair)
    except redis.RedisError:
        pass
