"""The beat's pricing pass: prices also move with time, when nobody books."""

from __future__ import annotations

from celery import shared_task

from . import service


@shared_task(name="pricing.reprice_upcoming")
def reprice_upcoming() -> int:
    return service.reprice_upcoming()
