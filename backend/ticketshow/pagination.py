"""The contract's list shape: {"items", "total", "page", "per_page"}; per_page is capped at 100."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, List, Nested
from marshmallow import post_load, validate
from sqlalchemy import func, select

from .extensions import db

MAX_PER_PAGE = 100


class PageQuery(Schema):
    page = Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = Integer(
        load_default=20,
        validate=validate.Range(min=1),
        metadata={"description": "items per page; values above 100 are capped at 100"},
    )

    @post_load
    def cap(self, data, **kwargs):
        data["per_page"] = min(data["per_page"], MAX_PER_PAGE)
        return data


def page_schema(item_schema, name: str) -> type[Schema]:
    return type(
        name,
        (Schema,),
        {
            "items": List(Nested(item_schema)),
            "total": Integer(),
            "page": Integer(),
            "per_page": Integer(),
        },
    )


def paginate(statement, page: int, per_page: int) -> dict:
    """Run a SELECT for one page and count the whole result set."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}
