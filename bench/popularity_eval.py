#!/usr/bin/env python3
"""How well the popularity forecast predicts: train on all but the last month, predict the last month.

    .venv/bin/python bench/popularity_eval.py [--seed 8] [--months 6] [--theatres 8] [--shows 40] [--in-memory]

Generates a seeded synthetic history (ticketshow/popularity/synthetic.py), writes it into a fresh Ticket
Show database and reads it back with the service's own loader, so the features are built by the code the
nightly job runs (--in-memory skips the database: same records, same figures, faster).

Training: every screening that started before the last 30 days, snapshotted at 14, 7, 3 and 1 days and
3 hours before its start. Test: every screening of the last 30 days at the same five snapshots (when it
was on sale by then), each seen with what was known at that moment only: bookings made by then, and the
final occupancy of screenings that had started by then. Scored by mean absolute error of the final
occupancy (0..1) against the naive baseline: the screening's show's average final occupancy so far (the
overall average for a show with no finished screening yet). A stronger baseline that also never predicts
below the seats already sold is shown too.
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

from _seed import bench_app
from synthetic_history import add_history_arguments

from ticketshow.popularity import forecaster as model  # noqa: E402
from ticketshow.popularity import synthetic
from ticketshow.popularity.service import load_history  # noqa: E402

TEST_DAYS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_history_arguments(parser)
    parser.add_argument("--in-memory", action="store_true", help="skip the database round trip")
    args = parser.parse_args()

    started = time.perf_counter()
    generated = synthetic.generate(seed=args.seed, months=args.months, theatres=args.theatres, shows=args.shows)
    if args.in_memory:
        history = generated.history()
    else:
        app, data_dir = bench_app()
        app.config["APP_TIMEZONE"] = str(generated.zone)
        written = synthetic.write_to_database(generated)
        history = load_history()
        print(
            f"database: {data_dir / 'ticketshow.sqlite3'} ({written['bookings']} bookings, "
            f"{written['tickets']} tickets)"
        )
    split_at = generated.end - timedelta(days=TEST_DAYS)
    prepared = time.perf_counter() - started
    result = model.evaluate(history, split_at, generated.end)
    seconds = time.perf_counter() - started - prepared

    forecaster = result["forecaster"]
    print(
        f"history: {len(history.screenings)} screenings, {len(history.bookings)} bookings over {args.months} months "
        f"(seed {args.seed}, {args.theatres} theatres, {args.shows} shows); prepared in {prepared:.1f} s"
    )
    print(f"model: {forecaster.description}; {forecaster.training_samples} training snapshots")
    print(
        f"test: {result['screenings']} screenings of the last {TEST_DAYS} days, {result['samples']} snapshots; "
        f"trained and scored in {seconds:.1f} s"
    )
    print()
    print(
        f"{'lead time':>10} {'snapshots':>10} {'model MAE':>10} {'naive MAE':>10} {'improvement':>12} "
        f"{'naive+sold MAE':>15}"
    )
    for lead in result["per_lead"] + [{"lead": "all", **result}]:
        gain = 1 - lead["mae"] / lead["baseline_mae"]
        print(
            f"{lead['lead']:>10} {lead['samples']:>10} {lead['mae']:>10.4f} {lead['baseline_mae']:>10.4f} "
            f"{gain:>11.1%} {lead['floored_baseline_mae']:>15.4f}"
        )
    print()
    print("main drivers (share of the average movement of a forecast):")
    for driver in forecaster.importances:
        print(f"  {driver['label']:<45} {driver['share']:.1%}")
    improvement = 1 - result["mae"] / result["baseline_mae"]
    print()
    print(
        f"MAE {result['mae']:.4f} vs naive {result['baseline_mae']:.4f}: {improvement:.1%} better "
        f"({'meets' if improvement >= 0.2 else 'MISSES'} the 20% target)"
    )


if __name__ == "__main__":
    main()
