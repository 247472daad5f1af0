"""Extensions, created once here and bound to the app in create_app()."""

from __future__ import annotations

import re
import time

import flask_jwt_extended
import redis
from flask import current_app, g, request
from flask_jwt_extended import JWTManager, view_decorators
from flask_jwt_extended.exceptions import RevokedTokenError, UserClaimsVerificationError, UserLookupError
from flask_sqlalchemy import SQLAlchemy
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import MetaData

# Stable constraint names keep Alembic's batch migrations on SQLite predictable.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))


class VerifiedTokenMemo(JWTManager):
    """Flask-JWT-Extended with a per-app memo of tokens whose signature and claims were verified.

    Without it every authenticated request parses its token three times, and PyJWT checks every base64
    character on each parse: the largest single cost of a booking after its statements. An entry is only
    ever returned for the identical token string; expiry is checked on every use (an expired token goes
    back through the library, which answers token_expired), and revocation is still read from SQLite on
    every request, so a logout takes effect at once.
    """

    MAX_ENTRIES = 10_000

    def _decode_jwt_from_config(self, encoded_token, csrf_value=None, allow_expired=False):
        memo = current_app.extensions.setdefault("ticketshow_verified_tokens", {})
        claims = memo.get(encoded_token)
        if claims is not None and not allow_expired and csrf_value is None and claims.get("exp", 0) > time.time():
            return claims
        claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        if not allow_expired:
            if len(memo) >= self.MAX_ENTRIES:
                memo.clear()
            memo[encoded_token] = claims
        return claims


jwt = VerifiedTokenMemo()

_PLAIN_BEARER = re.compile(r"Bearer ([A-Za-z0-9_\-.]+)")  # a JWT is base64url parts joined by dots


def verify_access_token():
    """flask_jwt_extended.verify_jwt_in_request() (an access token in the Authorization header, required),
    answering the caller (auth.service.Principal).

    For the usual request, `Authorization: Bearer <a token this process verified before and that has not
    expired>`, the same steps without the library's layers (its configuration read through proxies a dozen
    times, the header split by a regular expression, the token decoded through the memo and its header
    copied): the token type is checked, the revocation callback and the claims check run, the user is loaded,
    and `g` holds what the library leaves there, so `current_user` and `get_jwt()` answer the same. That
    was about a tenth of a hold + book pair's CPU (docs/benchmarks.md, "Seat holds"). Every other request
    (no header, another form of it, a token not yet verified here, an expired or refresh token, OPTIONS)
    goes through the library, which raises what it always raised. Revocation is read on every request.
    """
    current = request._get_current_object()
    found = _PLAIN_BEARER.fullmatch(current.environ.get("HTTP_AUTHORIZATION", ""))
    if found is not None and current.method != "OPTIONS":
        token = found.group(1)
        app = current_app._get_current_object()
        claims = app.extensions.get("ticketshow_verified_tokens", {}).get(token)
        seen = getattr(view_decorators.get_unverified_jwt_headers, "_seen", None)  # _RememberedHeaders below
        header = seen.get(token) if seen is not None else None
        manager = app.extensions.get("flask-jwt-extended")
        if (
            claims is not None
            and header is not None
            and manager is jwt
            and jwt._user_lookup_callback is not None
            and claims.get("exp", 0) > time.time()
            and claims.get("type") == "access"
            and app.config["JWT_TOKEN_LOCATION"] == ["headers"]
            and app.config["JWT_HEADER_NAME"] == "Authorization"
            and app.config["JWT_HEADER_TYPE"] == "Bearer"
        ):
            header = dict(header)  # the request's own copy, as the library gives it
            if jwt._token_in_blocklist_callback(header, claims):
                raise RevokedTokenError(header, claims)
            if not jwt._token_verification_callback(header, claims):
                raise UserClaimsVerificationError("User claims verification failed", header, claims)
            user = jwt._user_lookup_callback(header, claims)
            if user is None:
                identity = claims[app.config["JWT_IDENTITY_CLAIM"]]
                raise UserLookupError(f"user_lookup returned None for {identity}", header, claims)
            state = g._get_current_object()
            state._jwt_extended_jwt_user = {"loaded_user": user}
            state._jwt_extended_jwt_header = header
            state._jwt_extended_jwt = claims
            state._jwt_extended_jwt_location = "headers"
            return user
    flask_jwt_extended.verify_jwt_in_request()  # looked up here: a test may stand in for it
    loaded = g.get("_jwt_extended_jwt_user")  # none after an exempt method (OPTIONS): nothing was verified
    return loaded["loaded_user"] if loaded else None


class _RememberedHeaders:
    """The header of a token, parsed once per process instead of on every request.

    After decoding a request's token (remembered above), flask-jwt-extended parses its header again
    (`view_decorators` calls `utils.get_unverified_jwt_headers`, imported there by name), and PyJWT checks
    every base64 character of the whole token on each parse: 5-7 % of a booking's CPU time in the profile
    (docs/benchmarks.md, "CPU per request"). It is only ever called for a token that was just verified, and
    an entry is returned only for the identical token string, so the answer is the same as a fresh parse.
    """

    MAX_ENTRIES = 10_000

    def __init__(self, parse):
        self._parse, self._seen = parse, {}

    def __call__(self, encoded_token: str) -> dict:
        header = self._seen.get(encoded_token)
        if header is None:
            header = self._parse(encoded_token)
            if len(self._seen) >= self.MAX_ENTRIES:
                self._seen.clear()
            self._seen[encoded_token] = header
        return dict(header)  # the caller's own copy: g keeps it for the request


def remember_token_headers() -> None:
    """Install _RememberedHeaders where flask-jwt-extended looks the parser up (once per process)."""
    if not isinstance(view_decorators.get_unverified_jwt_headers, _RememberedHeaders):
        view_decorators.get_unverified_jwt_headers = _RememberedHeaders(view_decorators.get_unverified_jwt_headers)


def parse_sentinels(text: str | None) -> list[tuple[str, int]]:
    """REDIS_SENTINELS, "host:port,host:port" (port 26379 when left out), as redis-py wants them."""
    found = []
    for part in (text or "").split(","):
        part = part.strip()
        if part:
            host, _, port = part.rpartition(":") if ":" in part else (part, "", "26379")
            found.append((host or part, int(port or 26379)))
    return found


def make_redis_client(
    url: str, sentinels: list[tuple[str, int]] | None = None, master: str = "ticketshow"
) -> redis.Redis:
    """Short timeouts and no retries: while Redis is away, reads fall back to the database at once
    instead of waiting out redis-py's default backoff on every request.

    With `sentinels`, the client asks them for the current primary of `master` (its db and password
    from `url`) and asks again after a connection fails, so a Sentinel failover is followed by itself."""
    options = dict(
        socket_connect_timeout=0.5, socket_timeout=1.0, health_check_interval=30, retry=Retry(NoBackoff(), 0)
    )
    if not sentinels:
        return redis.Redis.from_url(url, **options)
    from urllib.parse import urlparse

    from redis.sentinel import Sentinel

    parsed = urlparse(url)
    db = int(parsed.path.lstrip("/") or 0)
    sentinel = Sentinel(
        sentinels, sentinel_kwargs={"socket_connect_timeout": 0.5, "socket_timeout": 0.5}, socket_connect_timeout=0.5
    )
    return sentinel.master_for(master, db=db, password=parsed.password, **options)


def redis_client_for(settings, url: str | None = None) -> redis.Redis:
    """The app's client for `url` (default REDIS_URL), through REDIS_SENTINELS when they are set."""
    return make_redis_client(
        url or settings.redis_url, parse_sentinels(settings.redis_sentinels), settings.redis_sentinel_master
    )


class RedisHolder:
    """The app's Redis client, shared by the cache, the login throttle and health checks."""

    client: redis.Redis | None = None

    def init_app(self, app) -> None:
        self.client = redis_client_for(app.config["SETTINGS"], app.config["REDIS_URL"])
        app.extensions["ticketshow_redis"] = self

    def __getattr__(self, name):
        return getattr(self.client, name)


redis_store = RedisHolder()
