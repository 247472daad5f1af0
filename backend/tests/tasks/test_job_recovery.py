"""Jobs never hang or vanish (issue 14.3): with the broker unreachable a job is refused with 503 and no row
is left; a worker killed (SIGKILL) in the middle of an export leaves a job the watchdog requeues, and the
`.partial` file is swept; a job whose workers keep dying fails visibly and the admin is told."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select, update

from ticketshow import create_app
from ticketshow.clock import utcnow
from ticketshow.exports.tasks import clean_partials
from ticketshow.extensions import db
from ticketshow.jobs import service as jobs
from ticketshow.jobs.models import Job

from ..conftest import ADMIN_PASSWORD, Api, free_port, make_settings
from .conftest import fresh_reads, wait_for_job, watchdog_at

BACKEND = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_without_broker(data_dir, redis_server):
    """The app with Redis up (cache, throttling) but Celery's broker pointed at a port nobody listens on."""
    redis.Redis.from_url(redis_server["url"]).flushdb()
    application = create_app(
        make_settings(data_dir, redis_server["url"], celery_broker_url=f"redis://127.0.0.1:{free_port()}/0")
    )
    ctx = application.app_context()
    ctx.push()
    yield application
    db.session.remove()
    db.engine.dispose()
    ctx.pop()


def test_starting_a_job_without_a_broker_is_503_and_leaves_no_job(app_without_broker):
    client = app_without_broker.test_client()
    api = Api(client)
    admin = api.admin_headers()
    theatre = api.create_theatre(admin)
    for path, body in (
        (f"/api/theatres/{theatre['id']}/export", None),
        ("/api/admin/jobs/daily-reminders", {}),
        ("/api/admin/jobs/monthly-reports", {"month": "2026-10"}),
        ("/api/admin/jobs/forecast", None),
    ):
        started = time.monotonic()
        response = client.post(path, json=body, headers=admin)
        assert response.status_code == 503, (path, response.get_json())
        assert response.get_json()["error"]["code"] == "queue_unavailable"
        assert time.monotonic() - started < 5, path  # refused quickly, not after a hang
        fresh_reads()
        assert db.session.scalar(select(func.count()).select_from(Job)) == 0, path  # no orphan
    # Bad input still wins over the missing queue: a 4xx names what is wrong.
    assert client.post("/api/theatres/999999/export", headers=admin).status_code == 404
    assert client.post("/api/admin/jobs/monthly-reports", json={"month": "soon"}, headers=admin).status_code == 422


def test_the_503_is_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    for path in (
        "/api/theatres/{theatre_id}/export",
        "/api/admin/jobs/daily-reminders",
        "/api/admin/jobs/monthly-reports",
        "/api/admin/jobs/forecast",
    ):
        assert "503" in spec["paths"][path]["post"]["responses"], path


def _big_theatre(api, admin, screenings: int) -> dict:
    """A theatre with many screenings (bulk-inserted as the catalogue service stores them), so an export
    takes long enough to be caught in the middle."""
    theatre = api.create_theatre(admin, name="Long Hall")
    show = api.create_show(admin)
    first = api.create_screening(admin, show["id"], theatre["id"], "2030-01-01T10:00:00+00:00")
    row = db.session.execute(db.text("SELECT * FROM screenings WHERE id = :id"), {"id": first["id"]}).mappings().one()
    columns = [c for c in row if c != "id"]
    start = datetime(2030, 1, 1, 10, tzinfo=timezone.utc)
    values = []
    for n in range(1, screenings):
        copy = dict(row)
        copy["starts_at"] = (start + timedelta(minutes=n)).strftime("%Y-%m-%d %H:%M:%S.%f")
        values.append({c: copy[c] for c in columns})
    db.session.execute(
        db.text(f"INSERT INTO screenings ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"), values
    )
    db.session.commit()
    return theatre


def _worker_process(app, smtp_port: int, log: Path) -> subprocess.Popen:
    """A real `celery worker` process, the solo pool: the process that runs the task is the one we kill."""
    settings = app.config["SETTINGS"]
    env = dict(
        os.environ,
        TICKETSHOW_DATA_DIR=str(settings.data_dir),
        REDIS_URL=settings.redis_url,
        CELERY_BROKER_URL=settings.celery_broker_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        JOB_HEARTBEAT_SECONDS="1",
    )
    with open(log, "wb") as out:
        return subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "ticketshow.worker",
                "worker",
                "-P",
                "solo",
                "-Q",
                "exports",
                "--loglevel=INFO",
                "--hostname",
                f"kill-{free_port()}@%h",
            ],
            cwd=BACKEND,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def test_a_worker_killed_mid_export_is_noticed_requeued_and_its_partial_file_swept(
    app, api, admin, client, smtp, worker, tmp_path
):
    theatre = _big_theatre(api, admin, 20000)
    exports_dir = app.config["SETTINGS"].exports_dir
    # The embedded worker only takes mail; exports go to the process we are going to kill.
    worker.control.cancel_consumer("exports", reply=True)
    victim = _worker_process(app, smtp.port, tmp_path / "victim.log")
    try:
        job_id = client.post(f"/api/theatres/{theatre['id']}/export", headers=admin).get_json()["job_id"]
        job = wait_for_job(
            client,
            admin,
            job_id,
            timeout=60,
            until=lambda j: j["progress"] > 0 or j["state"] != "pending" and j["state"] != "running",
        )
        assert job["state"] == "running", (job, (tmp_path / "victim.log").read_text()[-2000:])
        # Freeze the writer at its next write (writers queue on this flock): it cannot finish; kill it there.
        with open(str(app.config["SETTINGS"].database_path) + ".writer-lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            fcntl.flock(lock, fcntl.LOCK_UN)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()
    fresh_reads()
    job = client.get(f"/api/jobs/{job_id}", headers=admin).get_json()
    assert job["state"] == "running" and 0 < job["progress"] < 100, job  # what the dead worker left
    partials = list(exports_dir.glob(".*.partial"))
    assert len(partials) == 1 and partials[0].stat().st_size > 0

    # A minute later nothing is decided yet: the heartbeat may just be late.
    traveller, early = watchdog_at(datetime.now(timezone.utc) + timedelta(minutes=1))
    traveller.stop()
    assert early["requeued"] == [] and clean_partials.apply().get() == 0
    # Past JOB_STALE_MINUTES (5) the watchdog requeues it and the sweep removes the dead worker's partial
    # file; then the embedded worker (taking exports again) runs attempt 2 to the end.
    traveller, late = watchdog_at(datetime.now(timezone.utc) + timedelta(minutes=6))
    try:
        assert late["requeued"] == [job_id]
        assert clean_partials.apply().get() == 1 and not partials[0].exists()
        worker.control.add_consumer("exports", reply=True)
        job = wait_for_job(client, admin, job_id, timeout=60)
    finally:
        traveller.stop()
    assert job["state"] == "done" and job["attempts"] == 2 and job["summary"] == "Long Hall: 20000 screening rows", job
    assert len(list(exports_dir.glob("*.csv"))) == 1 and list(exports_dir.glob(".*.partial")) == []
    assert [m["Subject"] for m in smtp.wait_for(1)] == ["Export ready: Long Hall"]

    # The dead worker's message comes back one day (Redis redelivers unacknowledged messages): it runs
    # nothing. The next export on the same queue finishing shows the duplicate has been taken and dropped.
    jobs.publish(job_id, "exports.theatre_csv")
    other = api.create_theatre(admin, name="Next Hall")
    after = client.post(f"/api/theatres/{other['id']}/export", headers=admin).get_json()["job_id"]
    assert wait_for_job(client, admin, after)["state"] == "done"
    job = client.get(f"/api/jobs/{job_id}", headers=admin).get_json()
    assert job["state"] == "done" and job["attempts"] == 2
    assert len(list(exports_dir.glob("theatre-*.csv"))) == 2


def test_a_job_whose_workers_keep_dying_fails_visibly_and_alerts_the_admin(app, api, admin, client, smtp, worker):
    theatre = api.create_theatre(admin, name="Cursed Hall")
    job_id = client.post(f"/api/theatres/{theatre['id']}/export", headers=admin).get_json()["job_id"]
    assert wait_for_job(client, admin, job_id)["state"] == "done"
    smtp.wait_for(1)
    # As the row stands after the eighth worker died during its attempt:
    db.session.execute(
        update(Job).where(Job.id == job_id).values(state="running", attempts=8, heartbeat_at=utcnow(), finished_at=None)
    )
    db.session.commit()
    traveller, done = watchdog_at(datetime.now(timezone.utc) + timedelta(minutes=6))
    traveller.stop()
    assert done["failed"] == [job_id] and done["requeued"] == []
    job = client.get(f"/api/jobs/{job_id}", headers=admin).get_json()
    assert job["state"] == "failed" and job["error"].startswith("gave up after 8 attempts: worker lost"), job
    mails = smtp.wait_for(2)
    assert [m["Subject"] for m in mails] == ["Export ready: Cursed Hall", "Export failed: Cursed Hall"]
    assert "worker lost" in mails[1].get_body(("plain",)).get_content()
