"""Per-request bookkeeping (request id, metrics, one JSON log line) and GET /api/metrics.

Every request gets an id: a sane incoming `X-Request-ID` (1-128 of letters, digits and `._:-`, as a proxy
or a client may set) or a new random one. It is answered in the `X-Request-ID` header, written in the
request's log line, and carried into every Celery task the request starts (tasks_base.py), whose worker
logs it again, so one grep follows a booking from the browser to its mail.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time

from apiflask import APIBlueprint
from flask import Response, current_app, g, request
from flask_jwt_extended import current_user, verify_jwt_in_request

from . import metrics, policy
from .errors import Forbidden
from .i18n import _

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_ENVIRON = "HTTP_X_REQUEST_ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_LOCAL_ADDRESSES = frozenset({"127.0.0.1", "::1"})
# A proxy on the same machine makes every visitor look local; these headers say one was in between.
_PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")

access_log = logging.getLogger("ticketshow.access")

bp = APIBlueprint("metrics", __name__, url_prefix="/api", tag="Operations")


def request_id() -> str | None:
    """The current request's id, or None outside a request."""
    return g.get("request_id")


def register_request_hooks(app) -> None:
    """Install the hooks; call before any other after_request hook so ours runs last and sees the
    final status (Flask runs after_request hooks in reverse order of registration)."""
    enabled = app.config["SETTINGS"].access_log != ""  # ACCESS_LOG="" turns the line off (tests, benchmarks)
    if enabled and not access_log.handlers:
        handler = _LineHandler(sys.stderr)
        handler.setFormatter(_MESSAGE_ONLY)
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
    app.extensions["ticketshow_access_log"] = enabled

    # Both hooks run on every request: the request and g are looked up through their proxies once each.
    @app.before_request
    def _start_request():
        state = g._get_current_object()
        state.request_started = time.perf_counter()
        # One app context per request in a server; the test client may share one across requests, so no
        # earlier request's verified token may name this one's user.
        state.__dict__.pop("_jwt_extended_jwt", None)
        incoming = request._get_current_object().environ.get(_REQUEST_ID_ENVIRON)  # the header, unparsed
        state.request_id = incoming if incoming and _SANE_REQUEST_ID.fullmatch(incoming) else os.urandom(16).hex()

    @app.after_request
    def _finish_request(response: Response) -> Response:
        state, current = g._get_current_object(), request._get_current_object()
        started = state.get("request_started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        rule = current.url_rule
        route = rule.rule if rule is not None else "unmatched"  # never the raw path: bounded label values
        status = response.status_code
        method = current.method
        metrics.observe_request(route, method, status, seconds)
        rid = state.get("request_id") or os.urandom(16).hex()
        response.headers[REQUEST_ID_HEADER] = rid
        if app.extensions["ticketshow_access_log"]:
            claims = state.get("_jwt_extended_jwt") or {}
            _log_line(
                _LINE.encode(
                    {
                        "ts": _utc_second(),
                        "event": "request",
                        "request_id": rid,
                        "method": method,
                        "route": route,
                        "path": current.path,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "user_id": _user_id(claims.get("sub")),
                        "remote_addr": current.remote_addr,
                    }
                )
            )
        return response


_LINE = json.JSONEncoder(separators=(",", ":"))  # one encoder: json.dumps with options builds one per call


class _LineHandler(logging.StreamHandler):
    """The access log's own handler (stderr, the bare message): _log_line knows it and writes to it directly."""


_MESSAGE_ONLY = logging.Formatter("%(message)s")


def _log_line(line: str) -> None:
    """access_log.info(line). When the only handler is our own and nothing filters, the line goes straight to
    its stream, as its "%(message)s" format would write it: the logging module's record (the caller's frame,
    the thread and process names, the time) and its handling cost a tenth of a cached list's CPU, and nobody
    reads them. Any other handler, filter or level (a test's, an operator's dictConfig) gets the record."""
    handlers = access_log.handlers
    if (
        len(handlers) == 1
        and type(handlers[0]) is _LineHandler
        and not handlers[0].filters
        and handlers[0].level <= logging.INFO
        and handlers[0].formatter is _MESSAGE_ONLY
        and not access_log.filters
        and not access_log.disabled
        and access_log.isEnabledFor(logging.INFO)
    ):
        handler = handlers[0]
        try:
            with handler.lock:
                handler.stream.write(line + handler.terminator)
                handler.flush()
            return
        except Exception:  # noqa: BLE001 - the logging module reports it (Handler.handleError) below
            pass
    access_log.info(line)


_second = [0, ""]


def _utc_second() -> str:
    """The log line's "ts", formatted once per second rather than per request."""
    now = int(time.time())
    if now != _second[0]:
        _second[:] = [now, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))]
    return _second[1]


def _user_id(sub):
    try:
        return int(sub) if sub is not None else None
    except (TypeError, ValueError):
        return None


def _require_local_or_admin() -> None:
    """127.0.0.1 (not through a proxy) may scrape; anyone else needs the admin's token: 401 without a
    token, 403 with another user's."""
    if request.remote_addr in _LOCAL_ADDRESSES and not any(h in request.headers for h in _PROXY_HEADERS):
        return
    verify_jwt_in_request()
    if not policy.can_read_metrics(current_user):
        raise Forbidden(_("Only an admin or the local machine can read the metrics."), code="admin_only")


@bp.get("/metrics")
@policy.checked_in_view(policy.can_read_metrics)
@bp.doc(
    operation_id="getMetrics",
    security="BearerAuth",
    responses={
        200: {"description": "Prometheus text format 0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}},
        401: "Not from 127.0.0.1 (or through a proxy) and no token",
        403: "Not from 127.0.0.1 and the token is not the admin's (`admin_only`)",
    },
)
def get_metrics():
    """Prometheus metrics

    `http_requests_total{route, method, status}` (route is the URL rule, never the raw path),
    `http_request_duration_seconds` (histogram by route and method), `ticketshow_bookings_total{event}`,
    `ticketshow_seats_booked_total`, `ticketshow_holds_total{event}`, `ticketshow_checkins_total{result}`,
    `ticketshow_cache_lookups_total{result}`, and gauges read at scrape: `ticketshow_jobs{kind, state}`,
    `celery_queue_length{queue}`, `ticketshow_redis_up`. Counters are summed over every gunicorn worker and
    start at zero when the server starts. Open to 127.0.0.1 without a token (a request through a proxy,
    with X-Forwarded-For, X-Real-IP or Forwarded, is not local); anyone else needs the admin's token.
    """
    _require_local_or_admin()
    return Response(
        metrics.render(current_app._get_current_object()),
        mimetype=None,
        headers={"Content-Type": metrics.CONTENT_TYPE, "Cache-Control": "no-store"},
    )


# Celery: the request id rides in the task message's headers; the worker logs it with each task.

task_log = logging.getLogger("ticketshow.tasks")


def connect_celery_signals() -> None:
    """Carry the request id into every task message and log each task's start and end as JSON.
    Idempotent (signals keep one receiver per function)."""
    from celery import current_task
    from celery.signals import before_task_publish, task_postrun, task_prerun
    from flask import has_request_context

    if not task_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        task_log.addHandler(handler)
        task_log.setLevel(logging.INFO)
        task_log.propagate = False

    @before_task_publish.connect(weak=False, dispatch_uid="ticketshow_request_id")
    def _carry_request_id(sender=None, headers=None, **_kwargs):
        if headers is None or headers.get("request_id"):
            return
        rid = g.get("request_id") if has_request_context() else None
        if rid is None and current_task:  # a task starting another (an export's mail) passes its id on
            rid = task_request_id(current_task.request)
        if rid:
            headers["request_id"] = rid

    @task_prerun.connect(weak=False, dispatch_uid="ticketshow_task_start")
    def _task_started(task_id=None, task=None, **_kwargs):
        task.request.ticketshow_started = time.perf_counter()
        _log_task(task, task_id, "started")

    @task_postrun.connect(weak=False, dispatch_uid="ticketshow_task_end")
    def _task_ended(task_id=None, task=None, state=None, **_kwargs):
        started = getattr(task.request, "ticketshow_started", None)
        duration = round((time.perf_counter() - started) * 1000, 2) if started else None
        _log_task(task, task_id, (state or "unknown").lower(), duration)


def task_request_id(task_request) -> str | None:
    """The request id a task message carries (custom headers become attributes of task.request)."""
    rid = getattr(task_request, "request_id", None)
    if rid is None and isinstance(getattr(task_request, "headers", None), dict):
        rid = task_request.headers.get("request_id")
    return rid


def _log_task(task, task_id, state: str, duration_ms: float | None = None) -> None:
    entry = {
        "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "event": "task",
        "task": task.name,
        "task_id": task_id,
        "request_id": task_request_id(task.request),
        "state": state,
    }
    if duration_ms is not None:
        entry["duration_ms"] = duration_ms
    task_log.info(json.dumps(entry, separators=(",", ":")))
