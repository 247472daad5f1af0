"""The OpenAPI document as outside clients read it: valid OpenAPI 3.1 (openapi-spec-validator), the Redocly
"recommended" rules that can be checked here, and the project's own rules for every operation (see
ticketshow/openapi.py). A new endpoint that lacks a summary, description, operationId or its declared
errors fails here, with the operation named."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tests.conftest import make_settings
from ticketshow import create_app
from ticketshow.apidoc import notes_of
from ticketshow.openapi import ACCESS_RULES, _views_by_operation

# Every operationId ever published: clients are generated from them, so none may disappear or change.
# Adding an endpoint adds an id (the test does not need it listed); renaming one breaks clients.
PUBLISHED_OPERATION_IDS = {
    "signUp",
    "logIn",
    "getMe",
    "updatePreferences",
    "logOut",
    "listTheatres",
    "getTheatre",
    "createTheatre",
    "updateTheatre",
    "deleteTheatre",
    "uploadTheatreImage",
    "listShows",
    "getShow",
    "createShow",
    "updateShow",
    "deleteShow",
    "uploadShowImage",
    "listScreenings",
    "getScreening",
    "createScreening",
    "updateScreening",
    "deleteScreening",
    "createBooking",
    "listBookings",
    "getBooking",
    "cancelBooking",
    "rateShow",
    "exportTheatre",
    "downloadExport",
    "getJob",
    "listJobs",
    "runDailyReminders",
    "runMonthlyReports",
    "runForecast",
    "getForecast",
    "getDashboard",
    "getPriceHistory",
    "getMonthlyReport",
    "getHealth",
    "flushCache",
}
# Operations that cannot answer any 4xx (Redocly's operation-4xx-response), each with its reason.
NO_CLIENT_ERRORS = {
    "getHealth": "takes no input and no token",
    "getCheckinKey": "takes no input and no token",
    "getConfig": "takes no input and no token",
}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module")
def document_app(tmp_path_factory, redis_server, migrated_template):
    data_dir = tmp_path_factory.mktemp("openapi")
    shutil.copy(migrated_template, data_dir / "ticketshow.sqlite3")
    return create_app(make_settings(data_dir, redis_server["url"]))


@pytest.fixture(scope="module")
def spec(document_app):
    """The document as served, fetched once for the module (it does not depend on data)."""
    response = document_app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def resolve(spec, ref):
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def schema_objects(spec):
    """Every Schema Object under components.schemas, with its location, depth first."""

    def walk(schema, where):
        if not isinstance(schema, dict):
            return
        yield where, schema
        for name, sub in schema.get("properties", {}).items():
            yield from walk(sub, f"{where}.{name}")
        if isinstance(schema.get("items"), dict):
            yield from walk(schema["items"], f"{where}[]")
        for key in ("allOf", "anyOf", "oneOf"):
            for index, sub in enumerate(schema.get(key, [])):
                yield from walk(sub, f"{where}.{key}[{index}]")

    for name, schema in spec["components"]["schemas"].items():
        yield from walk(schema, name)


# ---- validity -------------------------------------------------------------------------------------


def test_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1.")
    validate(spec)  # raises with the JSON path of the first problem


def test_validator_catches_a_broken_document(spec):
    """Control: the validator really checks (a response without a description fails)."""
    broken = json.loads(json.dumps(spec))
    path, method, operation = next(operations(broken))
    operation["responses"]["200"].pop("description")
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_only_openapi_3_1_keywords(spec):
    text = json.dumps(spec)
    assert '"nullable"' not in text  # 3.1 says null with "type": [..., "null"]
    for where, schema in schema_objects(spec):
        assert "example" not in schema, f"{where}: use examples: [...] (3.1), not example"
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            assert not isinstance(schema.get(key), bool), f"{where}.{key} is a number in 3.1"


# ---- Redocly's recommended rules ------------------------------------------------------------------


def test_info_has_license_and_contact(spec):
    info = spec["info"]
    assert info["title"] and info["version"] and info["description"]
    assert info["license"]["name"] and (info["license"].get("identifier") or info["license"].get("url"))
    assert info["contact"]


def test_servers_are_not_empty_and_have_no_trailing_slash(spec):
    assert spec["servers"]
    for server in spec["servers"]:
        assert server["url"] == "/" or not server["url"].endswith("/")
        assert "example.com" not in server["url"]


def test_tags_declared_once_each_with_a_description(spec):
    names = [tag["name"] for tag in spec["tags"]]
    assert len(names) == len(set(names)), f"duplicate tags: {names}"
    for tag in spec["tags"]:
        assert tag.get("description"), f"tag {tag['name']!r} needs a description (ticketshow/openapi.py TAGS)"
    for path, method, operation in operations(spec):
        assert operation.get("tags"), f"{method} {path} has no tag"
        for tag in operation["tags"]:
            assert tag in names, f"{method} {path}: tag {tag!r} is not declared (ticketshow/openapi.py TAGS)"


def test_paths_are_well_formed_and_unambiguous(spec):
    shapes = {}
    for path, item in spec["paths"].items():
        assert path.startswith("/api/"), path
        assert not path.endswith("/") and "?" not in path, path
        shape = re.sub(r"\{[^}]+\}", "{}", path)
        assert shape not in shapes, f"{path} and {shapes[shape]} are identical paths"
        shapes[shape] = path
        declared = set(re.findall(r"\{([^}]+)\}", path))
        for method, operation in item.items():
            if method not in METHODS:
                continue
            in_path = {
                p["name"] for p in operation.get("parameters", []) + item.get("parameters", []) if p.get("in") == "path"
            }
            assert in_path == declared, f"{method} {path}: path parameters {in_path} != {declared}"
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    assert parameter.get("required") is True, f"{method} {path}: {parameter['name']}"


def test_every_operation_has_id_summary_description_and_responses(spec):
    seen = {}
    for path, method, operation in operations(spec):
        where = f"{method.upper()} {path}"
        operation_id = operation.get("operationId")
        assert operation_id, f"{where}: no operationId"
        assert re.fullmatch(r"[a-z][A-Za-z0-9]*", operation_id), (
            f"{where}: operationId {operation_id!r} is not camelCase"
        )
        assert operation_id not in seen, f"{where} and {seen[operation_id]} share operationId {operation_id}"
        seen[operation_id] = where
        assert operation.get("summary", "").strip(), f"{where}: no summary (the docstring's first line)"
        assert operation.get("description", "").strip(), f"{where}: no description (the docstring after its first line)"
        statuses = set(operation["responses"])
        assert any(s.startswith("2") for s in statuses), f"{where}: no 2xx response"
        if operation_id not in NO_CLIENT_ERRORS:
            assert any(s.startswith("4") for s in statuses), f"{where}: no 4xx response"
        names = [(p["name"], p["in"]) for p in operation.get("parameters", [])]
        assert len(names) == len(set(names)), f"{where}: repeated parameters {names}"
        assert "security" in operation, f"{where}: say security (or [] for a public operation)"
        for requirement in operation["security"]:
            for scheme in requirement:
                assert scheme in spec["components"]["securitySchemes"], f"{where}: unknown scheme {scheme}"
    assert set(seen) >= PUBLISHED_OPERATION_IDS, f"operationIds disappeared: {PUBLISHED_OPERATION_IDS - set(seen)}"


def test_refs_resolve_and_every_component_is_used(spec):
    used = set()
    for ref in refs(spec):
        resolve(spec, ref)
        used.add(ref)
    for kind, components in spec["components"].items():
        if kind == "securitySchemes":
            continue
        for name in components:
            assert f"#/components/{kind}/{name}" in used, f"components.{kind}.{name} is never used"


def test_one_component_per_schema(spec):
    names = set(spec["components"]["schemas"])
    for name in names:
        match = re.fullmatch(r"(.+?)\d+", name)
        assert not (match and match.group(1) in names), (
            f"{name} duplicates {match.group(1)}: use one schema class (or name the variant)"
        )


def test_schemas_are_consistent(spec):
    """no-enum-type-mismatch and no-required-schema-properties-undefined."""
    python_types = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "null": type(None)}
    for where, schema in schema_objects(spec):
        for name in schema.get("required", []):
            assert name in schema.get("properties", {}), f"{where}: required {name!r} is not a property"
        if "enum" in schema and "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            for value in schema["enum"]:
                assert any(isinstance(value, python_types[t]) for t in types if t in python_types), (
                    f"{where}: enum value {value!r} is not a {types}"
                )


# ---- the project's rules for every operation ------------------------------------------------------


def test_errors_are_declared_with_the_error_shape(spec):
    error_ref = "#/components/schemas/Error"
    for path, method, operation in operations(spec):
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        for status, response in responses.items():
            assert response.get("description", "").strip(), f"{where} {status}: no description"
            if status.startswith("4"):
                content = response.get("content", {})
                assert content.get("application/json", {}).get("schema") == {"$ref": error_ref}, (
                    f"{where} {status}: errors answer the Error shape"
                )
        body = operation.get("requestBody", {}).get("content", {})
        if "application/json" in body:
            assert {"400", "413", "422"} <= set(responses), f"{where}: a JSON body can be 400, 413 or 422"
        if any(
            p["in"] in ("query", "header") and p["name"] != "If-None-Match" for p in operation.get("parameters", [])
        ):
            assert "422" in responses, f"{where}: bad parameters are 422"
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in responses, f"{where}: an unknown id is 404"
        if operation["security"]:
            assert "401" in responses, f"{where}: needs a token, so 401"
            assert "WWW-Authenticate" in responses["401"].get("headers", {}), where


def test_admin_operations_say_so_and_document_403(document_app, spec):
    """Every route behind an admin-only policy (found from the app's own routes, not the document) says so;
    those managers or scanners may use say who may."""
    views = _views_by_operation(document_app)
    admin_ids = set()
    for path, method, operation in operations(spec):
        _, view = views[(path, method)]
        if notes_of(view).get("x_access") == "admin":
            admin_ids.add(operation["operationId"])
            assert ACCESS_RULES["admin"] in operation["description"], f"{method} {path}"
            assert "403" in operation["responses"], f"{method} {path}"
    assert {"createTheatre", "flushCache", "putStaff", "listAudit"} <= admin_ids
    assert not admin_ids & {"listShows", "createBooking", "getMe"}
    staff_ids = set()  # what managers may do too says who may (ticketshow/policy.py)
    for path, method, operation in operations(spec):
        _, view = views[(path, method)]
        access = notes_of(view).get("x_access")
        if access and access != "admin":
            staff_ids.add(operation["operationId"])
            assert ACCESS_RULES[access] in operation["description"], f"{method} {path}"
            assert "403" in operation["responses"], f"{method} {path}"
    assert {"exportTheatre", "getDashboard", "listJobs", "createScreening", "getPriceHistory"} <= staff_ids


def test_cached_reads_document_etag_and_304(spec):
    cached = {"listTheatres", "getTheatre", "listShows", "getShow", "listScreenings", "getScreening"}
    for path, _method, operation in operations(spec):
        if operation["operationId"] not in cached:
            continue
        responses = operation["responses"]
        assert {"ETag", "X-Cache"} <= set(responses["200"]["headers"]), path
        assert "304" in responses and "ETag" in responses["304"]["headers"], path
        assert "If-None-Match" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}, path
        cached.discard(operation["operationId"])
    assert not cached, f"not found: {cached}"


def test_booking_retries_and_login_throttling_are_documented(spec):
    paths = spec["paths"]
    book = paths["/api/bookings"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in book["parameters"] if p["in"] == "header"}
    assert (
        book["responses"]["200"]["content"]["application/json"]["schema"]
        == book["responses"]["201"]["content"]["application/json"]["schema"]
    )  # the replay answers the booking
    assert "Retry-After" in paths["/api/auth/login"]["post"]["responses"]["429"]["headers"]
    assert "503" in paths["/api/health"]["get"]["responses"]


# ---- schemas that say what the server does --------------------------------------------------------


def test_answers_require_every_field_they_always_send(spec):
    for name in (
        "ShowOut",
        "ScreeningOut",
        "BookingOut",
        "JobOut",
        "TokenOut",
        "MeOut",
        "TheatreDetailOut",
        "ShowPage",
        "DashboardOut",
        "PriceHistoryOut",
    ):
        schema = spec["components"]["schemas"][name]
        assert set(schema["required"]) == set(schema["properties"]), name
        assert "additionalProperties" not in schema, f"{name}: answers may gain fields (API.md)"
    job = spec["components"]["schemas"]["JobOut"]["properties"]
    for field in ("result_url", "error", "summary", "finished_at"):
        assert "null" in job[field]["type"], f"JobOut.{field} is null until the job has one"


def test_money_has_no_artificial_bounds(spec):
    from jsonschema import Draft202012Validator

    money = [
        (where, schema)
        for where, schema in schema_objects(spec)
        if schema.get("type") in ("number", ["number", "null"]) and "rupees" in schema.get("description", "")
    ]
    assert len(money) > 10
    for where, schema in money:
        assert "multipleOf" not in schema, f"{where}: multipleOf 0.01 fails 19.99 in float validators"
        Draft202012Validator(schema).validate(19.99)
    totals = dict(money)
    for where in ("BookingOut.total_price", "Totals.revenue", "ScreeningOut.price"):
        assert "maximum" not in totals[where], f"{where}: totals and moving prices have no upper bound"
    assert totals["ShowIn.ticket_price"]["maximum"] == 1_000_000  # what the server enforces on input


def test_request_constraints_are_the_enforced_ones(spec, document_app):
    schemas = spec["components"]["schemas"]
    quantity = schemas["BookingIn"]["properties"]["quantity"]
    assert (quantity["minimum"], quantity["maximum"]) == (1, document_app.config["BOOKING_MAX_QUANTITY"])
    signup = schemas["SignupIn"]["properties"]
    assert signup["email"]["format"] == "idn-email"
    assert (signup["password"]["minLength"], signup["password"]["maxLength"]) == (8, 256)
    month = schemas["MonthlyReportsIn"]["properties"]["month"]["pattern"]
    report = {p["name"]: p for p in spec["paths"]["/api/reports/monthly"]["get"]["parameters"]}
    assert report["month"]["schema"]["pattern"] == month
    for good in ("2026-11", "2000-01", "2099-12"):
        assert re.fullmatch(month, good)
    for bad in ("2026-13", "1999-12", "2026-1", "26-11"):
        assert not re.fullmatch(month, bad)
    assert schemas["DailyRemindersIn"]["properties"]["date"]["format"] == "date"


def test_file_answers_have_their_media_types(spec):
    download = spec["paths"]["/api/exports/{job_id}/download"]["get"]["responses"]["200"]["content"]
    assert set(download) == {"text/csv"}
    report = spec["paths"]["/api/reports/monthly"]["get"]["responses"]["200"]["content"]
    assert set(report) == {"text/html", "application/pdf"}


def test_the_document_check_of_every_test_catches_an_undocumented_answer(
    tmp_path, redis_server, migrated_template, monkeypatch, spec
):
    """Control for tests/documented.py (on in every `app` fixture): an answer the document does not promise,
    here health's 200 once removed from a copy of the document, and a body off its schema, are caught."""
    from tests import documented

    shutil.copy(migrated_template, tmp_path / "ticketshow.sqlite3")
    app = create_app(make_settings(tmp_path, redis_server["url"]))
    documented.watch(app)
    broken = json.loads(json.dumps(spec))
    del broken["paths"]["/api/health"]["get"]["responses"]["200"]
    broken["components"]["schemas"]["TheatrePage"]["properties"]["total"] = {"type": "string"}
    monkeypatch.setattr(documented, "_document", broken)
    monkeypatch.setattr(documented, "_validators", {})
    client = app.test_client()
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/theatres").status_code == 200
    with pytest.raises(AssertionError) as caught:
        documented.assert_documented(app)
    assert "GET /api/health answered 200, which getHealth does not document" in str(caught.value)
    assert "GET /api/theatres answered 200 with a body off its schema at total" in str(caught.value)
