"""Extensions, created once here and bound to the app in create_app()."""
from __future__ import annotations

import redis
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
jwt = JWTManager()


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
