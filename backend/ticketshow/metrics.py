"""Prometheus metrics: what every request, booking, hold and check-in adds, and what is read at scrape.

gunicorn forks several workers, so counters live in prometheus_client's multiprocess mode: each process
writes its own memory-mapped files under PROMETHEUS_MULTIPROC_DIR (`$TICKETSHOW_DATA_DIR/metrics`, set and
emptied by backend/gunicorn.conf.py when the server starts) and a scrape sums them. Without that variable
(the Flask test client, `flask` commands) the counters are this process's own.

Other modules count with one call: `metrics.booking_event("confirmed")`, `metrics.hold_event("created")`,
`metrics.checkin_event("ok")`, `metrics.cache_lookup(hit=True)`. Count after the transaction commits, so a
rolled-back write is never counted.

Job states and Celery queue lengths are gauges read from SQLite and the broker at scrape time, so they are
right whichever process changed them (the worker included) and cost nothing per request.
"""

from __future__ import annotations

import logging
import os

import prometheus_client
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

log = logging.getLogger(__name__)

prometheus_client.disable_created_metrics()  # *_created series double the output and nobody graphs them

# The classic text format every Prometheus (and Grafana Agent, VictoriaMetrics...) reads.
# The text format's media type, answered by GET /api/metrics.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None

# Our metrics live in their own registry: create_app() runs many times in one test process, and the
# default registry would refuse the second registration. In multiprocess mode the registry only names
# them; the values are in the files.
_LOCAL = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by URL rule (never the raw path), method and status",
    ["route", "method", "status"],
    registry=_LOCAL,
)
# Buckets around what the app answers: cached reads in a few ms, bookings in tens, slow pages in seconds.
DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from the request reaching Flask to its answer",
    ["route", "method"],
    registry=_LOCAL,
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
BOOKINGS = Counter("ticketshow_bookings", "Booking events (confirmed, cancelled)", ["event"], registry=_LOCAL)
SEATS = Counter("ticketshow_seats_booked", "Seats sold by confirmed bookings", registry=_LOCAL)
HOLDS = Counter("ticketshow_holds", "Seat hold events (created, renewed, released, booked)", ["event"], registry=_LOCAL)
CHECKINS = Counter(
    "ticketshow_checkins",
    "Check-in attempts by result (ok, already_checked_in, revoked, ...)",
    ["result"],
    registry=_LOCAL,
)
CACHE = Counter(
    "ticketshow_cache_lookups",
    "Response cache lookups (hit, miss; unavailable while Redis is down)",
    ["result"],
    registry=_LOCAL,
)


_event_children: dict = {}  # (metric, event) -> its child: labels() costs more than the increment


def _child(metric, event: str):
    child = _event_children.get((metric, event))
    if child is None:
        child = _event_children[(metric, event)] = metric.labels(event)
    return child


def booking_event(event: str, seats: int = 0) -> None:
    """Count one booking event: "confirmed" (with its seats) or "cancelled"."""
    _child(BOOKINGS, event).inc()
    if seats:
        SEATS.inc(seats)


def hold_event(event: str) -> None:
    """Count one hold event, "created", "renewed", "released" or "booked"."""
    _child(HOLDS, event).inc()


def checkin_event(result: str) -> None:
    """Count one check-in attempt by its result: "ok" or the error code answered."""
    CHECKINS.labels(result).inc()


_CACHE_HIT, _CACHE_MISS, _CACHE_DOWN = CACHE.labels("hit"), CACHE.labels("miss"), CACHE.labels("unavailable")


def cache_lookup(hit: bool | None) -> None:
    """Count one response-cache lookup: True hit, False miss, None when Redis could not be asked."""
    (_CACHE_HIT if hit else _CACHE_MISS if hit is False else _CACHE_DOWN).inc()


_request_children: dict = {}


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """The per-request cost: two cached children, one increment, one histogram observation."""
    key = (route, method, status)
    children = _request_children.get(key)
    if children is None:
        children = _request_children[key] = (
            REQUESTS.labels(route, method, str(status)),
            DURATION.labels(route, method),
        )
    children[0].inc()
    children[1].observe(seconds)


class _LocalCollector:
    def collect(self):
        return _LOCAL.collect()


class _StateCollector:
    """Gauges read at scrape: job rows by kind and state, Celery queue lengths, whether Redis answers."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        from sqlalchemy import text

        from .celery_app import broker_settings
        from .extensions import db, make_redis_client, parse_sentinels

        jobs = GaugeMetricFamily(
            "ticketshow_jobs", "Job rows by kind and state (read from SQLite at scrape)", labels=["kind", "state"]
        )
        for kind, state, count in db.session.execute(
            text("SELECT kind, state, count(*) FROM jobs GROUP BY kind, state")
        ):
            jobs.add_metric([kind, state], count)
        yield jobs

        from .celery_app import QUEUES

        settings = self.app.config["SETTINGS"]
        queues = GaugeMetricFamily(
            "celery_queue_length", "Messages waiting in each Celery queue (read at scrape)", labels=["queue"]
        )
        up = GaugeMetricFamily("ticketshow_redis_up", "1 when the Celery broker (Redis) answered this scrape")
        broker, transport = broker_settings(settings)
        if transport:  # Sentinel: the broker is REDIS_URL's db on the current primary
            client = make_redis_client(
                settings.redis_url, parse_sentinels(settings.redis_sentinels), settings.redis_sentinel_master
            )
        else:
            client = make_redis_client(broker)
        try:
            with client.pipeline(transaction=False) as pipe:
                for queue in QUEUES:
                    # Kombu keeps priority 0 in the queue's own list and other priorities in "<queue>\x06\x16<n>".
                    for key in (queue, *(f"{queue}\x06\x16{n}" for n in (3, 6, 9))):
                        pipe.llen(key)
                lengths = pipe.execute()
        except Exception:  # any broker failure: report it as down, keep the rest of the scrape
            up.add_metric([], 0)
        else:
            up.add_metric([], 1)
            for index, queue in enumerate(QUEUES):
                queues.add_metric([queue], sum(lengths[index * 4 : (index + 1) * 4]))
        finally:
            client.close()
        yield queues
        yield up


def render(app) -> bytes:
    """The whole exposition: every process's counters (summed) plus the gauges read now."""
    registry = CollectorRegistry(auto_describe=False)
    if MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=MULTIPROC_DIR)
    else:
        registry.register(_LocalCollector())
    registry.register(_StateCollector(app))
    return generate_latest(registry)
