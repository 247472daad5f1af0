from __future__ import annotations

import redis
from apiflask import APIBlueprint, Schema
from apiflask.fields import String
from sqlalchemy import text

from . import policy
from .extensions import db, redis_store

bp = APIBlueprint("health", __name__, url_prefix="/api", tag="Operations")


class HealthOut(Schema):
    status = String(metadata={"enum": ["ok", "failing"]})
    database = String()
    redis = String()


@bp.get("/health")
@policy.public
@bp.output(HealthOut)
@bp.doc(operation_id="getHealth", responses={
    503: {"description": "A part is failing: the body names it (`\"failing\"`)",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HealthOut"}}}}})
def health():
    """Health of the service

    Checks the database and Redis; 200 when both answer, 503 naming the failing part otherwise. Public,
    for load balancers and monitors.
    """
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
