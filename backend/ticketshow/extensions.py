"""Extensions, created once here and bound to the app in create_app()."""
from __future__ import annotations

import time

import redis
from flask import current_app
from redis.backoff import NoBackoff
from redis.retry import Retry
from flask_jwt_extended import JWTManager
from flask_sqlalchemy import SQLAlchemy
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


def make_redis_client(url: str) -> redis.Redis:
    """Short timeouts and no retries: while Redis is away, reads fall back to the database at once
    instead of waiting out redis-py's default backoff on every request."""
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0, health_check_interval=30,
                                retry=Retry(NoBackoff(), 0))


class RedisHolder:
    """The app's Redis client, shared by the cache, the login throttle and health checks."""

    client: redis.Redis | None = None

    def init_app(self, app) -> None:
        self.client = make_redis_client(app.config["REDIS_URL"])
        app.extensions["ticketshow_redis"] = self

    def __getattr__(self, name):
        return getattr(self.client, name)


redis_store = RedisHolder()
