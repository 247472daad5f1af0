"""Failed-login throttling on Redis: after N failures for a username or an address, 429 for the window."""
from __future__ import annotations

import logging

import redis
from flask import current_app

from ..errors import TooManyRequests
from ..extensions import redis_store

log = logging.getLogger(__name__)


def _keys(username_key: str, address: str) -> list[str]:
    return [f"login-fail:user:{username_key}", f"login-fail:addr:{address}"]


def check_allowed(username_key: str, address: str) -> None:
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    try:
        pipe = redis_store.pipeline()
        for key in _keys(username_key, address):
            pipe.get(key)
            pipe.ttl(key)
        counts_and_ttls = pipe.execute()
    except redis.RedisError:
        # Fail open: an outage of the cache must not lock every user out; it is logged.
        log.warning("login throttle unavailable (Redis down)")
        return
    for count, ttl in zip(counts_and_ttls[::2], counts_and_ttls[1::2]):
        if count is not None and int(count) >= limit:
            retry_after = max(int(ttl), 1)
            minutes = (retry_after + 59) // 60
            raise TooManyRequests(
                f"Too many failed logins. Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                code="too_many_attempts", details={"retry_after": retry_after},
                headers={"Retry-After": str(retry_after)})


def record_failure(username_key: str, address: str) -> None:
    window = current_app.config["LOGIN_WINDOW_SECONDS"]
    try:
        pipe = redis_store.pipeline()
        for key in _keys(username_key, address):
            pipe.incr(key)
            pipe.expire(key, window, nx=True)  # the window starts at the first failure
        pipe.execute()
    except redis.RedisError:
        log.warning("could not record a failed login (Redis down)")


def record_success(username_key: str) -> None:
    try:
        redis_store.delete(_keys(username_key, "")[0])
    except redis.RedisError:
        pass
