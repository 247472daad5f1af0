"""run_forecast fills the tables from the live database; the reads and GET /api/admin/forecast serve them."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from ticketshow.booking.models import Ticket
from ticketshow.catalog.models import Screening
from ticketshow.clock import utcnow
from ticketshow.database import immediate_transaction
from ticketshow.extensions import db
from ticketshow.popularity import service
from ticketshow.popularity.models import ForecastRun, PopularityScore, ScreeningForecast

from .history import load_small_history


def test_run_forecast_fills_every_upcoming_screening_and_the_popularity_scores(app):
    ids = load_small_history()
    removed = max(ids["screenings"].values())  # the last upcoming screening is removed: no forecast
    with immediate_transaction(db.session):
        db.session.execute(Screening.__table__.update().where(Screening.id == removed).values(removed_at=utcnow()))
    now = utcnow()
    upcoming = db.session.execute(
        select(Screening.id, Screening.show_id, Screening.theatre_id, Screening.seats_total).where(
            Screening.starts_at > now, Screening.removed_at.is_(None)
        )
    ).all()
    assert len(upcoming) > 50

    summary = service.run_forecast()
    assert summary["model"] == "ridge" and summary["screenings_forecast"] == len(upcoming)
    assert summary["validation_mae"] < summary["baseline_mae"]

    forecasts = {f.screening_id: f for f in db.session.scalars(select(ScreeningForecast))}
    assert set(forecasts) == {s.id for s in upcoming} and removed not in forecasts
    sold = dict(db.session.execute(select(Ticket.screening_id, func.count()).group_by(Ticket.screening_id)).all())
    for screening in upcoming:
        forecast = forecasts[screening.id]
        assert sold.get(screening.id, 0) / screening.seats_total <= forecast.predicted_occupancy <= 1
        reasons = json.loads(forecast.reasons)
        assert len(reasons) == 3 and all(set(r) == {"code", "params", "label", "effect"} for r in reasons)
    assert len({round(f.predicted_occupancy, 2) for f in forecasts.values()}) > 10  # not one number for all

    # Popularity: the seat-weighted mean forecast of each subject's upcoming screenings, × 100.
    scores = {(p.kind, p.subject_id): p for p in db.session.scalars(select(PopularityScore))}
    assert set(scores) == {("show", s.show_id) for s in upcoming} | {("theatre", s.theatre_id) for s in upcoming}
    theatre_id = upcoming[0].theatre_id
    mine = [s for s in upcoming if s.theatre_id == theatre_id]
    expected = (
        100 * sum(forecasts[s.id].predicted_occupancy * s.seats_total for s in mine) / sum(s.seats_total for s in mine)
    )
    assert abs(scores[("theatre", theatre_id)].score - expected) < 0.1
    assert all(0 <= p.score <= 100 for p in scores.values())
    for kind in ("show", "theatre"):  # the badge goes to the fastest tenth at most (at least one may have it)
        of_kind = [p for p in scores.values() if p.kind == kind]
        assert sum(p.trending for p in of_kind) <= max(1, len(of_kind) // 10)

    # The helpers the catalogue calls.
    some = [s.id for s in upcoming[:5]]
    assert service.forecasts_for(some + [removed]) == {i: forecasts[i].predicted_occupancy for i in some}
    shows = service.popularity_for("show", [upcoming[0].show_id, 10**6])
    assert list(shows) == [upcoming[0].show_id]
    assert shows[upcoming[0].show_id] == {
        "score": scores[("show", upcoming[0].show_id)].score,
        "trending": scores[("show", upcoming[0].show_id)].trending,
    }

    run = db.session.scalar(select(ForecastRun))
    assert run.screenings_forecast == len(upcoming) and run.training_samples > 500 and run.finished_at
    assert json.loads(run.feature_importances)[0]["label"] and json.loads(run.feature_importances)[0]["code"]

    # A second run replaces, it does not add.
    service.run_forecast()
    assert db.session.scalar(select(func.count()).select_from(ScreeningForecast)) == len(upcoming)
    assert db.session.scalar(select(func.count()).select_from(ForecastRun)) == 2


def test_without_history_the_forecast_is_naive_and_says_so(app, api, admin):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], "2099-01-01T19:00:00+05:30")
    summary = service.run_forecast()
    assert summary["model"] == "naive" and summary["screenings_forecast"] == 1
    assert summary["validation_mae"] is None
    [forecast] = db.session.scalars(select(ScreeningForecast)).all()
    assert forecast.screening_id == screening["id"] and forecast.predicted_occupancy == 0.5
    assert "Too little history" in json.loads(forecast.reasons)[0]["label"]


def test_the_forecast_overview_is_for_admins_only(app, client, api, admin):
    load_small_history()
    assert client.get("/api/admin/forecast").status_code == 401
    user = api.new_user()
    refused = client.get("/api/admin/forecast", headers=user["headers"])
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "admin_only"
    assert client.get("/api/admin/forecast?days=0", headers=admin).status_code == 422

    before = client.get("/api/admin/forecast", headers=admin).get_json()
    assert before["last_run"] is None and before["top"] == [] and len(before["days"]) == 7

    service.run_forecast()
    body = client.get("/api/admin/forecast?days=5", headers=admin).get_json()
    assert [d["day"] for d in body["days"]] == sorted(d["day"] for d in body["days"]) and len(body["days"]) == 5
    assert sum(d["screenings"] for d in body["days"]) > 10
    for day in body["days"]:
        assert day["seats_sold"] <= day["predicted_seats"] <= day["seats_total"]
        assert day["seats_left"] == day["seats_total"] - day["seats_sold"]  # nothing held or blocked here
    assert len(body["top"]) == len(body["bottom"]) == 5
    top = [s["predicted_occupancy"] for s in body["top"]]
    assert top == sorted(top, reverse=True) and top[0] >= max(s["predicted_occupancy"] for s in body["bottom"])
    first = body["top"][0]
    assert set(first) == {
        "screening_id",
        "starts_at",
        "show",
        "theatre",
        "seats_total",
        "seats_sold",
        "seats_left",
        "houseful",
        "predicted_occupancy",
        "predicted_seats",
        "reasons",
    }
    assert first["seats_left"] == first["seats_total"] - first["seats_sold"]
    assert first["starts_at"].endswith("+05:30") and first["show"]["name"] and first["theatre"]["place"]
    assert len(first["reasons"]) == 3 and isinstance(first["reasons"][0]["effect"], float)
    run = body["last_run"]
    assert run["model"].startswith("ridge") and run["validation_mae"] < run["baseline_mae"]
    assert run["drivers"] and {"code", "label", "share"} == set(run["drivers"][0])


def test_the_cli_runs_the_forecast(app):
    load_small_history()
    result = app.test_cli_runner().invoke(args=["forecast"])
    assert result.exit_code == 0, result.output
    assert "'model': 'ridge'" in result.output
    assert db.session.scalar(select(func.count()).select_from(ScreeningForecast)) > 50


def test_catalogue_answers_carry_the_forecast_even_when_cached_before_the_run(app, client):
    load_small_history()
    screening_id = min(s.id for s in db.session.execute(select(Screening.id).where(Screening.starts_at > utcnow())))
    screening = client.get(f"/api/screenings/{screening_id}").get_json()
    show_path, theatre_path = f"/api/shows/{screening['show']['id']}", f"/api/theatres/{screening['theatre']['id']}"
    for path in (show_path, theatre_path, "/api/shows", "/api/theatres"):
        client.get(path)  # cached without a forecast
    assert screening["predicted_occupancy"] is None
    assert client.get(show_path).headers["X-Cache"] == "HIT"
    assert client.get(show_path).get_json()["popularity"] is None

    service.run_forecast()
    forecast = db.session.get(ScreeningForecast, screening_id).predicted_occupancy
    fresh = client.get(f"/api/screenings/{screening_id}").get_json()
    assert fresh["predicted_occupancy"] == forecast
    sold_share = 1 - fresh["seats_left"] / fresh["seats_total"]
    assert fresh["filling_fast"] is (not fresh["houseful"] and (sold_share >= 0.7 or forecast >= 0.85))
    show = client.get(show_path).get_json()
    scores = {(p.kind, p.subject_id): p for p in db.session.scalars(select(PopularityScore))}
    expected = scores[("show", show["id"])]
    assert show["popularity"] == expected.score and show["trending"] is expected.trending
    assert {s["id"]: s["predicted_occupancy"] for s in show["screenings"]}[screening_id] == forecast
    listed = {s["id"]: s for s in client.get("/api/shows?per_page=100").get_json()["items"]}
    assert listed[show["id"]]["popularity"] == expected.score
    theatre = client.get(theatre_path).get_json()
    assert theatre["popularity"] == scores[("theatre", theatre["id"])].score
    theatres = {t["id"]: t for t in client.get("/api/theatres").get_json()["items"]}
    assert theatres[theatre["id"]]["popularity"] == theatre["popularity"]
