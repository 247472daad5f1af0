from __future__ import annotations

import redis
from apiflask import APIBlueprint, Schema
from apiflask.fields import String
from sqlalchemy import text

from .extensions import db, redis_store

bp = APIBlueprint("health", __name__, url_prefix="/api", tag="Operations")


class HealthOut(Schema):
    status = String(metadata={"enum": ["ok", "failing"]})
    database = String()
    redis = String()


@bp.get("/health")
@bp.output(HealthOut)
@bp.doc(responses={503: "A part is failing; the body names it"})
def health():
    parts = {"database": "ok", "redis": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means the part is down
        parts["database"] = "failing"
    try:
        redis_store.ping()
    except redis.RedisError:
        parts["redis"] = "failing"
    healthy = all(value == "ok" for value in parts.values())
    return {"status": "ok" if healthy else "failing", **parts}, 200 if healthy else 503
