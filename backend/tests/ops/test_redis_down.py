"""Redis is a cache and a queue, never the only copy: stop a real redis-server under a running app and check
what users get (docs/operations.md, "When Redis stops"). Each test has its own redis-server, so stopping
it never disturbs the session's."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest
import redis
import requests
import time_machine

from ticketshow import create_app
from ticketshow.processes import Supervisor, plan

from ..conftest import ADMIN_PASSWORD, USER_PASSWORD, LiveServer, free_port, make_settings, redis_server_binary

IST = timezone(timedelta(hours=5, minutes=30))


class RedisProcess:
    """A redis-server without persistence (the worst case: whatever it held is gone when it stops)."""

    def __init__(self, workdir):
        self.port, self.workdir, self.process = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisProcess:
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.time() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    (tmp_path / "redis").mkdir()
    server = RedisProcess(tmp_path / "redis").start()
    yield server
    server.stop()


def timed(method, url, **kwargs) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.request(method, url, timeout=30, **kwargs)
    return response, time.monotonic() - started


def seed(url: str) -> dict:
    session = requests.Session()
    admin = session.post(f"{url}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}).json()
    headers = {"Authorization": f"Bearer {admin['access_token']}"}
    theatre = session.post(
        f"{url}/api/theatres", headers=headers, json={"name": "Kalakshetra", "place": "Chennai", "capacity": 30}
    ).json()
    show = session.post(
        f"{url}/api/shows",
        headers=headers,
        json={"name": "Margazhi", "rating": 5, "tags": ["music"], "ticket_price": 300},
    ).json()
    starts = (datetime.now(IST) + timedelta(days=2)).replace(microsecond=0).isoformat()
    screening = session.post(
        f"{url}/api/screenings",
        headers=headers,
        json={"show_id": show["id"], "theatre_id": theatre["id"], "starts_at": starts},
    ).json()
    assert (
        session.post(
            f"{url}/api/auth/signup",
            json={"username": "meena", "email": "meena@example.com", "password": USER_PASSWORD},
        ).status_code
        == 201
    )
    return {"admin": headers, "theatre": theatre, "show": show, "screening": screening}


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen within {seconds} s")


def test_users_keep_reading_logging_in_and_booking_while_redis_is_down(tmp_path, own_redis):
    (tmp_path / "app").mkdir()
    server = LiveServer(tmp_path / "app", own_redis.url, with_worker=True).start()
    try:
        url, data = server.url, seed(server.url)
        for _ in range(2):
            requests.get(f"{url}/api/shows")
        assert requests.get(f"{url}/api/shows").headers["X-Cache"] == "HIT"
        timings = {}

        own_redis.stop()

        health, timings["health"] = timed("GET", f"{url}/api/health")
        assert health.status_code == 503 and health.json()["redis"] == "failing"
        shows, timings["list shows"] = timed("GET", f"{url}/api/shows")
        assert shows.status_code == 200 and shows.headers["X-Cache"] == "MISS"
        assert [s["name"] for s in shows.json()["items"]] == ["Margazhi"]
        theatre, timings["theatre page"] = timed("GET", f"{url}/api/theatres/{data['theatre']['id']}")
        assert theatre.status_code == 200 and theatre.json()["screenings"][0]["seats_left"] == 30
        login, timings["login"] = timed(
            "POST", f"{url}/api/auth/login", json={"username": "meena", "password": USER_PASSWORD}
        )
        assert login.status_code == 200
        user = {"Authorization": f"Bearer {login.json()['access_token']}"}
        booked, timings["booking"] = timed(
            "POST", f"{url}/api/bookings", headers=user, json={"screening_id": data["screening"]["id"], "quantity": 2}
        )
        assert booked.status_code == 201, booked.text
        mine, timings["my bookings"] = timed("GET", f"{url}/api/bookings", headers=user)
        assert [b["id"] for b in mine.json()["items"]] == [booked.json()["id"]]
        seats = requests.get(f"{url}/api/screenings/{data['screening']['id']}").json()["seats_left"]
        assert seats == 28  # seat counts come from SQLite, never from the cache

        export, timings["export (job)"] = timed(
            "POST", f"{url}/api/theatres/{data['theatre']['id']}/export", headers=data["admin"]
        )
        assert export.status_code == 503 and export.json()["error"]["code"] == "queue_unavailable"
        jobs = requests.get(f"{url}/api/jobs", params={"kind": "export"}, headers=data["admin"]).json()
        assert jobs["items"] == []  # no job left behind that nothing would ever run
        metrics = requests.get(f"{url}/api/metrics").text
        assert "ticketshow_redis_up 0.0" in metrics
        assert 'ticketshow_cache_lookups_total{result="unavailable"}' in metrics
        print("while Redis is down:", json.dumps({k: round(v * 1000) for k, v in timings.items()}), "ms")
        assert max(timings.values()) < 3, timings  # nobody waits on a dead Redis

        own_redis.start()  # same port, empty: the app reconnects by itself
        wait_for(lambda: requests.get(f"{url}/api/health").status_code == 200, 30, "health back to 200")
        requests.get(f"{url}/api/shows")
        assert requests.get(f"{url}/api/shows").headers["X-Cache"] == "HIT"  # caching again
        export = requests.post(f"{url}/api/theatres/{data['theatre']['id']}/export", headers=data["admin"])
        assert export.status_code == 202
        job = wait_for(
            lambda: (lambda j: j if j["state"] == "done" else None)(
                requests.get(f"{url}{export.json()['status_url']}", headers=data["admin"]).json()
            ),
            90,
            "the export after Redis came back",
        )
        assert job["progress"] == 100
    finally:
        server.stop()


def test_a_job_whose_message_died_with_redis_is_requeued_by_the_watchdog(tmp_path, own_redis):
    """The export is accepted while no worker runs; Redis then restarts empty, taking the message with it.
    The job row in SQLite is the record: the watchdog publishes it again and a worker runs it."""
    (tmp_path / "app").mkdir()
    server = LiveServer(tmp_path / "app", own_redis.url).start()  # no worker yet: the message waits in Redis
    worker = None
    try:
        url, data = server.url, seed(server.url)
        export = requests.post(f"{url}/api/theatres/{data['theatre']['id']}/export", headers=data["admin"])
        assert export.status_code == 202
        job_id = export.json()["job_id"]
        assert redis.Redis.from_url(server.redis_url).llen("exports") == 1

        own_redis.stop()
        own_redis.start()
        assert redis.Redis.from_url(server.redis_url).llen("exports") == 0  # the message is gone

        app = create_app(make_settings(server.data_dir, server.redis_url))
        from ticketshow.jobs.tasks import watchdog

        with app.app_context(), time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=6), tick=True):
            done = watchdog()  # what beat runs every minute, with the clock past JOB_STALE_MINUTES
            from ticketshow.extensions import db

            db.session.remove()
            db.engine.dispose()
        assert done["republished"] == [job_id]
        assert redis.Redis.from_url(server.redis_url).llen("exports") == 1

        worker = Supervisor(
            server.env,
            log=lambda line: None,
            output=lambda p: {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL},
        )
        worker.start_all(
            [
                p
                for p in plan(app.config["SETTINGS"], worker_name=f"requeue-{free_port()}@%h", log_level="WARNING")
                if p.name == "worker"
            ]
        )
        job = wait_for(
            lambda: (lambda j: j if j["state"] == "done" else None)(
                requests.get(f"{url}/api/jobs/{job_id}", headers=data["admin"]).json()
            ),
            90,
            "the requeued export",
        )
        assert job["progress"] == 100
    finally:
        if worker:
            worker.stop_all()
        server.stop()


def mails_with(data_dir, marker: str) -> list:
    """The messages the live server's mail catcher wrote to $DATA_DIR/mail whose subject has `marker`."""
    import email
    import email.policy

    folder = data_dir / "mail"
    messages = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in (sorted(folder.glob("*.eml")) if folder.exists() else [])
    ]
    return [m for m in messages if marker in (m["Subject"] or "")]


def notice_states(data_dir, booking_id: int) -> dict:
    import sqlite3

    with sqlite3.connect(data_dir / "ticketshow.sqlite3") as connection:
        return dict(
            connection.execute("SELECT kind, state FROM booking_notices WHERE booking_id = ?", (booking_id,)).fetchall()
        )


def test_a_booking_made_while_redis_is_down_gets_its_mail_once_redis_is_back(tmp_path, own_redis):
    """The booking's transaction writes the notice it owes (booking_notices); the broker is down, so nothing
    is queued, and the booking still succeeds. Once Redis is back, the beat's pass queues the notice again
    and the worker mails the tickets, once."""
    (tmp_path / "app").mkdir()
    server = LiveServer(tmp_path / "app", own_redis.url, with_worker=True).start()
    try:
        url, data = server.url, seed(server.url)
        login = requests.post(f"{url}/api/auth/login", json={"username": "meena", "password": USER_PASSWORD})
        user = {"Authorization": f"Bearer {login.json()['access_token']}"}

        own_redis.stop()
        booked, seconds = timed(
            "POST", f"{url}/api/bookings", headers=user, json={"screening_id": data["screening"]["id"], "quantity": 2}
        )
        assert booked.status_code == 201, booked.text
        assert seconds < 3
        booking_id = booked.json()["id"]
        assert notice_states(server.data_dir, booking_id) == {"confirmed": "pending"}

        own_redis.start()  # empty: the message was never there
        app = create_app(make_settings(server.data_dir, server.redis_url))
        from ticketshow.extensions import db
        from ticketshow.tickets.tasks import requeue_notices

        with app.app_context():
            beat = app.extensions["celery"].conf.beat_schedule
            assert beat["booking-notices"]["task"] == requeue_notices.name  # beat runs it every minute
            assert requeue_notices() == {"requeued": []}  # too fresh: its own message may still be on its way
            with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=2), tick=True):
                assert requeue_notices() == {"requeued": [[booking_id, "confirmed"]]}  # what beat runs each minute
                assert requeue_notices() == {"requeued": []}  # queued again once, not every minute
            db.session.remove()
            db.engine.dispose()

        (mail,) = wait_for(lambda: mails_with(server.data_dir, "Your tickets: Margazhi"), 60, "the tickets' mail")
        assert "meena@example.com" in mail["To"]
        assert {part.get_content_type() for part in mail.iter_attachments()} == {"application/pdf", "text/calendar"}
        wait_for(
            lambda: notice_states(server.data_dir, booking_id) == {"confirmed": "sent"}, 10, "the notice marked sent"
        )
        time.sleep(1)
        assert len(mails_with(server.data_dir, "Your tickets: Margazhi")) == 1
    finally:
        server.stop()
