"""Public reads are cached in Redis, invalidated by every catalogue write, and never serve stale seats."""

import io

import pytest

from tests.api.test_catalog import later
from tests.api.test_roles_and_bad_input import png_bytes
from tests.factories import book_seats


@pytest.fixture
def catalogue(api, admin):
    theatre = api.create_theatre(admin, name="Roxy", capacity=10)
    show = api.create_show(admin, name="Sholay", screenings=[{"theatre_id": theatre["id"], "starts_at": later(1)}])
    screening_id = api.client.get(f"/api/shows/{show['id']}").get_json()["screenings"][0]["id"]
    from ticketshow import cache

    cache.flush_all()  # start every test with nothing cached
    return {"theatre": theatre, "show": show, "screening_id": screening_id}


def cached_paths(c):
    return [
        "/api/theatres",
        f"/api/theatres/{c['theatre']['id']}",
        "/api/shows?sort=name&tag=drama",
        f"/api/shows/{c['show']['id']}",
        "/api/screenings",
        f"/api/screenings/{c['screening_id']}",
    ]


def test_miss_then_hit_with_the_same_body(client, catalogue):
    for path in cached_paths(catalogue):
        first, second = client.get(path), client.get(path)
        assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT"), path
        assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]


def test_query_order_does_not_matter(client, catalogue):
    client.get("/api/shows?tag=drama&sort=name")
    assert client.get("/api/shows?sort=name&tag=drama").headers["X-Cache"] == "HIT"


def test_conditional_get_answers_304(client, catalogue):
    first = client.get("/api/shows")
    again = client.get("/api/shows", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


WRITES = [
    ("PATCH", "/api/theatres/{t}", {"name": "Roxy Renamed"}, "/api/theatres", "Roxy Renamed"),
    (
        "POST",
        "/api/theatres",
        {"name": "Maratha Mandir", "place": "Mumbai", "capacity": 5},
        "/api/theatres",
        "Maratha Mandir",
    ),
    ("PATCH", "/api/shows/{s}", {"name": "Sholay 3D"}, "/api/shows/{s}", "Sholay 3D"),
    (
        "POST",
        "/api/shows",
        {"name": "Deewaar", "rating": 5, "tags": ["drama"], "ticket_price": 90},
        "/api/shows",
        "Deewaar",
    ),
    ("PATCH", "/api/screenings/{sc}", {"price": 321.5}, "/api/screenings/{sc}", "321.5"),
    (
        "POST",
        "/api/screenings",
        {"show_id": "{s}", "theatre_id": "{t}", "starts_at": later(3), "price": 77.25},
        "/api/screenings",
        "77.25",
    ),
    ("PATCH", "/api/theatres/{t}", {"capacity": 7}, "/api/theatres/{t}", '"seats_total": 7'),
]


@pytest.mark.parametrize("method, template, body, read, expected", WRITES)
def test_every_catalogue_write_invalidates(client, admin, catalogue, method, template, body, read, expected):
    ids = {"t": catalogue["theatre"]["id"], "s": catalogue["show"]["id"], "sc": catalogue["screening_id"]}
    read_path = read.format(**ids)
    assert client.get(read_path).headers["X-Cache"] == "MISS"
    assert client.get(read_path).headers["X-Cache"] == "HIT"
    body = {k: (int(v.format(**ids)) if isinstance(v, str) and v.startswith("{") else v) for k, v in body.items()}
    response = client.open(template.format(**ids), method=method, json=body, headers=admin)
    assert response.status_code in {200, 201}, response.get_json()
    after = client.get(read_path)
    assert after.headers["X-Cache"] == "MISS" and expected in after.get_data(as_text=True)


def test_deletes_and_images_invalidate(client, admin, catalogue):
    show_path = f"/api/shows/{catalogue['show']['id']}"
    client.get(show_path), client.get("/api/shows")
    upload = client.put(
        f"/api/shows/{catalogue['show']['id']}/image",
        headers=admin,
        data={"image": (io.BytesIO(png_bytes()), "p.png")},
        content_type="multipart/form-data",
    )
    assert client.get(show_path).get_json()["image_url"] == upload.get_json()["image_url"]
    client.get("/api/screenings")
    assert client.delete(f"/api/screenings/{catalogue['screening_id']}", headers=admin).status_code == 204
    assert client.get("/api/screenings").get_json()["items"] == []
    client.get("/api/theatres")
    assert client.delete(f"/api/theatres/{catalogue['theatre']['id']}", headers=admin).status_code == 204
    assert client.get("/api/theatres").get_json()["items"] == []
    assert client.delete(show_path, headers=admin).status_code == 204
    assert client.get(show_path).status_code == 404


def test_seats_are_always_fresh_even_on_a_hit(app, api, client, catalogue):
    path = f"/api/screenings/{catalogue['screening_id']}"
    theatre_path = f"/api/theatres/{catalogue['theatre']['id']}"
    client.get(path), client.get(theatre_path), client.get("/api/screenings")
    book_seats(api.new_user()["id"], catalogue["screening_id"], 10)
    hit = client.get(path)
    assert hit.headers["X-Cache"] == "HIT"
    assert hit.get_json()["seats_left"] == 0 and hit.get_json()["houseful"] is True
    assert client.get(theatre_path).get_json()["screenings"][0]["houseful"] is True
    assert client.get("/api/screenings").get_json()["items"][0]["seats_left"] == 0


def test_ratings_invalidate_show_cards(app, api, client, admin, catalogue):
    from datetime import datetime, timedelta, timezone

    import time_machine

    user = api.new_user()
    book_seats(user["id"], catalogue["screening_id"], 1)
    client.get("/api/shows")
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=2)):
        headers = {"Authorization": f"Bearer {api.login(user['username'], 'user-Test-passw0rd')}"}
        assert (
            client.put(f"/api/shows/{catalogue['show']['id']}/rating", json={"score": 5}, headers=headers).status_code
            == 200
        )
        assert client.get("/api/shows").get_json()["items"][0]["user_rating"] == {"average": 5.0, "count": 1}


def test_admin_flush(api, client, admin, catalogue):
    client.get("/api/theatres"), client.get("/api/shows")
    user = api.new_user()
    assert client.delete("/api/admin/cache", headers=user["headers"]).status_code == 403
    assert client.delete("/api/admin/cache").status_code == 401
    assert client.get("/api/theatres").headers["X-Cache"] == "HIT"
    assert client.delete("/api/admin/cache", headers=admin).status_code == 204
    assert client.get("/api/theatres").headers["X-Cache"] == "MISS"
    from ticketshow.extensions import redis_store

    left = list(redis_store.scan_iter(match="cache:response:*"))
    assert left and all(b"/api/theatres" in key for key in left)  # the old /api/shows entry is gone


def test_answers_that_depend_on_the_caller_are_not_cached(api, client, catalogue):
    user = api.new_user()
    response = client.get("/api/bookings", headers=user["headers"])
    assert response.status_code == 200 and "X-Cache" not in response.headers
    assert client.get("/api/auth/me", headers=user["headers"]).headers.get("X-Cache") is None


def test_reads_survive_redis_being_down(app, client, catalogue):
    from ticketshow.extensions import make_redis_client, redis_store

    redis_store.client = make_redis_client("redis://127.0.0.1:1/0")  # nothing listens there
    for path in cached_paths(catalogue):
        response = client.get(path)
        assert response.status_code == 200 and response.headers["X-Cache"] == "MISS", path
    assert client.get("/api/health").status_code == 503


def test_errors_are_not_cached(client):
    assert client.get("/api/shows/999").status_code == 404
    assert client.get("/api/shows?sort=bogus").status_code == 422
    assert "X-Cache" not in client.get("/api/shows/999").headers


def test_large_json_is_gzipped_for_clients_that_accept_it(api, client, admin):
    import gzip
    import json

    for n in range(30):
        api.create_theatre(admin, name=f"Theatre number {n}", description="A long description. " * 5)
    plain = client.get("/api/theatres?per_page=100")
    packed = client.get("/api/theatres?per_page=100", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 3
    assert json.loads(gzip.decompress(packed.data)) == plain.get_json()
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get(
        "/api/theatres?per_page=100", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304
    small = client.get("/api/health", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers


def test_a_ttl_of_zero_turns_the_cache_off(app, api, client, catalogue):
    from ticketshow.extensions import redis_store

    for path in cached_paths(catalogue):  # stored while the cache is on...
        client.get(path)
        assert client.get(path).headers["X-Cache"] == "HIT", path
    stored = sorted(redis_store.scan_iter(match="cache:response:*"))
    app.config["CACHE_TTL_SECONDS"] = 0  # as CACHE_TTL_SECONDS=0 (the load benchmark's uncached server)
    for path in cached_paths(catalogue):  # ...never served once it is off, and nothing new is stored
        first, second = client.get(path), client.get(path)
        assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "MISS"), path
        assert first.data == second.data
        assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert sorted(redis_store.scan_iter(match="cache:response:*")) == stored
    book_seats(api.new_user()["id"], catalogue["screening_id"], 10)
    assert client.get(f"/api/screenings/{catalogue['screening_id']}").get_json()["houseful"] is True


def test_live_fields_answer_what_refresh_answers(app, api, client, admin, catalogue):
    """A hit fills its live figures into the cached body's template (cache.LiveFields) instead of decoding,
    refreshing and encoding it: the bytes must be those of the decode-refresh-encode path, with seats sold,
    a price that rose, a screening no longer in the database (it keeps its figures) and place prices."""
    from ticketshow.catalog import routes
    from ticketshow.extensions import db, redis_store

    theatre_id, show_id = catalogue["theatre"]["id"], catalogue["show"]["id"]
    gone = api.create_screening(admin, show_id, theatre_id, later(2))["id"]
    other_show = api.create_show(admin, name="Deewaar", screenings=[{"theatre_id": theatre_id, "starts_at": later(3)}])
    elsewhere = api.create_theatre(admin, name="Regal", place="Mumbai")["id"]
    api.create_screening(admin, other_show["id"], elsewhere, later(4))
    paths = [
        *cached_paths(catalogue),
        "/api/shows",
        "/api/shows?place=chennai",
        f"/api/screenings/{gone}",
        f"/api/shows/{other_show['id']}",  # its price rose in one place of two
        f"/api/shows/{other_show['id']}?place=mumbai",
        f"/api/shows/{show_id}?place=nowhere",
    ]
    for path in paths:
        assert client.get(path).status_code == 200, path
    book_seats(api.new_user()["id"], catalogue["screening_id"], 3)
    with app.app_context():
        db.session.execute(
            db.text("UPDATE screenings SET previous_price = price, price = price + 2550 WHERE show_id = :id"),
            {"id": other_show["id"]},
        )
        db.session.execute(db.text("DELETE FROM screenings WHERE id = :id"), {"id": gone})
        db.session.commit()

    checked = set()
    for key in redis_store.scan_iter(match="cache:response:*"):
        body = redis_store.get(key)
        part = key.decode().split(":", 3)[3]
        path, _, query = part.partition("?")
        if path == "/api/shows":
            live, refresh = routes._LIVE_SHOW_PRICES, routes._fresh_show_prices
        elif path.startswith("/api/shows/"):
            live, refresh = routes._LIVE_SHOW_PAGE, routes._fresh_figures
            assert routes._LIVE_SCREENINGS.render(body) is None  # a show's page is not a list's
        elif path.startswith(("/api/screenings", "/api/theatres/")):
            live, refresh = routes._LIVE_SCREENINGS, routes._fresh_figures
        else:
            continue
        with app.test_request_context(path, query_string=query):
            rendered, expected = live.render(body), refresh(body)
        assert rendered == expected, part
        checked.add(part)
    assert len(checked) == 7 + len([p for p in paths if p.startswith("/api/shows/")]), checked
    hit = client.get("/api/screenings").get_json()["items"]
    assert [s["seats_left"] for s in hit if s["id"] == catalogue["screening_id"]] == [7]
    assert {s["price_trend"] for s in hit if s["show"]["id"] == other_show["id"]} == {"rising"}


def test_kept_answers_follow_every_write_and_the_clock(app, api, client, admin, catalogue):
    """A hit's answer is kept between hits while nothing is written (cache.LiveFields, database.data_version):
    a write through the app, a write by another connection and a hold's expiry each show on the next hit."""
    import sqlite3
    from datetime import datetime, timedelta

    import time_machine

    sid, show_id = catalogue["screening_id"], catalogue["show"]["id"]

    def listed():
        hit = client.get("/api/screenings")
        assert hit.headers["X-Cache"] in {"HIT", "MISS"}
        return next(item for item in hit.get_json()["items"] if item["id"] == sid), hit.headers["ETag"]

    def show_price():
        return next(item for item in client.get("/api/shows").get_json()["items"] if item["id"] == show_id)[
            "price_from"
        ]

    for _ in range(3):  # a miss, a hit, then the kept answer
        first, etag = listed()
        price = show_price()
    assert first["seats_left"] == 10 and listed() == (first, etag)

    user = api.new_user()
    held = client.post(f"/api/screenings/{sid}/holds", json={"quantity": 2}, headers=user["headers"])
    assert held.status_code == 201, held.get_json()
    assert [listed()[0]["seats_left"] for _ in range(3)] == [8, 8, 8]  # the hold's write; then kept again
    expires_at = datetime.fromisoformat(held.get_json()["expires_at"])
    with time_machine.travel(expires_at - timedelta(seconds=1), tick=False):
        assert listed()[0]["seats_left"] == 8
    with time_machine.travel(expires_at, tick=False):  # nothing written: the hold lapses by the clock alone
        assert [listed()[0]["seats_left"] for _ in range(2)] == [10, 10]

    with sqlite3.connect(app.config["SETTINGS"].database_path) as other:  # not the app's pool
        other.execute("UPDATE screenings SET price = price + 5000 WHERE id = ?", (sid,))
    now, changed_etag = listed()
    assert now["price"] == first["price"] + 50
    assert changed_etag != etag and show_price() == price + 50
    assert client.get("/api/screenings", headers={"If-None-Match": changed_etag}).status_code == 304

    starts_at = datetime.fromisoformat(client.get(f"/api/screenings/{sid}").get_json()["starts_at"])
    with time_machine.travel(starts_at + timedelta(seconds=1), tick=False):  # its only screening has begun
        assert show_price() is None
