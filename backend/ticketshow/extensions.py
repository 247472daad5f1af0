"""Extensions, created once here and bound to the app in create_app()."""
from __future__ import annotations

import redis
from flask_jwt_extended import JWTManager
from flask_migrate import Migrate
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
migrate = Migrate()
jwt = JWTManager()


class RedisHolder:
    """The app's Redis client. Short timeouts: a Redis outage must slow nothing down for long."""

    client: redis.Redis | None = None

    def init_app(self, app) -> None:
        self.client = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=0.5, socket_timeout=1.0,
            health_check_interval=30,
        )
        app.extensions["ticketshow_redis"] = self

    def __getattr__(self, name):
        return getattr(self.client, name)


redis_store = RedisHolder()
