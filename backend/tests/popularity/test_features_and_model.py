"""The feature builder sees nothing after its snapshot, and the model beats the naive forecast, from plain
records (no database): the same code the nightly job and the evaluation run."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from ticketshow.popularity import forecaster as model
from ticketshow.popularity import synthetic
from ticketshow.popularity.features import (
    BookingRecord,
    History,
    ScreeningRecord,
    ShowRecord,
    build_rows,
    live_rows,
    training_rows,
)

ZONE = ZoneInfo("Asia/Kolkata")
T0 = datetime(2026, 3, 2, 13, 30, tzinfo=timezone.utc)  # a Monday, 19:00 in Kolkata


def _small_history(extra_bookings=(), extra_screenings=()) -> History:
    shows = {
        1: ShowRecord(1, ("comedy",), 4.0, T0 - timedelta(days=60)),
        2: ShowRecord(2, ("comedy", "drama"), 3.5, T0 - timedelta(days=60)),
    }
    screenings = [
        ScreeningRecord(n + 1, 1 + n % 2, 1, T0 + timedelta(days=n), 100, T0 - timedelta(days=30)) for n in range(10)
    ]
    bookings = [BookingRecord(s.id, 10 + 5 * s.id, s.starts_at - timedelta(days=2)) for s in screenings]
    return History(shows, screenings + list(extra_screenings), bookings + list(extra_bookings), ZONE)


def _row_at(history: History, screening_id: int, at: datetime):
    screening = next(s for s in history.screenings if s.id == screening_id)
    [row] = build_rows(history, [(screening, at)])
    return row


def test_features_use_nothing_after_the_snapshot():
    target = 8  # starts T0 + 7 days; its snapshot is 3 days before
    at = T0 + timedelta(days=4)
    before = _row_at(_small_history(), target, at)

    # After the snapshot: more bookings for it, a cancellation of a booking made before it, and a
    # screening of the same show that starts (and fills) before the target but after the snapshot.
    late_screening = ScreeningRecord(99, 2, 1, at + timedelta(hours=5), 100, T0)
    changed = _small_history(
        extra_bookings=[
            BookingRecord(target, 40, at + timedelta(hours=1)),
            BookingRecord(target, 7, at - timedelta(days=1), cancelled_at=at + timedelta(hours=2)),
            BookingRecord(99, 100, at + timedelta(hours=1)),
        ],
        extra_screenings=[late_screening],
    )
    after = _row_at(changed, target, at)
    assert after.values == {**before.values, "sold_share": before.values["sold_share"] + 0.07}
    assert after.naive == before.naive

    # The same changes before the snapshot are seen: the test can tell.
    earlier = dataclasses.replace(late_screening, starts_at=at - timedelta(hours=1))
    seen = _row_at(
        _small_history(
            extra_bookings=[
                BookingRecord(target, 40, at - timedelta(hours=1)),
                BookingRecord(99, 100, at - timedelta(days=1)),
            ],
            extra_screenings=[earlier],
        ),
        target,
        at,
    )
    assert seen.values["sold_share"] == before.values["sold_share"] + 0.4
    assert seen.values["show_past"] > before.values["show_past"]
    assert seen.context["show_screenings"] == before.context["show_screenings"] + 1


def test_training_rows_are_snapshots_of_finished_screenings_with_their_final_occupancy():
    history = _small_history()
    rows = training_rows(history, finished_before=T0 + timedelta(days=5))
    assert {row.screening_id for row in rows} == {1, 2, 3, 4, 5}
    assert {round(row.lead_hours) for row in rows} == {14 * 24, 7 * 24, 3 * 24, 24, 3}
    for row in rows:
        assert row.target == (10 + 5 * row.screening_id) / 100
        # Booked two days before: seen by the 1-day and 3-hour snapshots only.
        assert row.values["sold_share"] == (row.target if row.lead_hours < 48 else 0.0)
    # The first screening's snapshots know no past; the fifth's 3-hour one knows the first four.
    first = [r for r in rows if r.screening_id == 1]
    assert all(r.context["finished"] == 0 and r.naive == 0.5 for r in first)
    fifth = next(r for r in rows if r.screening_id == 5 and r.lead_hours == 3)
    assert fifth.context["finished"] == 4 and abs(fifth.naive - (0.15 + 0.25) / 2) < 1e-9  # show 1: screenings 1, 3


def test_the_model_beats_the_naive_forecast_on_a_seeded_history():
    generated = synthetic.generate(seed=3, months=3, theatres=4, shows=16)
    result = model.evaluate(generated.history(), generated.end - timedelta(days=30), generated.end)
    assert result["forecaster"].kind == "ridge" and result["samples"] > 500
    assert result["mae"] <= 0.8 * result["baseline_mae"], result
    # Explainable: drivers add up, bookings so far is among the main ones.
    drivers = result["forecaster"].importances
    assert abs(sum(d["share"] for d in drivers) - 1) < 0.01
    assert "Bookings so far" in [d["label"] for d in drivers[:3]]


def test_forecasts_are_clipped_never_below_what_is_sold_and_come_with_three_reasons():
    generated = synthetic.generate(
        seed=4,
        months=2,
        theatres=3,
        shows=10,
        now=synthetic.generate(seed=4, months=2, theatres=1, shows=1).end - timedelta(days=7),
    )
    history = generated.history()
    now = generated.end - timedelta(days=7)
    forecaster = model.fit(training_rows(history, finished_before=now), 10**6)
    rows = live_rows(history, now)
    assert rows and forecaster.kind == "ridge"
    for row in rows:
        forecast = forecaster.predict(row)
        assert row.values["sold_share"] <= forecast.occupancy <= 1
        assert len(forecast.reasons) == 3
        assert all(
            isinstance(r["label"], str) and r["label"] and isinstance(r["effect"], float) for r in forecast.reasons
        )
        effects = [abs(r["effect"]) for r in forecast.reasons]
        assert effects == sorted(effects, reverse=True)


def test_with_too_little_history_the_forecast_is_the_shows_average_and_says_so():
    history = _small_history()
    now = T0 + timedelta(days=5, hours=1)  # six finished screenings
    forecaster = model.fit(training_rows(history, finished_before=now), 6)
    assert forecaster.kind == "naive" and "naive" in forecaster.description
    rows = {r.screening_id: r for r in live_rows(history, now)}
    forecast = forecaster.predict(rows[9])  # show 1: 15%, 25%, 35% so far; nothing sold yet
    assert forecast.occupancy == rows[9].naive and abs(rows[9].naive - (0.15 + 0.25 + 0.35) / 3) < 1e-9
    assert "Too little history" in forecast.reasons[0]["label"]
    # Screening 7 (show 1 too) has sold 45% already: never forecast below that.
    assert forecaster.predict(rows[7]).occupancy == 0.45
