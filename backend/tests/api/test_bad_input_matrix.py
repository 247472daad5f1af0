"""Bad input, generated from the app itself, so a route added tomorrow is covered without editing this file.

* Every /api operation whose OpenAPI document has a JSON request body gets, for each documented field, each
  hostile value (wrong types, null, nesting, huge and negative numbers, empty, long and non-Latin text: Tamil,
  Hindi, emoji, right-to-left), a lone surrogate, an unknown field, and bodies that are not objects, not JSON,
  not UTF-8, empty or sent as another media type.
* Every /api write route without a body gets the same hostile bodies (it must ignore them or refuse them).
* Every /api route with an id in its path gets 0, -1, 2**63, 2**70 and 'abc' there.
* Every documented query parameter of a GET /api route gets hostile values.

Each answer must be below 500 and, when it is an error, the one JSON error shape. A field that never earns a
422 naming it shows that the walk did not reach the route's validation (a wrong path, a missing row), so the
walk fails rather than passing by calling nothing.
"""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from tests.api.test_catalog import later
from tests.api.test_roles_and_bad_input import assert_error_shape
from tests.factories import book_seats
from ticketshow.fields import MAX_ROW_ID

HOSTILE_VALUES = [
    None,
    True,
    0,
    -1,
    2**70,
    -(10**30),
    1e308,
    2.5,
    "",
    "   ",
    "abc",
    "2026-13-45T99:99:99Z",
    "தமிழ் திரைப்படம்",
    "हिन्दी सिनेमा",
    "🎬🍿" * 60,
    "\u202eمرحبا بالعالم\u202c",
    "x" * 10_000,
    [],
    [None, 1, "a", {}],
    [[[[["deep"]]]]],
    {},
    {"a": {"b": {"c": 1}}},
    ["A1"] * 3,
]
WHOLE_BODIES = [None, [], [{}], "a string", 12, True, {"unexpected": {"nested": [1, 2]}}]
RAW_BODIES = [
    (b"", "application/json"),
    (b"null", "application/json"),
    (b"{not json", "application/json"),
    (b'{"a": NaN}', "application/json"),
    ('{"name": "Café"}'.encode("latin-1"), "application/json"),
    (b"\xef\xbb\xbf{}", "application/json"),  # a UTF-8 byte order mark before an empty object
    (b"[" * 40 + b"]" * 40, "application/json"),
    (b"name=x", "application/x-www-form-urlencoded"),
    (b"name=x", "text/plain"),
    (b"<a/>", "application/xml"),
]
BAD_IDS = ["0", "-1", str(2**63), str(2**70), "abc"]
BAD_QUERY_VALUES = ["abc", "-1", "0", str(2**70), "1e400", "x" * 2000, "தமிழ்", "%F0%9F%8E%AC", "%ED%A0%80", ""]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that end the caller's sessions: walked with a caller of their own, last.
SESSION_ENDERS = {"/api/auth/logout", "/api/auth/logout-all"}


@pytest.fixture
def world(app, api, client, admin):
    """A row for every URL argument, each the admin's own (so the admin's calls reach validation)."""
    from ticketshow.extensions import db
    from ticketshow.jobs import service as jobs
    from ticketshow.jobs.models import EXPORT
    from ticketshow.waitlist.models import WaitlistEntry

    theatre = api.create_theatre(admin, name="Roxy")
    show = api.create_show(admin, name="Sholay")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    other = api.create_screening(admin, show["id"], theatre["id"], later(3))
    admin_id = client.get("/api/auth/me", headers=admin).get_json()["id"]
    booking = book_seats(admin_id, screening["id"], 1)
    hold = client.post(f"/api/screenings/{screening['id']}/holds", json={"quantity": 1}, headers=admin)
    assert hold.status_code == 201, hold.get_json()
    export = jobs.create(EXPORT, None, {"theatre_id": theatre["id"], "theatre_name": "Roxy"})
    entry = WaitlistEntry(screening_id=other["id"], user_id=admin_id, quantity=1, state="waiting")
    db.session.add(entry)
    db.session.commit()
    return {
        "theatre_id": theatre["id"],
        "screening_id": screening["id"],
        "show_id": show["id"],
        "booking_id": booking.id,
        "job_id": export.id,
        "user_id": api.new_user()["id"],
        "filename": "nothing.png",
        "hold_id": hold.get_json()["id"],
        "entry_id": entry.id,
    }


def api_routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def openapi_path(rule) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)


def json_fields(doc, operation) -> list[str] | None:
    """The documented fields of an operation's JSON body, or None when it documents no JSON body."""
    content = (operation.get("requestBody") or {}).get("content", {})
    if "application/json" not in content:
        return None
    schema = content["application/json"]["schema"]
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return sorted(schema.get("properties", {}))


def check(response, method, path, sent):
    """No 500, no HTML; an error is the one JSON error shape."""
    assert response.status_code < 500, (method, path, sent, response.status_code, response.get_data()[:300])
    if response.status_code >= 400:
        assert response.is_json, (method, path, sent, response.status_code, response.get_data()[:200])
        assert_error_shape(response, method, path)


def names_field(response, field: str) -> bool:
    if response.status_code != 422:
        return False
    details = response.get_json()["error"].get("details") or {}
    return any(key == field or key.startswith(f"{field}.") for key in details)


def test_every_write_route_and_id_refuses_bad_input_without_a_500(app, api, client, admin, world):
    doc = client.get("/api/openapi.json").get_json()
    tried = {"calls": 0, "routes": set()}
    unreached: list[str] = []

    def send(method, path, headers, **kwargs):
        response = client.open(path, method=method, headers=headers, **kwargs)
        check(response, method, path, str(kwargs.get("json", kwargs.get("data")))[:80])
        tried["calls"] += 1
        return response

    routes = list(api_routes(app))
    # Session enders last, so the admin's token lives through the walk.
    routes.sort(key=lambda item: item[0].rule in SESSION_ENDERS)
    for rule, method in routes:
        if method not in WRITE_METHODS:
            continue
        path = rule.build(world, append_unknown=False)[1] if rule.arguments else rule.rule
        headers = api.new_user()["headers"] if rule.rule in SESSION_ENDERS else admin
        operation = doc["paths"][openapi_path(rule)][method.lower()]
        fields = json_fields(doc, operation)
        tried["routes"].add(f"{method} {rule.rule}")
        for field in fields or []:
            hits = 0
            for value in HOSTILE_VALUES:
                hits += names_field(send(method, path, headers, json={field: value}), field)
            surrogate = f'{{"{field}": "a\\ud800b"}}'.encode()
            raw = send(method, path, headers, data=surrogate, content_type="application/json")
            hits += names_field(raw, field)
            if not hits:
                unreached.append(f"{method} {path} {field}")
        for body in WHOLE_BODIES:
            send(method, path, headers, json=body)
        for data, media_type in RAW_BODIES:
            send(method, path, headers, data=data, content_type=media_type)
        if fields is not None:
            too_big = send(method, path, headers, json={"name": "y" * (1024 * 1024 + 10)})
            assert too_big.status_code == 413, (method, path, too_big.status_code)
            not_json = send(method, path, headers, data=b"{not json", content_type="application/json")
            assert not_json.get_json()["error"]["code"] == "invalid_json", (method, path)
    assert unreached == [], "no hostile value earned a 422 naming these fields: " + ", ".join(unreached)
    written = {f"{m} {r.rule}" for r, m in api_routes(app) if m in WRITE_METHODS}
    assert tried["routes"] == written and len(written) > 30
    print(f"\n{len(written)} write routes, {tried['calls']} calls with hostile bodies")


def test_bad_ids_in_every_path_are_json_404s(app, client, admin, world):
    calls = 0
    for rule, method in api_routes(app):
        ints = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        for name in ints:
            for bad in BAD_IDS:
                path = rule.rule
                for arg in rule.arguments:
                    value = bad if arg == name else str(world[arg])
                    path = re.sub(rf"<(?:[a-z]+:)?{arg}>", value, path)
                response = client.open(path, method=method, headers=admin, json={})
                check(response, method, path, bad)
                calls += 1
                if bad.isdigit() and int(bad) > MAX_ROW_ID:
                    # No route takes an id this big (fields.RowIdConverter); Werkzeug answers 405 when a route
                    # of another method shares the path.
                    assert response.status_code in {404, 405}, (method, path, response.status_code)
                elif method in {"GET", "DELETE"} or not bad.isdigit():
                    assert response.status_code == 404, (method, path, response.status_code)
                    assert response.get_json()["error"]["code"] == "not_found", (method, path)
    assert calls > 100
    print(f"\n{calls} calls with bad ids")


def test_bad_query_values_are_clear_errors(app, client, admin, world):
    doc = client.get("/api/openapi.json").get_json()
    calls = 0
    for rule, method in api_routes(app):
        if method != "GET" or openapi_path(rule) not in doc["paths"]:
            continue  # the API's own documents (/api/docs, /api/openapi.json) take no parameters
        operation = doc["paths"][openapi_path(rule)]["get"]
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        path = rule.build(world, append_unknown=False)[1] if rule.arguments else rule.rule
        for name in names:
            for value in BAD_QUERY_VALUES:
                response = client.get(f"{path}?{name}={value}", headers=admin)
                check(response, "GET", path, f"{name}={value}")
                calls += 1
    assert calls > 100
    print(f"\n{calls} calls with bad query values")
