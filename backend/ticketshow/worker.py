"""Celery entry point: `celery -A ticketshow.worker worker|beat`. Builds the Flask app once per process."""

import gc

from celery import signals

from . import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]


@signals.worker_init.connect
def _freeze_before_the_pool_forks(**_kwargs) -> None:
    """In the worker's main process, before it forks its pool: every object alive now (the app, every
    module) goes into the collector's permanent generation, so a child's collections never write to them
    and the pages they sit on stay shared with the main process (docs/benchmarks.md, "Memory")."""
    gc.collect()
    gc.freeze()
