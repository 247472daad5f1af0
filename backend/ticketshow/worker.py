"""Celery entry point: `celery -A ticketshow.worker worker|beat`. Builds the Flask app once per process."""

from . import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
