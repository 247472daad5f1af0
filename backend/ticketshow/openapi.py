"""The OpenAPI document at /api/openapi.json, finished after APIFlask generates it from routes and schemas.

APIFlask builds paths, parameters and schemas from `@bp.input`/`@bp.output`/`@bp.doc` and the route's
docstring (first line: summary; the rest: description). `finish_document` then applies the rules below
to EVERY operation, so a new endpoint gets them by following the conventions, with nothing to register:

- operationId: the view function's name in camelCase (`list_shows` -> `listShows`), unless the route says
  `@bp.doc(operation_id="...")` (used where the function name is not a verb phrase: `me` -> `getMe`).
- tags: each tag once, declared with a description (TAGS below, or a blueprint's `tag={"name", "description"}`).
- errors: one `Error` component; 400 for every write (a body that is not JSON), 413 for every JSON body,
  401 for every route behind a token, 403 for the routes whose policy declares an access rule
  (`policy.allow(...)` -> "Admin only." or who may), 414/431 where gunicorn's limits can be reached, 304
  with `ETag`/`If-None-Match` and `X-Cache` for routes behind `cache.cached_json`.
- extras a route declares with `document(...)` below: header parameters (Idempotency-Key) and response
  headers (Retry-After), kept in the view's notes (apidoc.py), as the guards and the cache leave theirs.
- schemas: OpenAPI 3.1 keywords only; one component per schema class; every field of an answer-only
  schema `required` (marshmallow always sends it; `allow_none=True` says null) and no
  `additionalProperties: false` on answers (they may gain fields); `"x-maximum-setting": "NAME"` in a
  field's metadata documents a limit that is a setting.

tests/api/test_openapi.py holds the document to these rules (and to openapi-spec-validator and the
Redocly "recommended" rules it can check), so a new endpoint without a summary, description, operationId
or declared errors fails there with a message saying what to add; tests/documented.py makes every API
test check its answers against the document. Guide for clients and endpoint authors: docs/api.md.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from apiflask import APIFlask

from . import policy
from .apidoc import annotate, notes_of

LICENSE = {"name": "MIT", "identifier": "MIT"}
CONTACT = {"name": "Ticket Show maintainers"}

# Every tag an operation may carry, in the order the reference shows them.
TAGS: dict[str, str] = {
    "Auth": "Sign up, log in and out (Bearer tokens), the caller's account and preferences.",
    "Theatres": "Theatres (halls) where shows are screened. Anyone reads; admins write.",
    "Shows": "Shows (films, plays, concerts) with tags, ratings and their upcoming screenings. Anyone reads; "
    "admins write.",
    "Screenings": "A show at a theatre at a time, with its price and seats left. Anyone reads; admins write.",
    "Seat maps": "Theatres' seating layouts, each screening's seat map (always current) and its blocked seats.",
    "Holds": "Seats held for one user for HOLD_MINUTES while they decide; booking a hold takes exactly its seats.",
    "Waiting room": "When many buyers want one screening's seats at once, WAITING_ROOM_BUYERS of them choose at a "
    "time and the rest wait in line, first come first served (docs/waiting-room.md).",
    "Waiting list": "Waiting for seats at a houseful screening: seats that come back are offered, first come first "
    "served, as a hold for OFFER_MINUTES.",
    "Bookings": "The caller's bookings: book seats (safely retried with Idempotency-Key), list, cancel.",
    "Tickets": "E-tickets with signed QR codes (verifiable offline with the public key) and check-in at the door.",
    "Ratings": "Users' scores for shows they have seen.",
    "Jobs": "Background jobs (exports, reminders, monthly reports, forecasts): start them and follow their state.",
    "Reports": "The caller's monthly entertainment report.",
    "Operations": "Health, the admin dashboard and forecasts, and the response cache.",
    "Staff and audit": "Staff roles (managers and scanners of theatres) and the append-only audit log of every "
    "admin or staff write. Admin only.",
}

# What a guard's access rule means, said in the description of every operation behind it.
ACCESS_RULES: dict[str, str] = {
    "admin": "Admin only: any other caller gets 403 `admin_only`.",
}
ACCESS_RULES.update(policy.access_rules())  # managers' and scanners' permissions (ticketshow/policy.py)

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error under /api has this shape; `code` is stable, `message` is for a person.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "snake_case, stable: what clients branch on"},
                "message": {
                    "type": "string",
                    "description": "for a person, in the caller's language: preferences.locale, else the best "
                    "match of Accept-Language among en, hi and ta, else English",
                },
                "details": {
                    "type": "object",
                    "description": "more about the error, e.g. the invalid fields ({field: [messages]}, messages "
                    "in the caller's language) for 422",
                },
            },
            "required": ["code", "message", "details"],
        },
    },
    "required": ["error"],
}

# The statuses every operation of a kind can answer, and what they mean there.
STANDARD_ERRORS = {
    "400": "Malformed request: the body is not valid JSON (`invalid_json`), or a body was sent without "
    "`Content-Type: application/json` (`unsupported_content_type`).",
    "401": "No token, or an expired, logged-out or invalid one (`unauthorized`, `token_expired`, "
    "`token_revoked`, `invalid_token`). Comes with `WWW-Authenticate: Bearer`.",
    "404": "Not found (`not_found`), also for another user's private resource.",
    "413": "The JSON body is over 1 MB (`payload_too_large`; `details.max_bytes`).",
    "414": "The request line (path and query) is too long for the server (`uri_too_long`).",
    "431": "The request headers are too large for the server (`headers_too_large`).",
    "422": "Invalid field values (`validation_error` or a more specific code): `details` names every invalid "
    'field with its messages, `{"field": ["message", ...]}`.',
}

HEADERS: dict[str, dict] = {
    "ETag": {
        "description": "A strong validator of the body; send it back in If-None-Match to get 304 when nothing changed.",
        "schema": {"type": "string"},
    },
    "X-Cache": {
        "description": "HIT when the body came from the response cache, MISS when it was built now.",
        "schema": {"type": "string", "enum": ["HIT", "MISS"]},
    },
    "Cache-Control": {
        "description": "`no-cache`: revalidate with If-None-Match before reuse.",
        "schema": {"type": "string"},
    },
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer", "minimum": 0}},
    "WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}},
}

IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of a body you hold; 304 with no body if it is still current.",
    "schema": {"type": "string"},
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string of 1 to 200 characters (a UUID is a good choice). The same key from the "
    "same user within 24 hours answers what it first did and never does it twice.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}


def document(
    *,
    parameters: list[dict] | None = None,
    headers: dict[int, list[str]] | None = None,
    access: str | None = None,
    responses: dict[int, str] | None = None,
):
    """Declare what APIFlask cannot see: header `parameters` (OpenAPI parameter objects), response
    `headers` by status ({429: ["Retry-After"]}, names from HEADERS), an `access` rule (ACCESS_RULES) and
    error `responses` a decorator adds to the views it wraps ({429: "description"}; the route's own
    `@bp.doc(responses=...)` wins). Put it anywhere below `@bp.get`/`@bp.post`."""

    def decorator(view):
        if responses:
            annotate(view, x_responses={**notes_of(view).get("x_responses", {}), **responses})
        if parameters:
            annotate(view, x_parameters=[*notes_of(view).get("x_parameters", []), *parameters])
        if headers:
            annotate(view, x_headers={**notes_of(view).get("x_headers", {}), **headers})
        if access:
            annotate(view, x_access=access)
        return view

    return decorator


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^<:>]+:)?([^<>]+)>", r"{\1}", rule)


def register_openapi(app: APIFlask) -> None:
    app.config.update(
        INFO={
            "description": "Ticket Show: book show tickets at theatres and cinemas. Guide: docs/api.md "
            "(tokens, pagination, safe retries with Idempotency-Key, ETags, a generated client). Error messages, "
            "emails and PDFs speak English, Hindi or Tamil: the account's preferences.locale, else "
            "Accept-Language (docs/i18n.md); error codes never change.",
            "contact": CONTACT,
            "license": LICENSE,
        },
    )
    app.spec_processor(lambda spec: finish_document(app, spec))


def _views_by_operation(app: APIFlask) -> dict[tuple[str, str], Any]:
    views = {}
    for rule in app.url_map.iter_rules():
        for method in rule.methods or ():
            views[(openapi_path(rule.rule), method.lower())] = (rule.endpoint, app.view_functions[rule.endpoint])
    return views


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}},
    }


def _replace_refs(node, old: set[str], new: str):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.rsplit("/", 1)[-1] in old and ref.startswith("#/components/schemas/"):
            node["$ref"] = f"#/components/schemas/{new}"
        for value in node.values():
            _replace_refs(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _replace_refs(value, old, new)


def finish_document(app: APIFlask, spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    # APIFlask registers the one error shape twice (HTTPError, ValidationError): keep one component.
    _replace_refs(spec["paths"], {"HTTPError", "ValidationError"}, ERROR_COMPONENT)
    schemas.pop("HTTPError", None)
    schemas.pop("ValidationError", None)
    schemas[ERROR_COMPONENT] = copy.deepcopy(ERROR_SCHEMA)

    _merge_duplicate_components(spec)
    _walk_schemas(spec, _to_openapi_31)
    _walk_schemas(spec, lambda schema: _settings_in_schema(app, schema))
    _require_sent_fields(spec)

    views = _views_by_operation(app)
    used_tags: list[str] = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            endpoint, view = views[(path, method)]
            _finish_operation(app, operation, endpoint, notes_of(view), method)
            for tag in operation.get("tags", []):
                if tag not in used_tags:
                    used_tags.append(tag)

    declared = dict(TAGS)
    for blueprint in app.blueprints.values():
        tag = getattr(blueprint, "tag", None)
        if isinstance(tag, dict) and tag.get("description"):
            declared.setdefault(tag["name"], tag["description"])
    # Declared tags in their order, then any undeclared one (without a description: the test names it).
    names = [name for name in declared if name in used_tags] + [name for name in used_tags if name not in declared]
    spec["tags"] = [{"name": name, **({"description": declared[name]} if name in declared else {})} for name in names]
    return spec


def _merge_duplicate_components(spec: dict) -> None:
    """apispec registers one schema class again as `Name1` when it meets it twice (a page's items and an
    output); when the two are identical, keep `Name` only."""
    schemas = spec["components"]["schemas"]
    for name in list(schemas):
        match = re.fullmatch(r"(.+?)(\d+)", name)
        if match and schemas.get(match.group(1)) == schemas[name]:
            _replace_refs(spec, {name}, match.group(1))
            del schemas[name]


def _walk_schemas(node, visit, key: str | None = None) -> None:
    """Call visit(schema) on every Schema Object in the document (components, parameters, bodies, responses)."""
    if isinstance(node, dict):
        if key == "schema" or key == "items":
            visit(node)
        for child_key, value in node.items():
            if key in ("properties", "schemas", "patternProperties"):
                visit(value) if isinstance(value, dict) else None
                _walk_schemas(value, visit, None)
            else:
                _walk_schemas(value, visit, child_key)
    elif isinstance(node, list):
        for value in node:
            _walk_schemas(value, visit, key if key in ("allOf", "anyOf", "oneOf", "prefixItems") else None)


def _to_openapi_31(schema: dict) -> None:
    """OpenAPI 3.1 is JSON Schema 2020-12: `examples` (a list), not the 3.0 `example`; null as a type."""
    if "example" in schema:
        schema.setdefault("examples", [schema.pop("example")])
    if schema.pop("nullable", False) and "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = [*types, "null"] if "null" not in types else types


def _settings_in_schema(app: APIFlask, schema: dict) -> None:
    """`"x-maximum-setting": "BOOKING_MAX_QUANTITY"` in a field's metadata: the maximum is that setting."""
    setting = schema.pop("x-maximum-setting", None)
    if setting:
        schema["maximum"] = app.config[setting]


def _component_refs(node) -> set[str]:
    found = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            found |= _component_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _component_refs(value)
    return found


def _reachable(spec: dict, roots: set[str]) -> set[str]:
    schemas, seen, todo = spec["components"]["schemas"], set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            todo.extend(_component_refs(schemas[name]))
    return seen


def _require_sent_fields(spec: dict) -> None:
    """Output schemas: marshmallow dumps every declared field (null when the value is None, so those
    fields say `"null"` in their type), so every property of a schema used only in responses is
    `required`. A field that is really left out at times says `"x-optional": true` in its metadata.
    Answers may gain fields (API.md), so they do not say `additionalProperties: false`."""
    requests, responses = set(), set()
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            requests |= _component_refs([operation.get("requestBody", {}), operation.get("parameters", [])])
            responses |= _component_refs(operation.get("responses", {}))
    input_schemas = _reachable(spec, requests)
    for name in _reachable(spec, responses) - input_schemas:
        schema = spec["components"]["schemas"][name]
        properties = schema.get("properties", {})
        optional = {key for key, value in properties.items() if value.pop("x-optional", False)}
        required = [key for key in properties if key not in optional]
        if required and name != ERROR_COMPONENT:
            schema["required"] = required
        # The contract lets answers gain fields; a client must not break on one it does not know yet.
        schema.pop("additionalProperties", None)


def _finish_operation(app: APIFlask, operation: dict, endpoint: str, view_spec: dict, method: str) -> None:
    operation.setdefault("operationId", camel_case(endpoint.rsplit(".", 1)[-1]))
    responses = operation.setdefault("responses", {})
    if view_spec.get("security"):  # a policy that needs a token (apidoc notes): it can answer 401
        operation["security"] = [{view_spec["security"]: []}]
        responses.setdefault("401", _error_response(STANDARD_ERRORS["401"]))
    if "security" not in operation:
        operation["security"] = []  # public: said explicitly, so no client sends a token it does not need

    access = view_spec.get("x_access")
    if access:
        rule = ACCESS_RULES.get(access, f"Requires the {access} role: other callers get 403.")
        description = operation.get("description", "")
        if rule not in description:
            operation["description"] = f"{description}\n\n{rule}".strip()
        responses.setdefault("403", _error_response(rule))

    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        operation["requestBody"].setdefault("required", True)
        responses.setdefault("413", _error_response(STANDARD_ERRORS["413"]))
    if method in ("post", "put", "patch", "delete"):  # any body that is not JSON is refused before the view
        responses.setdefault("400", _error_response(STANDARD_ERRORS["400"]))

    for status, description in view_spec.get("x_responses", {}).items():
        responses.setdefault(str(status), _error_response(description))
    for status, response in responses.items():
        if status.startswith(("4", "5")) and not response.get("content"):
            response["content"] = _error_response("")["content"]
        if status in STANDARD_ERRORS and response.get("description") in {
            app.config["AUTH_ERROR_DESCRIPTION"],
            app.config["NOT_FOUND_DESCRIPTION"],
            app.config["VALIDATION_ERROR_DESCRIPTION"],
            "",
        }:
            response["description"] = STANDARD_ERRORS[status]
    if "401" in responses:
        responses["401"].setdefault("headers", {})["WWW-Authenticate"] = HEADERS["WWW-Authenticate"]

    if view_spec.get("x_cached"):
        ok = responses.get("200", {})
        ok.setdefault("headers", {}).update({name: HEADERS[name] for name in ("ETag", "X-Cache", "Cache-Control")})
        responses.setdefault(
            "304",
            {
                "description": "Not modified: the If-None-Match ETag is current. No body.",
                "headers": {name: HEADERS[name] for name in ("ETag", "X-Cache", "Cache-Control")},
            },
        )
        _add_parameter(operation, IF_NONE_MATCH)

    for parameter in view_spec.get("x_parameters", []):
        _add_parameter(operation, parameter)
    for parameter in operation.get("parameters", []):  # a parameter is absent or a string, never null
        schema = parameter.get("schema", {})
        if isinstance(schema.get("type"), list) and "null" in schema["type"]:
            schema["type"] = [kind for kind in schema["type"] if kind != "null"]
            schema["type"] = schema["type"][0] if len(schema["type"]) == 1 else schema["type"]
            if schema.get("default", "") is None:
                del schema["default"]
    # gunicorn's own refusals (serving.py), where a client's free-form input can reach its limits.
    locations = {parameter["in"] for parameter in operation.get("parameters", [])}
    if "query" in locations:
        responses.setdefault("414", _error_response(STANDARD_ERRORS["414"]))
    if "header" in locations:
        responses.setdefault("431", _error_response(STANDARD_ERRORS["431"]))
    for status, names in view_spec.get("x_headers", {}).items():
        response = responses.setdefault(str(status), _error_response(""))
        response.setdefault("headers", {}).update({name: HEADERS[name] for name in names})

    # Sorted by status so the document reads (and diffs) the same way every time.
    operation["responses"] = dict(sorted(responses.items()))


def _add_parameter(operation: dict, parameter: dict) -> None:
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("name") == parameter["name"] and p.get("in") == parameter["in"] for p in parameters):
        parameters.append(copy.deepcopy(parameter))
