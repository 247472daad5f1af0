#!/usr/bin/env python3
"""A reproducible synthetic booking history, written into a fresh Ticket Show database.

    .venv/bin/python bench/synthetic_history.py [--seed 8] [--months 6] [--theatres 8] [--shows 40]
                                                [--upcoming-days 0] [--data-dir DIR] [--forecast]

Months of screenings whose occupancy follows weekday, time-of-day, tag, theatre, show-quality and
novelty effects plus noise, with bookings arriving over the weeks before each screening and a few
cancellations (ticketshow/popularity/synthetic.py holds the model; this is its command line). The
database is created and migrated like `make run` does (in a temp dir unless --data-dir), then filled
with bulk inserts: theatres, shows with tags, screenings, bookings and one ticket per confirmed seat.
With --upcoming-days N the last N days are still to come (only the bookings made so far are written),
and --forecast runs the nightly forecast on the result.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

from _seed import bench_app

from ticketshow.popularity import synthetic  # noqa: E402


def add_history_arguments(parser: argparse.ArgumentParser) -> None:
    """The history's shape, shared with bench/popularity_eval.py."""
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--theatres", type=int, default=8)
    parser.add_argument("--shows", type=int, default=40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_history_arguments(parser)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 5), help="first local day")
    parser.add_argument("--upcoming-days", type=int, default=0, help="days at the end that have not happened yet")
    parser.add_argument("--data-dir", help="where the database goes (default: a new temp dir)")
    parser.add_argument("--forecast", action="store_true", help="run the forecast on the result")
    args = parser.parse_args()

    app, data_dir = bench_app(Path(args.data_dir) if args.data_dir else None)
    started = time.perf_counter()
    zone = ZoneInfo(app.config["APP_TIMEZONE"])
    end = datetime.combine(args.start + timedelta(days=30 * args.months), clock_time(0), zone).astimezone(timezone.utc)
    history = synthetic.generate(
        seed=args.seed,
        months=args.months,
        theatres=args.theatres,
        shows=args.shows,
        zone=app.config["APP_TIMEZONE"],
        start=args.start,
        now=end - timedelta(days=args.upcoming_days),
    )
    generated = time.perf_counter() - started
    written = synthetic.write_to_database(history)
    print(
        f"{len(history.screenings)} screenings, {written['bookings']} bookings, {written['tickets']} tickets "
        f"(generated in {generated:.1f} s, written in {time.perf_counter() - started - generated:.1f} s) "
        f"into {data_dir / 'ticketshow.sqlite3'}"
    )
    if args.forecast:
        from ticketshow.popularity.service import run_forecast

        print(run_forecast(now=end - timedelta(days=args.upcoming_days)))


if __name__ == "__main__":
    main()
