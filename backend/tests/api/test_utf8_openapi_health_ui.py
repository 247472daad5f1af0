"""UTF-8 round trips, the OpenAPI document, /api/health and the UI's history-mode fallback."""

import pytest

from tests.api.test_catalog import later

SCRIPTS = {
    "hindi": ("राज मंदिर सिनेमा", "जयपुर", "एक शानदार अनुभव"),
    "tamil": ("கமலா திரையரங்கம்", "சென்னை", "திரைப்படம் பார்க்க சிறந்த இடம்"),
    "japanese": ("東京劇場", "東京都中央区", "歌舞伎と映画"),
    "arabic": ("مسرح النور", "دبي", "عرض مسرحي رائع"),
    "emoji": ("🎭 Drama Hub 🍿", "Goa 🌴", "Family fun 👨‍👩‍👧‍👦 with ZWJ sequences"),
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_names_and_descriptions_round_trip_exactly(api, client, admin, script):
    name, place, description = SCRIPTS[script]
    theatre = api.create_theatre(admin, name=name, place=place, description=description)
    show = api.create_show(
        admin,
        name=name,
        description=description,
        caption=place,
        tags=[place],
        screenings=[{"theatre_id": theatre["id"], "starts_at": later(1)}],
    )
    home = client.get(f"/api/theatres/{theatre['id']}").get_json()
    assert (home["name"], home["place"], home["description"]) == (name, place, description)
    detail = client.get(f"/api/shows/{show['id']}").get_json()
    assert (detail["name"], detail["description"], detail["caption"]) == (name, description, place)
    assert detail["screenings"][0]["show"]["name"] == name and detail["screenings"][0]["theatre"]["place"] == place
    assert client.get("/api/shows", query_string={"q": name[1:4]}).get_json()["items"][0]["id"] == show["id"]
    assert client.get("/api/theatres", query_string={"place": place}).get_json()["items"][0]["id"] == theatre["id"]
    raw = client.get(f"/api/theatres/{theatre['id']}").data.decode("utf-8")
    assert name in raw  # sent as UTF-8 text, not \\u escapes


def test_openapi_documents_every_contract_endpoint(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    expected = {
        "/api/auth/signup": {"post"},
        "/api/auth/login": {"post"},
        "/api/auth/me": {"get"},
        "/api/auth/logout": {"post"},
        "/api/auth/me/preferences": {"patch"},
        "/api/theatres": {"get", "post"},
        "/api/theatres/{theatre_id}": {"get", "patch", "delete"},
        "/api/theatres/{theatre_id}/image": {"put"},
        "/api/shows": {"get", "post"},
        "/api/shows/{show_id}": {"get", "patch", "delete"},
        "/api/shows/{show_id}/image": {"put"},
        "/api/screenings": {"get", "post"},
        "/api/screenings/{screening_id}": {"get", "patch", "delete"},
        "/api/health": {"get"},
    }
    for path, methods in expected.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), path
    assert not [p for p in spec["paths"] if not p.startswith("/api/")]
    show_params = {p["name"] for p in spec["paths"]["/api/shows"]["get"]["parameters"]}
    assert {"q", "tag", "min_rating", "place", "from", "to", "sort", "page", "per_page"} <= show_params
    create_theatre = spec["paths"]["/api/theatres"]["post"]
    assert create_theatre["security"] == [{"BearerAuth": []}]
    assert "422" in create_theatre["responses"]


def test_health_ok_and_503_naming_redis(app, client, redis_server):
    assert client.get("/api/health").get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
    from ticketshow.extensions import make_redis_client, redis_store

    redis_store.client = make_redis_client("redis://127.0.0.1:1/0")  # nothing listens there
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "failing", "database": "ok", "redis": "failing"}


def test_reads_and_logins_work_while_redis_is_down(app, api, client, admin):
    from ticketshow.extensions import make_redis_client, redis_store

    api.create_theatre(admin, name="Still here")
    redis_store.client = make_redis_client("redis://127.0.0.1:1/0")  # nothing listens there
    assert client.get("/api/theatres").get_json()["items"][0]["name"] == "Still here"
    assert client.get("/api/auth/me", headers=api.admin_headers()).status_code == 200


def test_ui_routes_fall_back_to_index_but_api_stays_json(client):
    from pathlib import Path

    dist = Path(client.application.config["UI_DIST"])
    if not (dist / "index.html").exists():
        pytest.fail("the UI must be built before the tests (make test builds it)")
    for path in ("/", "/shows/12", "/theatres/3", "/admin", "/login"):
        response = client.get(path)
        assert response.status_code == 200 and b"<html" in response.data.lower(), path
        assert response.headers["Cache-Control"] == "no-cache"
    assert client.get("/manifest.webmanifest").status_code == 200
    api_miss = client.get("/api/shows/12/nothing")
    assert api_miss.status_code == 404 and api_miss.is_json
