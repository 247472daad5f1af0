"""gunicorn entry point: `gunicorn wsgi:app`."""

from ticketshow import create_app

app = create_app(serving_only=True)
