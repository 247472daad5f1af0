"""Public reads cached in Redis as ready JSON bytes, invalidated by a catalogue generation.

The key is path + normalised query + the current generation. Every committed catalogue write bumps the
generation, so no reader sees an old name, price or screening once the write has been answered, and no
key scan is needed. One Lua call reads the generation and the body in a single round trip. Seat counts
change with every booking, so they are never served from the cache: responses that carry screenings
are cached without trusting their seats and get fresh counts from one grouped, indexed query.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from urllib.parse import urlencode

import redis
from flask import Response, current_app, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import metrics
from .apidoc import annotate
from .extensions import redis_store

log = logging.getLogger(__name__)

GENERATION_KEY = "cache:catalog-generation"
KEY_PREFIX = "cache:response:"
CATALOG_CHANGED = "ticketshow_catalog_changed"

# KEYS: none. ARGV[1]: the key prefix, ARGV[2]: the request part. Returns {generation, body or false}.
_LOOKUP = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}
"""


def mark_catalog_changed(session) -> None:
    """Called by services that change what cached reads show; the bump happens after the commit."""
    session.info[CATALOG_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session):
    if session.info.pop(CATALOG_CHANGED, False):
        bump_generation()


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session):
    session.info.pop(CATALOG_CHANGED, None)


def bump_generation() -> None:
    try:
        redis_store.incr(GENERATION_KEY)
    except redis.RedisError:
        # Readers fall back to the database while Redis is away; entries written before the outage
        # expire within the TTL. Logged so an operator can flush if Redis comes back quickly.
        log.warning("could not bump the cache generation (Redis down)")


def flush_all() -> int:
    """Drop every cached response: bump the generation and delete the old entries."""
    bump_generation()
    deleted = 0
    try:
        batch = []
        for key in redis_store.scan_iter(match=KEY_PREFIX + "*", count=1000):
            batch.append(key)
            if len(batch) >= 500:
                deleted += redis_store.unlink(*batch)
                batch = []
        if batch:
            deleted += redis_store.unlink(*batch)
    except redis.RedisError:
        log.warning("could not flush the cache (Redis down)")
    return deleted


def _request_part() -> str:
    pairs = sorted((key, value) for key in request.args for value in request.args.getlist(key))
    return request.path + "?" + urlencode(pairs)


def _lookup(part: str) -> tuple[bytes, bytes | None] | None:
    try:
        script = current_app.extensions.get("ticketshow_cache_lookup")
        if script is None:  # made once per app: register_script hashes the script's text
            script = current_app.extensions["ticketshow_cache_lookup"] = redis_store.register_script(_LOOKUP)
        generation, body = script(keys=[GENERATION_KEY], args=[KEY_PREFIX, part])
        return generation, body
    except redis.RedisError:
        return None


def _store(generation: bytes, part: str, body: bytes) -> None:
    try:
        redis_store.set(KEY_PREFIX + generation.decode() + ":" + part, body, ex=current_app.config["CACHE_TTL_SECONDS"])
    except redis.RedisError:
        pass


def cached_json(refresh=None):
    """Cache a public GET's JSON body. `refresh(body_bytes) -> body_bytes` re-fills live figures.

    Adds X-Cache: HIT|MISS and an ETag, and answers If-None-Match with 304. Only for responses that do
    not depend on who asks. CACHE_TTL_SECONDS=0 turns the cache off: no lookup, no store, always MISS.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            part = _request_part()
            found = _lookup(part) if current_app.config["CACHE_TTL_SECONDS"] > 0 else None  # 0: cache off
            if found and found[1] is not None:
                body, state = found[1], "HIT"
                metrics.cache_lookup(True)
            else:
                if current_app.config["CACHE_TTL_SECONDS"] > 0:
                    metrics.cache_lookup(False if found else None)
                response = current_app.make_response(view(*args, **kwargs))
                if response.status_code != 200:
                    return response
                body, state = response.get_data(), "MISS"
                if found:
                    _store(found[0], part, body)
            if refresh is not None:
                body = refresh(body)
            return _answer(body, state)

        annotate(wrapper, x_cached=True)  # the document adds ETag, X-Cache, If-None-Match and 304
        return wrapper

    return decorator


def _answer(body: bytes, state: str) -> Response:
    etag = hashlib.blake2b(body, digest_size=12).hexdigest()
    # compression.py gives the gzipped variant the validator etag + "-gz"; either one is a match.
    # If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x", so an ETag that a
    # compressing proxy weakened still validates; "*" and lists of tags work too.
    matched = next((tag for tag in (etag, etag + "-gz") if request.if_none_match.contains_weak(tag)), None)
    response = Response(b"" if matched else body, status=304 if matched else 200, mimetype="application/json")
    response.set_etag(matched or etag)
    response.headers["X-Cache"] = state
    response.headers["Cache-Control"] = "no-cache"  # clients revalidate with the ETag; it is cheap
    return response
