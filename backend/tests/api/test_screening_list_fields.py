"""`GET /api/screenings` builds its items without the ORM or the output schema (catalog/listing.py, for cache
misses): every item must still be exactly what ScreeningOut dumps for the same screening with the live
figures catalog.service.attach_live_figures fills (seats sold, held and blocked; the forecast; the price trend),
and the page's order and total those of the same filters."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from sqlalchemy import select

from tests.factories import book_seats
from ticketshow import cache
from ticketshow.catalog import service
from ticketshow.catalog.models import Screening, Show
from ticketshow.catalog.schemas import ScreeningOut
from ticketshow.extensions import db
from ticketshow.popularity.models import ScreeningForecast
from ticketshow.seating.models import BlockedSeat


def later(hours: int) -> str:
    return (datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=hours)).isoformat()


def _catalogue(api, admin) -> dict:
    """Screenings that between them set every field and leave every optional one empty."""
    pune = api.create_theatre(admin, name="Aundh Hall", place="Pune", capacity=10)
    chennai = api.create_theatre(admin, name="Marina Hall", place="Chennai · சென்னை", capacity=10)
    full = api.create_show(
        admin,
        name="மழைக்காலம்",
        ticket_price=199.5,
        screenings=[
            {"theatre_id": pune["id"], "starts_at": later(5), "price": 420},
            {"theatre_id": chennai["id"], "starts_at": later(30), "price": 310.25},
        ],
    )
    plain = api.create_show(
        admin,
        name="Ébène",
        screenings=[{"theatre_id": chennai["id"], "starts_at": later(h)} for h in (2, 50, 100, 200)],
    )
    api.create_show(admin, name="Far Away", screenings=[{"theatre_id": pune["id"], "starts_at": later(24 * 9)}])
    listed = client_ids(api.client, "/api/screenings?per_page=100")
    first, second, third, fourth = listed[:4]
    user = api.new_user()
    book_seats(user["id"], first, 3)
    book_seats(user["id"], second, 10)  # houseful
    held = api.client.post(f"/api/screenings/{third}/holds", json={"quantity": 2}, headers=user["headers"])
    assert held.status_code == 201, held.get_json()
    db.session.add(BlockedSeat(screening_id=fourth, seat_label="A1", seat_no=1))
    db.session.add(ScreeningForecast(screening_id=first, predicted_occupancy=0.9))
    db.session.add(ScreeningForecast(screening_id=fourth, predicted_occupancy=0.25))
    db.session.get(Show, full["id"]).image_path = "shows/full.webp"
    rising = db.session.get(Screening, fourth)
    rising.previous_price, rising.price = rising.price, rising.price + 30
    falling = db.session.get(Screening, third)
    falling.previous_price, falling.price = falling.price, falling.price - 20
    db.session.commit()
    return {"pune": pune, "chennai": chennai, "full": full, "plain": plain}


def client_ids(client, path: str) -> list[int]:
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def _dumped(app, ids: list[int]) -> dict[int, dict]:
    """What the schema dumps for these screenings, filled as the service fills them."""
    screenings = db.session.scalars(select(Screening).where(Screening.id.in_(ids))).all()
    service.attach_live_figures(screenings)
    dumped = {s.id: json.loads(app.json.dumps(ScreeningOut().dump(s)), parse_float=str) for s in screenings}
    db.session.rollback()
    return dumped


def test_list_items_are_what_the_screening_schema_dumps(app, api, client, admin):
    made = _catalogue(api, admin)
    window = f"from={quote(later(1))}&to={quote(later(24 * 30))}"
    checked = 0
    for path, expected_total in [
        ("/api/screenings?per_page=100", 5),  # now to 7 days ahead: not those in 8 and 9 days
        (f"/api/screenings?{window}&per_page=100", 7),
        (f"/api/screenings?{window}&place=chennai&sort=-starts_at", 5),
        (f"/api/screenings?{window}&sort=show&per_page=2&page=2", 7),
        (f"/api/screenings?{window}&sort=theatre&show_id={made['plain']['id']}", 4),
        (f"/api/screenings?{window}&theatre_id={made['pune']['id']}&sort=show", 2),
    ]:
        cache.flush_all()
        response = client.get(path)
        assert response.status_code == 200 and response.headers["X-Cache"] == "MISS", response.get_json()
        page = json.loads(response.data, parse_float=str)
        assert page["total"] == expected_total, path
        assert list(page) == ["items", "total", "page", "per_page"]
        dumped = _dumped(app, [item["id"] for item in page["items"]])
        for item in page["items"]:
            assert item == dumped[item["id"]], (path, item["id"])
            assert list(item) == list(dumped[item["id"]])  # the same fields in the schema's order
            checked += 1
        again = client.get(path)
        assert again.headers["X-Cache"] == "HIT" and again.data == response.data, path
    assert checked >= 20
    figures = {item["id"]: item for item in client.get(f"/api/screenings?{window}&per_page=100").get_json()["items"]}
    assert {item["price_trend"] for item in figures.values()} == {"rising", "falling", "steady"}
    assert {item["houseful"] for item in figures.values()} == {True, False}
    assert any(item["predicted_occupancy"] is not None for item in figures.values())
    assert any(item["show"]["image_url"] for item in figures.values())


def test_list_order_follows_each_sort(app, api, client, admin):
    _catalogue(api, admin)
    window = f"from={quote(later(1))}&to={quote(later(24 * 30))}"
    for sort, key in [
        ("starts_at", lambda s: (s["starts_at"], s["id"])),
        ("show", lambda s: (s["show"]["name"].replace("É", "E").lower(), s["starts_at"], s["id"])),
        ("theatre", lambda s: (s["theatre"]["name"].lower(), s["starts_at"], s["id"])),
    ]:
        items = client.get(f"/api/screenings?{window}&per_page=100&sort={sort}").get_json()["items"]
        assert items == sorted(items, key=key), sort
    forward = client_ids(client, f"/api/screenings?{window}&per_page=100")
    assert client_ids(client, f"/api/screenings?{window}&per_page=100&sort=-starts_at") == forward[::-1]
