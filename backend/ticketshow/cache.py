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
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

import redis
import simplejson
from flask import Response, current_app, g, request
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import quote_etag

from . import metrics
from .apidoc import annotate
from .clock import utcnow
from .database import data_version
from .extensions import db, redis_store

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
    current = request._get_current_object()
    if not current.query_string:  # the lists' first pages: nothing to parse and sort
        return current.path + "?"
    pairs = sorted((key, value) for key in current.args for value in current.args.getlist(key))
    return current.path + "?" + urlencode(pairs)


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


class LiveFields:
    """Figures in a cached body that change without a catalogue write (seats, prices), put into the cached
    bytes on every answer without decoding and encoding the whole body again.

    `find(data)` answers the objects of the decoded body that carry the live `fields` (each of them all of
    them, or those `fields_of` names), or None for a body this does not handle (the view's `refresh` then
    does the work).
    `values(objects)` answers, for each of those objects, the fresh values of `fields` in their order, or
    None to keep the object's own. The answer is exactly the bytes `refresh` gives (tests/api/test_cache.py,
    test_live_fields_answer_what_refresh_answers): the cached body decoded and encoded by the app's JSON
    provider, the fresh values in their places.

    How: the first time a cache entry is answered in this process, its body is decoded once, every live value
    is replaced by a marker and the whole encoded again; split at the markers, that is the body's template
    (kept per process with the entry's bytes, and used only for the identical bytes). Each answer then
    encodes only the live values and joins.

    `changes_at(objects, now)`, when given, answers the first moment after `now` (aware UTC) at which the
    values may change with nothing written (a hold expiring, a screening starting), or None for none. Then an
    entry's answer (its bytes and ETag) is kept with the database's data_version read before its values, and
    answered again while no connection has committed since and that moment has not come: `values` runs
    only when something may have changed. `changes_at` runs when a kept answer is first found unchanged, so
    that while writes come faster than hits (a ticket drop) a hit costs no more than without it.
    """

    MAX_TEMPLATES = 64

    def __init__(
        self,
        fields: Sequence[str],
        find: Callable[[dict], list[dict] | None],
        values: Callable[[list[dict]], list[tuple | None]],
        changes_at: Callable[[list[dict], datetime], datetime | None] | None = None,
        fields_of: Callable[[dict], tuple[str, ...]] | None = None,
    ):
        """`fields_of(object)`, when given, names the live fields of each object found (a show's page: its
        screenings' seats and prices, its places' and its own "from" price); `values` then answers each
        object's values in that order. Without it every object carries all of `fields`."""
        self.fields, self.find, self.values, self.changes_at = tuple(fields), find, values, changes_at
        self.fields_of = fields_of or (lambda item: self.fields)
        self._templates: dict = {}

    def render(self, body: bytes, key=None) -> bytes | None:
        """The body with its live figures as they are now; None when `find` does not handle it. `key` names
        the body's cache entry, under which its template is kept (None: not kept)."""
        answer = self.answer(body, key)
        return answer[0] if answer is not None else None

    def answer(self, body: bytes, key=None) -> tuple[bytes, str] | None:
        """(render's bytes, their ETag), or None when `find` does not handle the body."""
        template = self._templates.get(key) if key is not None else None
        if template is None or template.body != body:  # an entry may be stored again with other bytes
            template = _Template.compile(body, self.fields_of, self.find)
            if key is not None:
                if len(self._templates) >= self.MAX_TEMPLATES:
                    self._templates.clear()  # a memo, not a store
                self._templates[key] = template
        if template.texts is None:
            return None
        if self.changes_at is None or key is None:
            rendered = template.render(self.values(template.objects))
            return rendered, _etag(rendered)
        # The version is read before the values: a write committed after it changes it, so a kept answer is
        # never older than what the next request's version says nothing has changed since.
        version, now = data_version(db.engine), utcnow()
        kept = template.kept
        if kept is not None and version is not None and kept[0] == version:
            if kept[1] is _UNSEEN:  # the values read at kept[4]: when may they change with nothing written?
                changes_at = self.changes_at(template.objects, kept[4])
                if data_version(db.engine) == version:  # else a write came in between: read them again
                    kept[1] = changes_at
            if kept[1] is not _UNSEEN and (kept[1] is None or now < kept[1]):
                return kept[2], kept[3]
        rendered = template.render(self.values(template.objects))
        answer = rendered, _etag(rendered)
        if version is not None:
            template.kept = [version, _UNSEEN, *answer, now]
        return answer


_UNSEEN = object()
_MARKER = re.compile('"\ue000(\\d+)\ue001"')


def _encode(value) -> str:
    """One value as the app's JSON provider encodes it (simplejson, Decimal as written): the usual kinds
    directly, anything else through the provider."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is Decimal and value.is_finite():
        return str(value)
    if kind is str:  # a few words ("rising", "steady"): encoded once each
        found = _STRINGS.get(value)
        if found is None:
            found = current_app.json.dumps(value)
            if len(_STRINGS) < 1024:
                _STRINGS[value] = found
        return found
    return current_app.json.dumps(value)


_STRINGS: dict[str, str] = {}


class _Template:
    """A body split at its live values: texts[0], a value, texts[1], ... texts[-1] (texts None: not handled)."""

    __slots__ = ("body", "objects", "texts", "order", "originals", "kept")

    def __init__(self, body: bytes, objects=(), texts=None, order=(), originals=()):
        self.body, self.objects, self.texts, self.order, self.originals = body, objects, texts, order, originals
        self.kept = None  # the last answer: [data_version, changes_at, bytes, etag, now] (LiveFields.answer)

    @classmethod
    def compile(cls, body: bytes, fields_of, find) -> _Template:
        if "\ue000".encode() in body or b"\\ue000" in body:
            return cls(body)  # the marker's character is in the body itself (never in our answers)
        data = simplejson.loads(body, use_decimal=True)
        objects = find(data) if isinstance(data, dict) else None
        if objects is None:
            return cls(body)
        shapes = [fields_of(item) for item in objects]
        if any(field not in item for item, fields in zip(objects, shapes, strict=True) for field in fields):
            return cls(body)
        originals = [
            tuple(_encode(item[field]) for field in fields) for item, fields in zip(objects, shapes, strict=True)
        ]
        kept = [dict(item) for item in objects]  # copies with their own values, for `values`
        slot = 0
        for item, fields in zip(objects, shapes, strict=True):
            for field in fields:
                item[field] = f"\ue000{slot}\ue001"
                slot += 1
        pieces = _MARKER.split(current_app.json.dumps(data))
        order = [int(found) for found in pieces[1::2]]
        if sorted(order) != list(range(slot)):
            return cls(body)  # a marker was lost or doubled: not a shape this can fill
        return cls(body, kept, pieces[0::2], order, originals)

    def render(self, fresh: list[tuple | None]) -> bytes:
        slots: list[str] = []
        for original, values in zip(self.originals, fresh, strict=True):
            slots.extend(original if values is None else map(_encode, values))
        texts = self.texts
        out = [texts[0]]
        for index, slot in enumerate(self.order, 1):
            out.append(slots[slot])
            out.append(texts[index])
        return "".join(out).encode()


def live_figures_fresh() -> None:
    """Called by a view whose own answer has its live figures read in this request: a miss is not refilled."""
    g.ticketshow_live_fresh = True


def cached_json(refresh=None, live: LiveFields | None = None):
    """Cache a public GET's JSON body. `refresh(body_bytes) -> body_bytes` re-fills live figures; `live`
    (LiveFields) does the same for the bodies it handles without decoding them, `refresh` for the others.

    Adds X-Cache: HIT|MISS and an ETag, and answers If-None-Match with 304. Only for responses that do
    not depend on who asks. CACHE_TTL_SECONDS=0 turns the cache off: no lookup, no store, always MISS.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            # 0: cache off. The key is not even built then (parsing, sorting and encoding the query string:
            # 0.02 ms of a 1.2 ms search miss).
            part = _request_part() if current_app.config["CACHE_TTL_SECONDS"] > 0 else None
            found = _lookup(part) if part is not None else None
            if found and found[1] is not None:
                body, state = found[1], "HIT"
                metrics.cache_lookup(True)
            else:
                if current_app.config["CACHE_TTL_SECONDS"] > 0:
                    metrics.cache_lookup(False if found else None)
                response = current_app.make_response(view(*args, **kwargs))
                fresh = g.pop("ticketshow_live_fresh", False)
                if response.status_code != 200:
                    return response
                body, state = response.get_data(), "MISS"
                if found:
                    _store(found[0], part, body)
                if fresh:
                    return _answer(body, state)  # the view read the live figures itself
            answered = live.answer(body, found and (found[0], part)) if live is not None else None
            if answered is not None:
                return _answer(answered[0], state, answered[1])
            if refresh is not None:
                body = refresh(body)
            return _answer(body, state)

        annotate(wrapper, x_cached=True)  # the document adds ETag, X-Cache, If-None-Match and 304
        return wrapper

    return decorator


def _etag(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def _answer(body: bytes, state: str, etag: str | None = None) -> Response:
    """`etag`: _etag(body), when the caller has it already."""
    if etag is None:
        etag = _etag(body)
    matched = None
    current = request._get_current_object()
    if "HTTP_IF_NONE_MATCH" in current.environ:  # most requests send none: nothing to parse
        # compression.py gives the gzipped variant the validator etag + "-gz"; either one is a match.
        # If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x", so an ETag that a
        # compressing proxy weakened still validates; "*" and lists of tags work too.
        matched = next((tag for tag in (etag, etag + "-gz") if current.if_none_match.contains_weak(tag)), None)
    return Response(
        b"" if matched else body,
        status=304 if matched else 200,
        mimetype="application/json",
        # clients revalidate with the ETag (no-cache); it is cheap
        headers={"ETag": quote_etag(matched or etag), "X-Cache": state, "Cache-Control": "no-cache"},
    )
