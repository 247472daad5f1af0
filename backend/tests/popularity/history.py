"""A small seeded synthetic history in the test's database, around the real clock: 50 days that have
happened and 10 still to come (with the bookings made so far)."""

from __future__ import annotations

from datetime import timedelta

from ticketshow import clock
from ticketshow.clock import utcnow
from ticketshow.popularity import synthetic


def load_small_history(seed: int = 5) -> dict:
    now = utcnow()
    generated = synthetic.generate(
        seed=seed, months=2, theatres=3, shows=8, start=clock.local_now().date() - timedelta(days=50), now=now
    )
    return synthetic.write_to_database(generated)
