"""Ratings: users' scores for shows, and the average and count every show card and booking carries.

Below catalog and booking, which both read it: the rule of who may rate (a started, confirmed booking of the
show) lives with booking (booking.service.rate), which then calls set_score here.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from ..extensions import db
from .models import Rating

NO_USER_RATINGS = {"average": None, "count": 0}


def user_ratings(show_ids=None) -> dict[int, dict]:
    """Users' scores per show as {"average", "count"}, in one grouped query (every show when ids is None).
    Shows nobody rated are absent: use NO_USER_RATINGS for them."""
    statement = select(Rating.show_id, func.avg(Rating.score), func.count()).group_by(Rating.show_id)
    if show_ids is not None:
        statement = statement.where(Rating.show_id.in_(show_ids))
    return {show_id: rating_figures(average, count) for show_id, average, count in db.session.execute(statement)}


def rating_figures(average, count: int) -> dict:
    """A show's {"average": mean score to 2 decimals, "count"} from SQL's avg(score) and count(*)."""
    return {"average": round(float(average), 2), "count": count}


def scores(user_ids: Iterable[int], show_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """{(user_id, show_id): score} for the pairs among these users and shows that have a rating."""
    user_ids, show_ids = set(user_ids), set(show_ids)
    if not user_ids or not show_ids:
        return {}
    return {
        (r.user_id, r.show_id): r.score
        for r in db.session.scalars(select(Rating).where(Rating.user_id.in_(user_ids), Rating.show_id.in_(show_ids)))
    }


def set_score(user_id: int, show_id: int, score: int) -> None:
    """Record or replace the user's score (1..5) for the show, in the caller's write transaction."""
    rating = db.session.scalar(select(Rating).where(Rating.user_id == user_id, Rating.show_id == show_id))
    if rating is None:
        db.session.add(Rating(user_id=user_id, show_id=show_id, score=score))
    else:
        rating.score = score
    db.session.flush()
