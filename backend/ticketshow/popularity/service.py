"""Popularity forecasts: the nightly run that fills the tables, and the plain-SQL reads the catalogue
and the admin dashboard use.

- A screening's forecast is its predicted final occupancy (0..1) with its three main reasons (model.py).
- A show's or a theatre's popularity is 100 × the seat-weighted mean forecast of its upcoming screenings
  (a 400-seat hall weighs more than an 80-seat studio); a subject without upcoming screenings has none.
- Trending: bookings fast for the size of the house and picking up, and among the fastest tenth of their
  kind (trending_subjects; docs/popularity.md has the rule and its calibration on the demo).

The run trains on every finished screening and is never part of a request: beat starts it nightly
(schedule.py), admins with POST /api/admin/jobs/forecast, developers with `flask forecast`. Reads never
import scikit-learn or numpy (the model module is imported inside run_forecast only).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, func, insert, select

from ..booking.models import CANCELLED, Booking, Ticket
from ..cache import mark_catalog_changed
from ..catalog.models import Screening, Show, ShowTag, Theatre
from ..clock import utcnow
from ..database import immediate_transaction
from ..extensions import db
from ..jobs.wording import Summary
from . import wording
from .features import BookingRecord, History, ScreeningRecord, ShowRecord
from .models import SHOW, THEATRE, ForecastRun, PopularityScore, ScreeningForecast

TRENDING_RECENT_DAYS = 3
TRENDING_BEFORE_DAYS = 21
TRENDING_MIN_SEATS = 10
TRENDING_MIN_VELOCITY = 0.08  # seats booked in the last 3 days, as a share of the seats on sale
TRENDING_TOP_SHARE = 0.10  # at most the top decile of each kind (shows, theatres), at least one
OVERVIEW_EXTREMES = 5
VALIDATION_SHARE = 0.2  # the most recent fifth of finished screenings is held out to measure the model


# ---- the nightly run -------------------------------------------------------------------------------


def load_history() -> History:
    """Everything the features read, as plain records: shows with tags, screenings that were not removed,
    and every booking (a cancelled one held its seats until it was cancelled)."""
    tags: dict[int, list[str]] = defaultdict(list)
    for show_id, tag in db.session.execute(
        select(ShowTag.show_id, ShowTag.tag).order_by(ShowTag.show_id, ShowTag.position)
    ):
        tags[show_id].append(tag)
    shows = {
        row.id: ShowRecord(row.id, tuple(tags[row.id]), float(row.rating or 0), row.created_at)
        for row in db.session.execute(select(Show.id, Show.rating, Show.created_at))
    }
    screenings = [
        ScreeningRecord(row.id, row.show_id, row.theatre_id, row.starts_at, row.seats_total, row.created_at)
        for row in db.session.execute(
            select(
                Screening.id,
                Screening.show_id,
                Screening.theatre_id,
                Screening.starts_at,
                Screening.seats_total,
                Screening.created_at,
            )
            .where(Screening.removed_at.is_(None))
            .order_by(Screening.starts_at, Screening.id)
        )
    ]
    bookings = [
        BookingRecord(
            row.screening_id,
            row.quantity,
            row.created_at,
            (row.cancelled_at or row.created_at) if row.status == CANCELLED else None,
        )
        for row in db.session.execute(
            select(Booking.screening_id, Booking.quantity, Booking.created_at, Booking.cancelled_at, Booking.status)
        )
    ]
    return History(shows, screenings, bookings, ZoneInfo(current_app.config["APP_TIMEZONE"]))


def _on_sale(now: datetime) -> dict[int, tuple[int, int, int]]:
    """{screening id: (show id, theatre id, seats)} for screenings that have not started and can be booked."""
    return {
        row.id: (row.show_id, row.theatre_id, row.seats_total)
        for row in db.session.execute(
            select(Screening.id, Screening.show_id, Screening.theatre_id, Screening.seats_total)
            .join(Show, Show.id == Screening.show_id)
            .join(Theatre, Theatre.id == Screening.theatre_id)
            .where(
                Screening.starts_at > now,
                Screening.removed_at.is_(None),
                Show.removed_at.is_(None),
                Theatre.removed_at.is_(None),
            )
        )
    }


def run_forecast_described() -> Summary:
    """run_forecast, as the line the forecast job's row shows (forecasts made, model, training size, and
    the validation error against the naive baseline when there was enough history to validate), as the
    code "forecast_done" with its params (jobs/wording.py)."""
    summary = run_forecast()
    return Summary(
        "forecast_done",
        screenings=summary["screenings_forecast"],
        model=summary["model"],
        samples=summary["training_samples"],
        mae=summary["validation_mae"],
        baseline=summary["baseline_mae"],
    )


def run_forecast(now: datetime | None = None) -> dict:
    """Train on every finished screening, forecast every upcoming one, and replace the forecast and
    popularity tables in one short write transaction. Returns a summary (also kept in forecast_runs)."""
    from . import forecaster as model  # scikit-learn: the worker's business, never a web worker's
    from .features import finished_count, live_rows, training_rows

    started = utcnow()
    clock = time.perf_counter()
    now = now or started
    history = load_history()
    on_sale = _on_sale(now)
    db.session.rollback()  # end the read transaction before the work

    finished = finished_count(history, now)
    validation = _validate(history, now, finished, model)
    forecaster = model.fit(training_rows(history, finished_before=now), finished)
    forecasts = [forecaster.predict(row) for row in live_rows(history, now) if row.screening_id in on_sale]
    scores = _popularity(forecasts, on_sale, history, now)

    computed_at = utcnow()
    with immediate_transaction(db.session):
        mark_catalog_changed(db.session)  # cached catalogue answers carry forecasts and popularity
        db.session.execute(delete(ScreeningForecast))
        if forecasts:
            db.session.execute(
                insert(ScreeningForecast),
                [
                    {
                        "screening_id": f.screening_id,
                        "predicted_occupancy": round(f.occupancy, 4),
                        "reasons": json.dumps(f.reasons, ensure_ascii=False),
                        "computed_at": computed_at,
                    }
                    for f in forecasts
                ],
            )
        db.session.execute(delete(PopularityScore))
        if scores:
            db.session.execute(insert(PopularityScore), [{**score, "computed_at": computed_at} for score in scores])
        run = ForecastRun(
            started_at=started,
            finished_at=computed_at,
            training_samples=forecaster.training_samples,
            screenings_forecast=len(forecasts),
            model=forecaster.description[:200],
            validation_mae=validation and validation[0],
            baseline_mae=validation and validation[1],
            feature_importances=json.dumps(forecaster.importances, ensure_ascii=False),
        )
        db.session.add(run)
        db.session.flush()
        run_id = run.id
    return {
        "run_id": run_id,
        "model": forecaster.kind,
        "finished_screenings": finished,
        "training_samples": forecaster.training_samples,
        "screenings_forecast": len(forecasts),
        "popularity_scores": len(scores),
        "validation_mae": validation and round(validation[0], 4),
        "baseline_mae": validation and round(validation[1], 4),
        "seconds": round(time.perf_counter() - clock, 2),
    }


def _validate(history: History, now: datetime, finished: int, model) -> tuple[float, float] | None:
    """MAE of the model and of the naive forecast on the most recent finished screenings, trained without
    them; None while there is too little history to spare any."""
    if finished < 2 * model.MIN_FINISHED / (1 - VALIDATION_SHARE):
        return None
    starts = sorted(s.starts_at for s in history.screenings if s.starts_at < now)
    split_at = starts[int(len(starts) * (1 - VALIDATION_SHARE))]
    result = model.evaluate(history, split_at, now)
    if not result["samples"]:
        return None
    return result["mae"], result["baseline_mae"]


def _popularity(forecasts, on_sale: dict[int, tuple[int, int, int]], history: History, now: datetime) -> list[dict]:
    """Rows for popularity_scores: every show and theatre with an upcoming screening."""
    seats: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for forecast in forecasts:
        show_id, theatre_id, seats_total = on_sale[forecast.screening_id]
        for key in ((SHOW, show_id), (THEATRE, theatre_id)):
            seats[key][0] += forecast.occupancy * seats_total
            seats[key][1] += seats_total

    # Seats booked (and still held) per subject, in the last 3 days and in the 3 weeks before.
    subject_of = {s.id: (s.show_id, s.theatre_id) for s in history.screenings}
    recent_from = now - timedelta(days=TRENDING_RECENT_DAYS)
    before_from = recent_from - timedelta(days=TRENDING_BEFORE_DAYS)
    booked: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for booking in history.bookings:
        if not before_from <= booking.booked_at < now or booking.screening_id not in subject_of:
            continue
        if booking.cancelled_at is not None and booking.cancelled_at <= now:
            continue
        window = 0 if booking.booked_at >= recent_from else 1
        show_id, theatre_id = subject_of[booking.screening_id]
        booked[(SHOW, show_id)][window] += booking.quantity
        booked[(THEATRE, theatre_id)][window] += booking.quantity

    stats = {key: (*booked[key], total) for key, (_, total) in seats.items()}
    trending = trending_subjects(stats)
    return [
        {
            "kind": kind,
            "subject_id": subject_id,
            "score": min(round(100 * predicted / total, 1), 100.0),
            "trending": (kind, subject_id) in trending,
        }
        for (kind, subject_id), (predicted, total) in seats.items()
    ]


def trending_subjects(stats: dict[tuple[str, int], tuple[int, int, float]]) -> set[tuple[str, int]]:
    """The (kind, id) that earn the Trending badge, from {(kind, id): (seats booked in the last 3 days, in
    the 3 weeks before, seats on sale in upcoming screenings)}.

    A badge on everything says nothing (it was on all 30 demo shows), so it is kept for bookings that are
    fast for the size of the house and picking up: velocity = recent seats / seats on sale. A subject is
    trending when it has at least TRENDING_MIN_SEATS recent seats, a velocity of TRENDING_MIN_VELOCITY or
    more, a daily rate at least twice that of the 3 weeks before, and its velocity is in the top decile of
    its kind (at most max(1, 10 %) of the shows, and of the theatres, with upcoming screenings).
    Calibration on the demo catalogue: docs/popularity.md."""
    by_kind: dict[str, list[tuple[float, tuple[str, int]]]] = defaultdict(list)
    for key, (recent, before, on_sale) in stats.items():
        velocity = recent / on_sale if on_sale else 0.0
        rising = recent / TRENDING_RECENT_DAYS >= 2 * before / TRENDING_BEFORE_DAYS
        if recent >= TRENDING_MIN_SEATS and velocity >= TRENDING_MIN_VELOCITY and rising:
            by_kind[key[0]].append((velocity, key))
    counts = defaultdict(int)
    for kind, _ in stats:
        counts[kind] += 1
    chosen: set[tuple[str, int]] = set()
    for kind, candidates in by_kind.items():
        room = max(1, int(counts[kind] * TRENDING_TOP_SHARE))
        chosen.update(key for _, key in sorted(candidates, key=lambda c: (-c[0], c[1]))[:room])
    return chosen


# ---- reads -----------------------------------------------------------------------------------------


def forecasts_for(screening_ids: Iterable[int]) -> dict[int, float]:
    """{screening id: predicted occupancy 0..1} for those that have a forecast (upcoming at the last run)."""
    ids = list(set(screening_ids))
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(ScreeningForecast.screening_id, ScreeningForecast.predicted_occupancy).where(
                ScreeningForecast.screening_id.in_(ids)
            )
        ).all()
    )


def popularity_for(kind: str, ids: Iterable[int]) -> dict[int, dict]:
    """{id: {"score": 0..100, "trending": bool}} for the shows or theatres ('show' | 'theatre') that had
    upcoming screenings at the last run; others are absent (no popularity)."""
    if kind not in (SHOW, THEATRE):
        raise ValueError(f"kind must be 'show' or 'theatre', not {kind!r}")
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(PopularityScore.subject_id, PopularityScore.score, PopularityScore.trending).where(
            PopularityScore.kind == kind, PopularityScore.subject_id.in_(wanted)
        )
    )
    return {row.subject_id: {"score": row.score, "trending": bool(row.trending)} for row in rows}


def forecast_overview(days: int = 7) -> dict:
    """The admin dashboard's forecast: per local day for the next `days` days (today first), the seats
    offered, sold so far and expected; the screenings expected to fill most and least, with reasons; and
    the last run (its model, its validation error and its main drivers)."""
    from .. import clock

    now = utcnow()
    today = clock.local_now().date()
    window_end = clock.day_bounds(today + timedelta(days=days - 1))[1]
    sold = select(Ticket.screening_id, func.count().label("sold")).group_by(Ticket.screening_id).subquery()
    rows = db.session.execute(
        select(
            Screening.id,
            Screening.starts_at,
            Screening.seats_total,
            Show.id.label("show_id"),
            Show.name.label("show_name"),
            Theatre.id.label("theatre_id"),
            Theatre.name.label("theatre_name"),
            Theatre.place,
            func.coalesce(sold.c.sold, 0).label("sold"),
            ScreeningForecast.predicted_occupancy,
            ScreeningForecast.reasons,
        )
        .join(Show, Show.id == Screening.show_id)
        .join(Theatre, Theatre.id == Screening.theatre_id)
        .outerjoin(sold, sold.c.screening_id == Screening.id)
        .outerjoin(ScreeningForecast, ScreeningForecast.screening_id == Screening.id)
        .where(
            Screening.starts_at > now,
            Screening.starts_at < window_end,
            Screening.removed_at.is_(None),
            Show.removed_at.is_(None),
            Theatre.removed_at.is_(None),
        )
        .order_by(Screening.starts_at, Screening.id)
    ).all()

    per_day = {
        (today + timedelta(days=n)).isoformat(): {
            "screenings": 0,
            "seats_total": 0,
            "seats_sold": 0,
            "seats_left": 0,
            "predicted_seats": 0,
        }
        for n in range(days)
    }
    forecast = []
    from ..seating.service import seats_unavailable

    unavailable = seats_unavailable([row.id for row in rows], now)
    for row in rows:
        seats_left = max(row.seats_total - unavailable.get(row.id, 0), 0)
        day = per_day[clock.to_local(row.starts_at).date().isoformat()]
        # A screening added since the last run has no forecast yet: it counts what it has sold.
        predicted = (
            max(round(row.predicted_occupancy * row.seats_total), row.sold)
            if row.predicted_occupancy is not None
            else row.sold
        )
        day["screenings"] += 1
        day["seats_total"] += row.seats_total
        day["seats_sold"] += row.sold
        day["seats_left"] += seats_left
        day["predicted_seats"] += predicted
        if row.predicted_occupancy is not None:
            forecast.append(
                {
                    "screening_id": row.id,
                    "starts_at": row.starts_at,
                    "show": {"id": row.show_id, "name": row.show_name},
                    "theatre": {"id": row.theatre_id, "name": row.theatre_name, "place": row.place},
                    "seats_total": row.seats_total,
                    "seats_sold": row.sold,
                    "seats_left": seats_left,
                    "houseful": seats_left == 0,
                    "predicted_occupancy": row.predicted_occupancy,
                    "predicted_seats": predicted,
                    "reasons": wording.localise_reasons(json.loads(row.reasons or "[]")),
                }
            )
    ranked = sorted(forecast, key=lambda f: (-f["predicted_occupancy"], f["starts_at"], f["screening_id"]))
    lowest = sorted(forecast, key=lambda f: (f["predicted_occupancy"], f["starts_at"], f["screening_id"]))
    return {
        "generated_at": now,
        "days": [{"day": day, **figures} for day, figures in per_day.items()],
        "top": ranked[:OVERVIEW_EXTREMES],
        "bottom": lowest[:OVERVIEW_EXTREMES],
        "last_run": _last_run(),
    }


def _last_run() -> dict | None:
    run = db.session.scalar(select(ForecastRun).order_by(ForecastRun.id.desc()).limit(1))
    if run is None:
        return None
    return {
        "id": run.id,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "model": run.model,
        "training_samples": run.training_samples,
        "screenings_forecast": run.screenings_forecast,
        "validation_mae": run.validation_mae,
        "baseline_mae": run.baseline_mae,
        "drivers": wording.localise_drivers(json.loads(run.feature_importances or "[]")),
    }
