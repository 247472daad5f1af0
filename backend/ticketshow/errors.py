"""Domain errors and the one JSON error shape: {"error": {"code", "message", "details"}}.

`message` is in the request's language (ticketshow.i18n): class messages are lazy strings, messages given
at a raise site are translated there (`_("No such show.")`), and the handlers below render both and translate
the libraries' own field messages in a 422's details. `code` is never translated."""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask
from apiflask.exceptions import HTTPError
from flask import request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .i18n import _l, translate_message
from .plainwords import plain_details

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
            "required": ["code", "message"],
        }
    },
}


class DomainError(Exception):
    """A rule of the business was broken; routes let it propagate and the handler shapes it."""

    status = 400
    code = "bad_request"
    message = _l("The request could not be handled.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.details = details or {}
        self.headers = headers or {}


class NotFound(DomainError):
    status, code, message = 404, "not_found", _l("Not found.")


class Unauthorized(DomainError):
    status, code, message = 401, "unauthorized", _l("Log in to do this.")


class Forbidden(DomainError):
    status, code, message = 403, "forbidden", _l("You are not allowed to do this.")


class Conflict(DomainError):
    status, code, message = 409, "conflict", _l("This conflicts with the current state.")


class Invalid(DomainError):
    """422 naming the offending fields in details: {"field": ["message", ...]}."""

    status, code, message = 422, "validation_error", _l("Some fields are invalid.")

    def __init__(self, fields: dict[str, str | list[str]], message: str | None = None, **kwargs):
        details = {name: ([msg] if isinstance(msg, str) else list(msg)) for name, msg in fields.items()}
        super().__init__(message or self.message, details=details, **kwargs)


class TooLarge(DomainError):
    status, code, message = 413, "payload_too_large", _l("The upload is too large.")


class UnsupportedMediaType(DomainError):
    status, code, message = 415, "unsupported_media_type", _l("This type of upload is not supported.")


class TooManyRequests(DomainError):
    status, code, message = 429, "too_many_requests", _l("Too many attempts; try again later.")


class QueueUnavailable(DomainError):
    """503: the job queue (the Celery broker, Redis) did not take a job's message; no job row is left."""

    status, code = 503, "queue_unavailable"
    message = _l("The job queue cannot be reached right now; nothing was started. Try again in a minute.")


# Codes and messages for HTTP errors raised by Flask/Werkzeug themselves.
_HTTP_CODES = {
    400: ("bad_request", _l("The request is malformed.")),
    401: ("unauthorized", _l("Log in to do this.")),
    403: ("forbidden", _l("You are not allowed to do this.")),
    404: ("not_found", _l("Not found.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    409: ("conflict", _l("This conflicts with the current state.")),
    413: ("payload_too_large", _l("The request body is too large.")),
    415: ("unsupported_media_type", _l("This content type is not supported.")),
    422: ("validation_error", _l("Some fields are invalid.")),
    429: ("too_many_requests", _l("Too many requests; try again later.")),
    503: ("service_unavailable", _l("The service is unavailable; try again later.")),
    500: ("internal_error", _l("Something went wrong on our side.")),
}


def error_body(status: int, code: str, message, details: dict | None = None) -> dict:
    """The error shape; `message` (a string or a lazy one) is rendered in the request's language."""
    return {"error": {"code": code, "message": translate_message(message), "details": details or {}}}


def _translated_fields(details: dict) -> dict:
    """A 422's {"field": ["message", ...]} with each message in the request's language."""
    return {
        name: [translate_message(m) for m in messages] if isinstance(messages, list) else messages
        for name, messages in details.items()
    }


def _flatten_validation_detail(detail: dict) -> dict[str, list[str]]:
    """APIFlask nests messages by location ({"json": {"name": [...]}}); clients want fields."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            flat.setdefault(prefix or "_body", []).extend(value)
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(f"{prefix}.{index}", inner)
        else:
            flat.setdefault(prefix or "_body", []).append(str(value))

    for location, fields in (detail or {}).items():
        if isinstance(fields, dict):
            for name, messages in fields.items():
                walk("_body" if name == "_schema" else str(name), messages)
        else:
            walk(location, fields)
    return flat


def register_error_handlers(app: APIFlask) -> None:
    @app.error_processor
    def http_error(error: HTTPError):
        status = error.status_code
        code, default_message = _HTTP_CODES.get(status, ("http_error", _l("The request failed.")))
        if status == 422 and error.detail:
            details = _translated_fields(plain_details(_flatten_validation_detail(error.detail)))
            return (
                error_body(status, "validation_error", _l("Some fields are invalid."), details),
                status,
                error.headers,
            )
        if status == 400 and request.is_json:
            return error_body(status, "invalid_json", _l("The request body is not valid JSON.")), status, error.headers
        message = error.message if error.message and status not in _HTTP_CODES else default_message
        if status == 405:
            allowed = error.headers.get("Allow", "")
            return (
                error_body(status, code, message, {"allowed": allowed.split(", ") if allowed else []}),
                status,
                error.headers,
            )
        return error_body(status, code, message, error.extra_data.get("details")), status, error.headers

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        details = _translated_fields(plain_details(error.details)) if error.status == 422 else error.details
        return error_body(error.status, error.code, error.message, details), error.status, error.headers

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error):
        limit = request.max_content_length or app.config.get("MAX_CONTENT_LENGTH") or 0
        return error_body(413, "payload_too_large", _l("The request body is too large."), {"max_bytes": limit}), 413

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):  # Werkzeug errors not otherwise mapped
            return http_error(HTTPError(error.code or 500, message=error.name))
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_body(500, "internal_error", _l("Something went wrong on our side.")), 500
