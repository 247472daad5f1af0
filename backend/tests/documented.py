"""Every answer any API test receives must be one the OpenAPI document promises.

`watch(app)` adds an after_request hook to a test app: for each request to a documented operation it
checks that the status is declared for that operation and that a JSON body matches the declared schema
(JSON Schema 2020-12, formats checked). Problems are collected, not raised, so the test sees the real
answer; the `app` fixture then fails the test at teardown with all of them (`assert_documented`). So a new
endpoint's own tests fail when its document says less than (or something else than) what it does.
"""

from __future__ import annotations

import json

from flask import request
from jsonschema import Draft202012Validator

from ticketshow.openapi import openapi_path

_document: dict | None = None
_validators: dict[tuple[str, str, str], Draft202012Validator] = {}


def _spec(app) -> dict:
    global _document
    if _document is None:  # the same code makes the same document: build it once per test process
        with app.test_request_context():
            _document = app.spec
    return _document


def _validator(spec: dict, key: tuple[str, str, str], schema: dict) -> Draft202012Validator:
    if key not in _validators:
        _validators[key] = Draft202012Validator(
            {**schema, "components": spec["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    return _validators[key]


def watch(app) -> None:
    problems: list[str] = []
    app.extensions["documented_problems"] = problems

    def check(response):
        rule = request.url_rule
        if rule is None or not request.path.startswith("/api/"):
            return response
        path, method = openapi_path(rule.rule), request.method.lower()
        spec = _spec(app)
        operation = spec["paths"].get(path, {}).get(method)
        if operation is None:  # not an operation of the document (HEAD, OPTIONS, the document itself)
            return response
        where, status = f"{request.method} {request.full_path.rstrip('?')}", str(response.status_code)
        declared = operation["responses"].get(status)
        if declared is None:
            problems.append(
                f"{where} answered {status}, which {operation['operationId']} does not document "
                f"(it documents {', '.join(operation['responses'])}): {response.get_data()[:300]!r}"
            )
            return response
        media_type = response.mimetype
        if status in ("204", "304") or response.direct_passthrough or response.headers.get("Content-Encoding"):
            return response
        content = declared.get("content", {})
        if media_type not in content:
            problems.append(f"{where} answered {status} as {media_type}, not documented ({', '.join(content)})")
        elif media_type == "application/json" and "schema" in content[media_type]:
            body = json.loads(response.get_data())
            validator = _validator(spec, (path, method, status), content[media_type]["schema"])
            for error in validator.iter_errors(body):
                problems.append(
                    f"{where} answered {status} with a body off its schema at "
                    f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
                )
        return response

    app.after_request(check)


def assert_documented(app) -> None:
    problems = app.extensions.get("documented_problems", [])
    assert not problems, (
        "Answers the OpenAPI document does not promise (see docs/api.md, 'For the authors of "
        "new endpoints'):\n" + "\n".join(dict.fromkeys(problems))
    )
