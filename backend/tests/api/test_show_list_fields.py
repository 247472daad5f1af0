"""`GET /api/shows` builds its items without the output schema (catalog/listing.py, for cache misses that
cost a quarter of what they did): every item must still be exactly what ShowOut dumps for the same show,
with the figures the service fills (users' ratings, popularity, trending, price_from in the place asked)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from ticketshow.catalog import service
from ticketshow.catalog.models import Show
from ticketshow.catalog.schemas import ShowOut
from ticketshow.extensions import db
from ticketshow.popularity.models import PopularityScore
from ticketshow.ratings.models import Rating


def later(days: int) -> str:
    return (datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=days)).isoformat()


def _catalogue(api, admin) -> list[int]:
    """Shows that between them set every field and leave every optional one empty."""
    pune = api.create_theatre(admin, name="Aundh Hall", place="Pune")
    chennai = api.create_theatre(admin, name="Marina Hall", place="Chennai · சென்னை")
    full = api.create_show(
        admin,
        name="மழைக்காலம்",  # a romanised name
        caption="Rain, again",
        description="A long\nstory.",
        rating=3.5,
        tags=["drama", "family", "classic"],
        ticket_price=199.5,
        duration_minutes=150,
        language="Tamil",
        aliases=["Mazhaikaalam", "Monsoon Days"],
        dynamic_pricing={"enabled": True, "floor_pct": 70, "ceiling_pct": 200},
        screenings=[
            {"theatre_id": pune["id"], "starts_at": later(1), "price": 420},
            {"theatre_id": chennai["id"], "starts_at": later(2), "price": 310.25},
        ],
    )
    bare = api.create_show(admin, name="Bare Monsoon", rating=0, tags=["drama"], ticket_price=100)
    rated = api.create_show(
        admin, name="Monsoon Rated", tags=["comedy"], screenings=[{"theatre_id": pune["id"], "starts_at": later(3)}]
    )
    users = [api.new_user()["id"] for _ in range(3)]
    db.session.add_all(Rating(user_id=u, show_id=rated["id"], score=s) for u, s in zip(users, (5, 4, 4), strict=True))
    db.session.add(PopularityScore(kind="show", subject_id=full["id"], score=87.5, trending=True))
    db.session.add(PopularityScore(kind="show", subject_id=rated["id"], score=12.0, trending=False))
    db.session.get(Show, bare["id"]).image_path = "shows/bare.webp"
    db.session.commit()
    return [full["id"], bare["id"], rated["id"]]


def _dumped(app, ids: list[int], place: str | None) -> dict[int, dict]:
    """What the schema dumps for these shows, filled as the service fills a show's page."""
    shows = db.session.scalars(select(Show).where(Show.id.in_(ids))).all()
    service.attach_user_ratings(shows)
    prices = service.prices_from(ids, place)
    for show in shows:
        show.price_from = prices.get(show.id)
    db.session.rollback()
    # through the app's JSON, read back keeping numbers as written: 199.50 must stay 199.50
    return {show.id: json.loads(app.json.dumps(ShowOut().dump(show)), parse_float=str) for show in shows}


def test_list_items_are_what_the_show_schema_dumps(app, api, client, admin):
    ids = _catalogue(api, admin)
    for path, place in [
        ("/api/shows?per_page=100", None),
        ("/api/shows?q=monsoon", None),
        ("/api/shows?q=mazhai&place=chennai", "chennai"),
        ("/api/shows?sort=rating&place=pune", "pune"),
        ("/api/shows?tag=drama&sort=name", None),
    ]:
        response = client.get(path)
        assert response.status_code == 200, response.get_json()
        items = json.loads(response.get_data(), parse_float=str)["items"]
        assert items, path
        expected = _dumped(app, ids, place)
        for item in items:
            assert list(item) == list(expected[item["id"]]), path  # same fields, same order
            assert item == expected[item["id"]], path
        names = {item["name"] for item in items}
        assert path != "/api/shows?per_page=100" or names == {"மழைக்காலம்", "Bare Monsoon", "Monsoon Rated"}
