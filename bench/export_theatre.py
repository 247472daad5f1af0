#!/usr/bin/env python3
"""The CSV export of one theatre with many tickets: seconds and peak memory.

    .venv/bin/python bench/export_theatre.py [--tickets 100000] [--seats 100]

Seeds a temp SQLite (catalogue through the services, bookings and tickets as bulk rows: 5 seats per
booking, every 20th booking cancelled), then runs the export service as the Celery task's body does
(without the job row around it). Prints wall time, the Python heap's peak during the export
(tracemalloc) and the process's peak RSS, for the full size and for a tenth of it: a streamed export
keeps the same peak whatever the size.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from _seed import bench_app
from sqlalchemy import insert  # noqa: E402

from ticketshow.auth.models import User  # noqa: E402
from ticketshow.booking.models import Booking, Ticket  # noqa: E402
from ticketshow.catalog import service as catalog  # noqa: E402
from ticketshow.exports import service as exports  # noqa: E402
from ticketshow.extensions import db  # noqa: E402


def seed(tickets: int, seats: int) -> int:
    theatre = catalog.create_theatre({"name": "पृथ्वी थिएटर", "place": "मुंबई", "capacity": seats})
    shows = [
        catalog.create_show({"name": name, "rating": 4, "tags": ["drama", "music"], "ticket_price": Decimal(250)})
        for name in ("தமிழ் நாடகம்", "東京物語", "=cmd|' /C calc'!A0", "Hamlet")
    ]
    db.session.execute(
        insert(User),
        [
            {
                "username": "buyer",
                "username_key": "buyer",
                "email": "b@example.com",
                "password_hash": "x",
                "role": "user",
            }
        ],
    )
    buyer = db.session.scalar(db.select(User.id))
    start = datetime(2026, 1, 1, 13, 30, tzinfo=timezone.utc)
    screening_ids = [
        catalog.create_screening(shows[i % 4].id, theatre.id, start + timedelta(hours=6 * i), None).id
        for i in range(tickets // seats)
    ]
    per_booking = 5
    for screening_id in screening_ids:
        rows = [
            {
                "user_id": buyer,
                "screening_id": screening_id,
                "quantity": per_booking,
                "unit_price": Decimal(250),
                "total_price": Decimal(250 * per_booking),
                "status": "cancelled" if n % 20 == 19 else "confirmed",
                "created_at": start,
            }
            for n in range(seats // per_booking)
        ]
        ids = db.session.execute(insert(Booking).returning(Booking.id), rows).scalars().all()
        db.session.execute(
            insert(Ticket),
            [
                {"booking_id": booking_id, "screening_id": screening_id, "seat_no": n * per_booking + k + 1}
                for n, booking_id in enumerate(ids)
                for k in range(per_booking)
            ],
        )
    db.session.commit()
    return theatre.id


def run(tickets: int, seats: int) -> None:
    app, data_dir = bench_app()
    t0 = time.perf_counter()
    theatre_id = seed(tickets, seats)
    seeded = time.perf_counter() - t0
    db.session.remove()
    tracemalloc.start()
    t0 = time.perf_counter()
    outcome = exports.write_theatre_csv(theatre_id)
    path, rows = outcome.result_path, outcome.rows
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = (data_dir / path).stat().st_size
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{tickets:>7} tickets ({rows} screenings): export {seconds:.2f} s, heap peak {peak / 1024:.0f} KiB, "
        f"process max RSS {rss:.0f} MiB, CSV {size / 1024:.0f} KiB (seeding took {seeded:.1f} s)"
    )
    db.session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seats", type=int, default=100, help="seats per screening, all booked")
    args = parser.parse_args()
    run(args.tickets // 10, args.seats)
    run(args.tickets, args.seats)


if __name__ == "__main__":
    main()
