"""What gunicorn answers on its own, before the app sees a request: JSON, and no Server header.

gunicorn refuses some requests itself (a request line over `limit_request_line`, headers over their
limits, a method or HTTP version it cannot parse) and writes a small HTML page for them; under /api the
contract promises JSON only. It also names itself in a `Server` header, which tells an attacker which
version's bugs to try. `install()` runs from gunicorn.conf.py in the arbiter, so every worker inherits it.
"""

from __future__ import annotations

import json

_MESSAGES = {
    400: ("bad_request", "The request is malformed."),
    403: ("forbidden", "You are not allowed to do this."),
    414: ("uri_too_long", "The request line is too long."),
    417: ("expectation_failed", "The Expect header cannot be met."),
    431: ("headers_too_large", "The request headers are too large."),
    500: ("internal_error", "Something went wrong on our side."),
    501: ("not_implemented", "This transfer coding is not supported."),
}


def error_response(status: int, reason: str) -> bytes:
    """A complete HTTP/1.1 response in the contract's error shape (gunicorn's detail is not echoed)."""
    code, message = _MESSAGES.get(status, ("http_error", "The request failed."))
    body = json.dumps({"error": {"code": code, "message": message, "details": {}}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def _write_json_error(sock, status_int, reason, mesg):
    from gunicorn import util

    util.write_nonblock(sock, error_response(int(status_int), reason))


def install() -> None:
    from gunicorn import util
    from gunicorn.http import wsgi

    util.write_error = _write_json_error  # gunicorn's workers call util.write_error for these answers

    default_headers = wsgi.Response.default_headers
    if getattr(default_headers, "drops_server", False):
        return

    def without_server(self):
        return [line for line in default_headers(self) if not line.startswith("Server:")]

    without_server.drops_server = True
    wsgi.Response.default_headers = without_server
