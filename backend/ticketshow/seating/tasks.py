"""The beat's tidy-up of lapsed holds. Not needed for correctness: a hold stops counting at its
expires_at (booking/ledger.py); this only deletes rows of holds that lapsed over an hour ago."""

from __future__ import annotations

from celery import shared_task

from . import service


@shared_task(name="seating.sweep_expired_holds")
def sweep_expired_holds() -> int:
    return service.sweep_expired_holds()
