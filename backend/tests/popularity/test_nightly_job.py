"""The nightly job through the real Celery worker: an admin's trigger runs it now, like beat at 02:30."""

from __future__ import annotations

from sqlalchemy import func, select

from ticketshow.extensions import db
from ticketshow.popularity.models import PopularityScore, ScreeningForecast
from ticketshow.schedule import beat_schedule

from ..conftest import Api
from ..tasks.conftest import app, celery_broker_url, fresh_reads, smtp, wait_for_job, webhook, worker  # noqa: F401
from .history import load_small_history


def test_the_nightly_job_fills_the_forecast_tables(app, client, worker):  # noqa: F811
    load_small_history()
    fresh_reads()
    api = Api(client)
    user = api.new_user()
    assert client.post("/api/admin/jobs/forecast", headers=user["headers"]).status_code == 403
    admin = api.admin_headers()
    response = client.post("/api/admin/jobs/forecast", headers=admin)
    assert response.status_code == 202
    job_id = response.get_json()["job_id"]
    assert response.get_json()["status_url"] == f"/api/jobs/{job_id}"
    job = wait_for_job(client, admin, job_id)
    assert job["state"] == "done", job
    assert job["kind"] == "forecast" and "screenings forecast by the ridge model" in job["summary"]
    assert job["summary_code"] == "forecast_done" and job["summary_params"]["model"] == "ridge"
    fresh_reads()
    assert db.session.scalar(select(func.count()).select_from(ScreeningForecast)) > 50
    assert db.session.scalar(select(func.count()).select_from(PopularityScore)) > 0


def test_beat_runs_the_forecast_nightly_at_half_past_two_local(app):  # noqa: F811
    entry = beat_schedule(app.config["SETTINGS"])["nightly-forecast"]
    assert entry["task"] == "popularity.nightly_forecast_scheduled"
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}
    assert app.extensions["celery"].tasks["popularity.nightly_forecast_scheduled"]
