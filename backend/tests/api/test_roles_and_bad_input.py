"""Every admin endpoint refuses users and anonymous callers; no input a client can send gives a 500."""

import io

import pytest
from PIL import Image

from tests.api.test_catalog import later

HUGE = "x" * (1024 * 1024)


@pytest.fixture
def world(api, admin):
    theatre = api.create_theatre(admin, name="Roxy")
    show = api.create_show(admin, name="Sholay")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    return {"theatre": theatre, "show": show, "screening": screening}


def png_bytes(size=(40, 30), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(out, fmt)
    return out.getvalue()


def admin_calls(world):
    t, s, sc = world["theatre"]["id"], world["show"]["id"], world["screening"]["id"]
    return [
        ("POST", "/api/theatres", {"name": "New", "place": "Goa", "capacity": 10}),
        ("PATCH", f"/api/theatres/{t}", {"name": "Hacked"}),
        ("DELETE", f"/api/theatres/{t}?force=true", None),
        ("PUT", f"/api/theatres/{t}/image", "image"),
        ("POST", "/api/shows", {"name": "New", "rating": 1, "tags": [], "ticket_price": 1}),
        ("PATCH", f"/api/shows/{s}", {"name": "Hacked"}),
        ("DELETE", f"/api/shows/{s}?force=true", None),
        ("PUT", f"/api/shows/{s}/image", "image"),
        ("POST", "/api/screenings", {"show_id": s, "theatre_id": t, "starts_at": later(5)}),
        ("PATCH", f"/api/screenings/{sc}", {"price": 1}),
        ("DELETE", f"/api/screenings/{sc}?force=true", None),
        ("GET", "/api/admin/dashboard", None),
        ("DELETE", "/api/admin/cache", None),
        ("POST", f"/api/theatres/{t}/export", None),
        ("GET", "/api/jobs?kind=export", None),
        ("GET", f"/api/admin/screenings/{sc}/prices", None),
        ("GET", "/api/admin/forecast", None),
        ("POST", "/api/admin/jobs/forecast", None),
        ("PUT", f"/api/theatres/{t}/layout", SMALL_LAYOUT),
        ("PUT", f"/api/screenings/{sc}/blocked-seats", {"seats": ["A1"]}),
    ]


SMALL_LAYOUT = {
    "categories": [{"code": "std", "name": "Standard", "price_pct": 100}],
    "rows": [
        {
            "label": "A",
            "seats": [{"number": 1, "category": "std"}, None, {"number": 2, "category": "std", "accessible": True}],
        }
    ],
}


def call(client, method, path, body, headers):
    if body == "image":
        return client.open(
            path,
            method=method,
            headers=headers,
            data={"image": (io.BytesIO(png_bytes()), "a.png")},
            content_type="multipart/form-data",
        )
    return client.open(path, method=method, headers=headers, json=body)


def snapshot(client, world):
    return [
        client.get(path).get_json()
        for path in (
            "/api/theatres",
            "/api/shows",
            f"/api/theatres/{world['theatre']['id']}",
            f"/api/shows/{world['show']['id']}",
            f"/api/screenings/{world['screening']['id']}",
        )
    ]


def test_role_matrix(api, client, world):
    user = api.new_user()
    before = snapshot(client, world)
    for method, path, body in admin_calls(world):
        anonymous = call(client, method, path, body, {})
        assert anonymous.status_code == 401, (method, path)
        assert anonymous.get_json()["error"]["code"] == "unauthorized"
        forbidden = call(client, method, path, body, user["headers"])
        assert forbidden.status_code == 403, (method, path)
        # admin_only for the chain's endpoints, staff_only for a theatre's (tests/api/test_policy_matrix.py)
        assert forbidden.get_json()["error"]["code"] in {"admin_only", "staff_only"}
    assert snapshot(client, world) == before


def test_admin_can_make_every_admin_call(client, admin, world):
    calls = admin_calls(world)
    deletes = [c for c in calls if c[0] == "DELETE"][::-1]  # screening, show, theatre: children first
    for method, path, body in [c for c in calls if c[0] != "DELETE"] + deletes:
        if path.endswith("/export"):
            continue  # needs a Celery worker: tests/tasks/test_exports.py runs it for real
        response = call(client, method, path, body, admin)
        assert response.status_code in {200, 201, 202, 204}, (method, path, response.get_json())


JSON_ENDPOINTS = [
    ("POST", "/api/auth/signup", False),
    ("POST", "/api/auth/login", False),
    ("POST", "/api/auth/password", "user"),
    ("POST", "/api/auth/password-reset", False),
    ("POST", "/api/auth/password-reset/confirm", False),
    ("PATCH", "/api/auth/me/preferences", "user"),
    ("POST", "/api/theatres", "admin"),
    ("PATCH", "/api/theatres/{t}", "admin"),
    ("POST", "/api/shows", "admin"),
    ("PATCH", "/api/shows/{s}", "admin"),
    ("POST", "/api/screenings", "admin"),
    ("PATCH", "/api/screenings/{sc}", "admin"),
    ("POST", "/api/bookings", "user"),
    ("PUT", "/api/shows/{s}/rating", "user"),
    ("POST", "/api/admin/jobs/monthly-reports", "admin"),
    ("POST", "/api/admin/jobs/daily-reminders", "admin"),
    ("PUT", "/api/theatres/{t}/layout", "admin"),
    ("PUT", "/api/screenings/{sc}/blocked-seats", "admin"),
    ("POST", "/api/screenings/{sc}/holds", "user"),
]
# Endpoints whose every field is optional: an empty body is a valid request there.
EMPTY_BODY_OK = {"PATCH", "/api/admin/jobs/daily-reminders"}

BAD_BODIES = [
    {
        "name": 12,
        "place": [],
        "capacity": "many",
        "rating": "x",
        "tags": "drama",
        "ticket_price": {},
        "starts_at": 5,
        "show_id": "1",
        "theatre_id": True,
        "username": 1,
        "password": None,
        "email": [],
        "report_format": 3,
        "reminders": "perhaps",
        "price": "free",
        "screenings": {},
        "dynamic_pricing": "on",
        "expected_unit_price": "free",
        "screening_id": "1",
        "seats": "A1",
        "hold_id": "x",
        "categories": {},
        "rows": "A",
        "expected_total_price": [],
        "category": 5,
    },
    {
        "seats": [1, None, {}],
        "categories": [{"code": "A B", "price_pct": 5}],
        "rows": [{"label": "", "seats": [5]}],
        "hold_id": -1,
        "quantity": 10**30,
    },
    {"seats": ["A1"] * 2000, "rows": [None], "categories": [None], "hold_id": 2**70},
    {"name": HUGE, "place": HUGE, "description": HUGE[:900_000], "username": HUGE[:900_000]},
    {"capacity": -1, "rating": -3, "ticket_price": -5, "price": -1, "duration_minutes": -10, "show_id": -1},
    {
        "capacity": 10**30,
        "rating": 1e308,
        "ticket_price": 1e20,
        "price": "1e400",
        "duration_minutes": 10**12,
        "theatre_id": 2**70,
        "screening_id": 2**70,
        "dynamic_pricing": {"enabled": True, "floor_pct": 2**70},
    },
    {"capacity": 2.5, "ticket_price": 10.001, "price": "NaN", "rating": float("inf") if False else "Infinity"},
    {"starts_at": "2026-12-01T18:30:00", "name": "   ", "place": "\u0000bad", "tags": ["a" * 50]},
    {"starts_at": "yesterday", "screenings": [{"theatre_id": "x", "starts_at": "later"}]},
    [],
    "a string",
    None,
    {},
]

# Raw bodies no JSON encoder would write: each must be a 400 (or a 422 naming the field), never a 500.
RAW_BAD_BODIES = [
    b"[" * 100_000 + b"]" * 100_000,  # deeper than any stack
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b"[" * 40 + b"]" * 40,  # shallow enough to parse, too deep to accept
    b'{"capacity": 1e400, "rating": -1E999, "quantity": 1e400}',  # floats that overflow to infinity
    b'{"capacity": ' + b"9" * 5_000 + b', "quantity": 1}',  # beyond Python's int-parsing guard
    b'{"screening_id": ' + b"1" * 40 + b', "quantity": -' + b"7" * 31 + b"}",
    b'{"capacity": NaN, "quantity": Infinity, "score": -Infinity}',
    '{"name": "Café", "username": "ü"}'.encode("utf-16"),  # UTF-16 with its BOM
    '{"name": "Café"}'.encode("utf-16-le"),
    '{"name": "Café", "place": "Köln", "username": "zoë"}'.encode("latin-1"),
    b'{"name": "\xed\xa0\x80", "username": "a\xed\xbf\xbf"}',  # surrogates encoded as (invalid) UTF-8
    b'{"name": "\\ud800", "place": "x\\udfff", "username": "\\udbff\\udbff", "password": "\\ud83d"}',
    b'{"\\ud800": 1}',
    b'{"tags": ["\\udc00"], "screenings": [{"starts_at": "\\ud800"}], "description": "a\\ud800b"}',
    b"\x00\x00\x00{",
    b'{"name": "x"} trailing',
]


@pytest.fixture
def callers(api, admin):
    return {"admin": admin, "user": api.new_user()["headers"], False: {}}


def assert_error_shape(response, method, path):
    assert response.status_code < 500, (method, path, response.status_code, response.get_data(as_text=True)[:300])
    assert response.status_code >= 400, (method, path, response.status_code)
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]


@pytest.mark.parametrize("method, template, role", JSON_ENDPOINTS)
def test_bad_bodies_are_clear_errors(client, world, callers, method, template, role):
    path = template.format(t=world["theatre"]["id"], s=world["show"]["id"], sc=world["screening"]["id"])
    headers = callers[role]
    for body in BAD_BODIES:
        response = client.open(path, method=method, json=body, headers=headers)
        if body in ({}, None) and (method in EMPTY_BODY_OK or path in EMPTY_BODY_OK):
            assert response.status_code in (200, 202)  # an empty patch changes nothing; reminders default to today
            continue
        assert_error_shape(response, method, path)
        if isinstance(body, dict) and body:
            assert response.status_code in {413, 422, 401}, (path, body.keys(), response.status_code)
    for raw in RAW_BAD_BODIES:
        response = client.open(path, method=method, data=raw, headers={**headers, "Content-Type": "application/json"})
        assert_error_shape(response, method, path)
        assert response.status_code in {400, 401, 422}, (path, raw[:60], response.status_code)
    not_json = client.open(
        path, method=method, data="{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert not_json.status_code == 400 and not_json.get_json()["error"]["code"] == "invalid_json"
    wrong_type = client.open(path, method=method, data="name=x", headers={**headers, "Content-Type": "text/plain"})
    assert wrong_type.status_code == 400 and wrong_type.get_json()["error"]["code"] == "unsupported_content_type"
    too_big = client.open(path, method=method, json={"name": "y" * (1024 * 1024 + 10)}, headers=headers)
    assert too_big.status_code == 413


def ten_thousand_and_one_seats() -> dict:
    rows = [
        {
            "label": f"{chr(65 + n // 26)}{chr(65 + n % 26)}",
            "seats": [{"number": k, "category": "std"} for k in range(1, 101)],
        }
        for n in range(100)
    ]
    rows.append({"label": "ZZZ", "seats": [{"number": 1, "category": "std"}]})
    return {"categories": [{"code": "std", "name": "Standard", "price_pct": 100}], "rows": rows}


def test_seating_bad_input(api, client, admin, world):
    t, sc = world["theatre"]["id"], world["screening"]["id"]
    user = api.new_user()["headers"]
    too_big = client.put(f"/api/theatres/{t}/layout", json=ten_thousand_and_one_seats(), headers=admin)
    assert too_big.status_code == 422 and "10000" in str(too_big.get_json()["error"]["details"])
    assert client.get(f"/api/theatres/{t}").get_json()["capacity"] == 100  # nothing changed
    huge = {
        "categories": SMALL_LAYOUT["categories"],
        "rows": [{"label": "A", "seats": [{"number": 1, "category": "std"}] + [None] * 300_000}],
    }
    assert client.put(f"/api/theatres/{t}/layout", json=huge, headers=admin).status_code == 413
    for body in (
        {"seats": ["A1", "A1"]},
        {"seats": ["Q77"]},
        {"seats": [f"A{n}" for n in range(1, 10_002)]},
        {"seats": [""]},
        {"seats": ["x" * 100]},
    ):
        for path, headers in ((f"/api/screenings/{sc}/blocked-seats", admin), (f"/api/screenings/{sc}/holds", user)):
            response = client.open(path, method="PUT" if "blocked" in path else "POST", json=body, headers=headers)
            assert response.status_code == 422, (path, str(body)[:40], response.get_json())
            assert_error_shape(response, "PUT", path)
    for path in (
        f"/api/holds/{2**63}",
        f"/api/holds/{2**63}/renew",
        f"/api/screenings/{2**63}/seats",
        f"/api/theatres/{2**63}/layout",
        "/api/holds/999999",
    ):
        method = "POST" if path.endswith("renew") else "GET"
        response = client.open(path, method=method, headers=user)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found", path
    booking = client.post("/api/bookings", json={"hold_id": 2**70}, headers=user)
    assert booking.status_code == 422 and "hold_id" in booking.get_json()["error"]["details"]
    neither = client.post("/api/bookings", json={"expected_total_price": 10}, headers=user)
    assert neither.status_code == 422 and set(neither.get_json()["error"]["details"]) == {"screening_id", "quantity"}


def test_validation_names_the_fields(client, admin):
    response = client.post("/api/theatres", json={"name": "", "capacity": 0, "place": "x" * 121}, headers=admin)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["details"]) == {"name", "capacity", "place"}
    response = client.post(
        "/api/shows", json={"name": "A", "rating": 5.5, "tags": [], "ticket_price": 1.234}, headers=admin
    )
    assert set(response.get_json()["error"]["details"]) == {"rating", "ticket_price"}
    naive = client.post(
        "/api/screenings", json={"show_id": 1, "theatre_id": 1, "starts_at": "2027-01-01T10:00:00"}, headers=admin
    )
    assert "offset" in naive.get_json()["error"]["details"]["starts_at"][0]


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "per_page=-1",
        "min_rating=9",
        "sort=random",
        "from=tomorrow",
        "from=2027-01-01T00:00:00",
        "to=2020-01-01T00:00:00Z&from=2021-01-01T00:00:00Z",
        "page=99999999999999999999",
        "q=" + "x" * 500,
    ],
)
def test_bad_queries_are_422(client, query):
    for path in ("/api/shows", "/api/screenings", "/api/theatres"):
        response = client.get(f"{path}?{query}")
        if response.status_code == 200:
            continue  # parameter not used by this listing
        assert response.status_code == 422, (path, query, response.get_data(as_text=True)[:200])
        assert_error_shape(response, "GET", path)


def test_ids_beyond_sqlite_integers_are_404_or_422(client, admin, api):
    huge = 2**63  # one past SQLite's largest INTEGER: it cannot even be bound to a query
    for path in (
        f"/api/screenings/{huge}",
        f"/api/shows/{huge}",
        f"/api/theatres/{huge}",
        f"/api/admin/screenings/{huge}/prices",
        f"/api/bookings/{huge}",
        f"/api/jobs/{huge}",
    ):
        response = client.get(path, headers=admin)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found", path
    booking = client.post(
        "/api/bookings", json={"screening_id": huge, "quantity": 1}, headers=api.new_user()["headers"]
    )
    assert booking.status_code == 422 and "screening_id" in booking.get_json()["error"]["details"]
    listing = client.get(f"/api/screenings?show_id={huge}")
    assert listing.status_code == 422 and "show_id" in listing.get_json()["error"]["details"]
    largest = client.get(f"/api/screenings/{huge - 1}")
    assert largest.status_code == 404 and largest.get_json()["error"]["code"] == "not_found"


def test_unknown_routes_and_methods_under_api_are_json(client):
    for method in ("GET", "POST", "DELETE"):
        response = client.open("/api/no/such/thing", method=method)
        assert response.status_code == 404 and response.is_json
    wrong = client.put("/api/theatres")
    assert wrong.status_code == 405 and wrong.get_json()["error"]["code"] == "method_not_allowed"


def test_layout_category_names_differ(client, admin, world):
    """Two categories whose names differ only in case, surrounding spaces or compatibility forms (fullwidth
    letters, ligatures) read as one on a ticket: a 422 naming the later one's name field, and nothing saved;
    distinct names are fine."""
    t = world["theatre"]["id"]
    seats = [{"number": 1, "category": "vip"}, {"number": 2, "category": "general"}]
    for names in (
        ["VIP", "vip"],
        ["General", " general "],
        ["VIP", "VIP"],
        ["VIP", "ＶＩＰ"],  # fullwidth
        ["Straße", "STRASSE"],
        ["ﬁrst", "First"],  # the ligature ﬁ
        ["Ｇｅｎｅｒａｌ", "general　"],  # and an ideographic space around it
    ):
        categories = [
            {"code": code, "name": name, "price_pct": 100} for code, name in zip(("vip", "general"), names, strict=True)
        ]
        response = client.put(
            f"/api/theatres/{t}/layout",
            json={"categories": categories, "rows": [{"label": "A", "seats": seats}]},
            headers=admin,
        )
        assert response.status_code == 422, (names, response.get_json())
        details = response.get_json()["error"]["details"]
        assert list(details) == ["layout.categories.1.name"], details
        assert details["layout.categories.1.name"] == ["Another category already has this name."]
    assert client.get(f"/api/theatres/{t}").get_json()["capacity"] == 100  # nothing changed
    fine = [{"code": "vip", "name": "VIP", "price_pct": 150}, {"code": "general", "name": "General", "price_pct": 100}]
    response = client.put(
        f"/api/theatres/{t}/layout", json={"categories": fine, "rows": [{"label": "A", "seats": seats}]}, headers=admin
    )
    assert response.status_code == 200, response.get_json()
