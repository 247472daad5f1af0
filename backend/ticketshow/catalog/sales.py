"""What the catalogue needs to know about sales, answered by booking, which sits above it.

Booking's rows point at screenings, so catalog imports nothing from booking; yet a screening's answer
carries its seats left, a capacity change must not go below the seats sold, and removing a screening with
future bookings cancels them, which is booking's rule (cancelling frees the seats). create_app installs
booking's implementation (booking/sales.py) here; catalog calls it through `sales()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol


class Sales(Protocol):
    def seats_sold(self, screening_ids: Iterable[int]) -> dict[int, int]:
        """Seats sold per screening (screenings with none are absent)."""

    def future_bookings(self, screening_ids, *, now: datetime) -> tuple[int, int]:
        """(bookings, seats) confirmed for these screenings (ids or a SELECT of ids) not started by `now`."""

    def cancel_future_bookings(self, screening_ids, *, reason: str, now: datetime) -> list[int]:
        """Cancel those bookings and free their seats, in the caller's write transaction; their ids."""


_installed: Sales | None = None


def install(implementation: Sales) -> None:
    global _installed
    _installed = implementation


def sales() -> Sales:
    if _installed is None:
        raise RuntimeError("catalog.sales: no implementation installed (create_app installs booking's)")
    return _installed
