"""Celery bound to the Flask app (Flask's celery_init_app / FlaskTask pattern).

create_app() calls celery_init_app(), so the web process can enqueue and the worker and beat
(`celery -A ticketshow.worker worker -Q mail,reports,exports,default`, `celery -A ticketshow.worker beat`)
run tasks inside the same app's context. Tasks are declared with @shared_task, so they bind to whichever app is current.
"""

from __future__ import annotations

from celery import Celery
from flask import Flask

from .retry import BROKER_VISIBILITY_SECONDS
from .schedule import beat_schedule
from .tasks_base import FlaskTask

QUEUES = ("mail", "reports", "exports", "default")

# Mail apart from heavy work: a long export never delays a reminder.
TASK_ROUTES = {
    "notifications.*": {"queue": "mail"},
    "mail.*": {"queue": "mail"},
    "reports.*": {"queue": "reports"},
    "exports.*": {"queue": "exports"},
    "popularity.*": {"queue": "default"},
    "jobs.*": {"queue": "default"},
    "waitlist.*": {"queue": "default"},
    "tickets.*": {"queue": "default"},
}


def broker_settings(settings) -> tuple[str, dict]:
    """Celery's broker URL and extra transport options: CELERY_BROKER_URL, else REDIS_URL, else (with
    REDIS_SENTINELS) kombu's sentinel transport, which asks the sentinels for the primary on each connect."""
    if settings.celery_broker_url or not settings.redis_sentinels:
        return settings.celery_broker_url or settings.redis_url, {}
    from urllib.parse import urlparse

    from .extensions import parse_sentinels

    parsed = urlparse(settings.redis_url)
    db = parsed.path.lstrip("/") or "0"
    auth = f":{parsed.password}@" if parsed.password else ""
    url = ";".join(f"sentinel://{auth}{host}:{port}/{db}" for host, port in parse_sentinels(settings.redis_sentinels))
    return url, {"master_name": settings.redis_sentinel_master}


def celery_init_app(app: Flask) -> Celery:
    settings = app.config["SETTINGS"]
    broker, transport = broker_settings(settings)
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker,
        # Results are never read (the jobs table is the record); with Sentinel there is no plain URL for them.
        result_backend=None if settings.redis_sentinels and not settings.celery_broker_url else broker,
        task_ignore_result=True,  # the jobs table is the record; nobody reads Celery results
        task_default_queue="default",
        task_routes=TASK_ROUTES,
        task_acks_late=True,  # a worker killed mid-task leaves the message for the next one
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # A pool child that grew past this (a large export, a leak) is replaced once its task ends; a new child
        # forks from the main process in milliseconds and shares its pages. Not lower: a child that renders
        # tickets PDFs settles near 180-280 MB RSS (WeasyPrint and its Noto fonts), and replacing it after every
        # confirmation made each next PDF import WeasyPrint and load its fonts again (0.45 s of CPU more than
        # the 0.04-0.13 s of a warm render). Children idle at ~110 MB RSS (docs/benchmarks.md, "Memory").
        worker_max_memory_per_child=350_000,  # KiB of resident memory
        broker_connection_retry_on_startup=True,
        # Starting a job with the broker away must answer 503 in about a second, not hang the request:
        # a short connect timeout and a few quick publish retries (then jobs.service.enqueue gives up).
        broker_connection_timeout=2,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
        # Redis redelivers an unacknowledged message after this long; above the longest countdown of
        # retry.MESSAGE_RETRY, so a message waiting to retry is not delivered twice.
        broker_transport_options={
            "visibility_timeout": BROKER_VISIBILITY_SECONDS,
            "socket_connect_timeout": 2,
            **transport,
        },
        timezone=settings.app_timezone,
        enable_utc=True,
        beat_schedule=beat_schedule(settings),
        # PersistentScheduler keeps each entry's last run here: a restart neither repeats nor skips a run.
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
    )
    from .broker import transport_for

    transport_cls = transport_for(broker)
    if transport_cls is not None:  # one publishing client per channel (broker.py); Sentinel keeps kombu's
        celery.conf.broker_transport = transport_cls
    celery.flask_app = app  # FlaskTask enters this app's context around every task
    celery.set_default()
    app.extensions["celery"] = celery
    from .observability import connect_celery_signals

    connect_celery_signals()  # request ids into task messages; one JSON line per task in the worker
    _import_tasks()
    return celery


def _import_tasks() -> None:
    from .exports import tasks as _exports  # noqa: F401
    from .jobs import tasks as _jobs  # noqa: F401
    from .notifications import tasks as _notifications  # noqa: F401
    from .popularity import tasks as _popularity  # noqa: F401
    from .pricing import tasks as _pricing  # noqa: F401
    from .reports import tasks as _reports  # noqa: F401
    from .seating import tasks as _seating  # noqa: F401
    from .tickets import tasks as _tickets  # noqa: F401
    from .waitlist import tasks as _waitlist  # noqa: F401
