"""Daily reminders through a real worker, a real SMTP catcher and a local webhook receiver."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import redis
import time_machine
from sqlalchemy import delete, select, update

from ticketshow.auth.models import User
from ticketshow.extensions import db
from ticketshow.notifications import presence
from ticketshow.notifications.models import ReminderLog, Visit
from ticketshow.notifications.service import reminder_recipients

from ..factories import book_seats
from .conftest import fresh_reads, wait_for_job, waiting_to_retry, watchdog_at

IST = ZoneInfo("Asia/Kolkata")


def _forget_visits(redis_url: str) -> None:
    """Start the day clean: nobody has visited yet (signing up and logging in made the fixtures visit)."""
    db.session.execute(delete(Visit))
    db.session.execute(update(User).values(last_seen_at=None))
    db.session.commit()
    presence._recent.clear()
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("seen:*"):
        client.delete(key)


def _people(api, admin, redis_url):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin, name="Evening Raga")
    screening = api.create_screening(
        admin, show["id"], theatre["id"], (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    )
    people = {name: api.new_user(name) for name in ("visitor", "booker", "quiet", "idle", "नींद")}
    db.session.execute(update(User).where(User.id == people["quiet"]["id"]).values(reminders=False))
    db.session.commit()
    _forget_visits(redis_url)
    assert api.client.get("/api/auth/me", headers=people["visitor"]["headers"]).status_code == 200
    book_seats(people["booker"]["id"], screening["id"], 1)  # booked today (without a visit of its own)
    return people


def _mails_by_user(smtp, people):
    return {name: len(smtp.to(person["email"])) for name, person in people.items()}


def test_reminders_reach_exactly_the_idle_users_once(api, admin, client, smtp, webhook, worker, redis_server):
    people = _people(api, admin, redis_server["url"])

    started = client.post("/api/admin/jobs/daily-reminders", json={}, headers=admin)
    assert started.status_code == 202
    job = wait_for_job(client, admin, started.get_json()["job_id"])
    assert job["state"] == "done" and job["progress"] == 100, job
    smtp.wait_for(2)
    assert _mails_by_user(smtp, people) == {"visitor": 0, "booker": 0, "quiet": 0, "idle": 1, "नींद": 1}
    hindi = smtp.to(people["नींद"]["email"])[0]
    assert hindi["Subject"] == "नींद, your next show is waiting"
    assert "Evening Raga" in hindi.get_body(("html",)).get_content()
    assert hindi.get_body(("plain",)).get_content().startswith("Namaste, नींद!")
    assert sorted(post["text"].split(",")[0] for post in webhook.posts) == ["🎭 idle", "🎭 नींद"]
    assert all("http://ticketshow.test" in post["text"] for post in webhook.posts)

    # The job runs again (a second trigger, or beat after a restart): nobody gets a second reminder.
    again = wait_for_job(
        client, admin, client.post("/api/admin/jobs/daily-reminders", json={}, headers=admin).get_json()["job_id"]
    )
    assert again["state"] == "done" and again["summary"].startswith("0 reminders")
    assert len(smtp.messages) == 2 and len(webhook.posts) == 2


def test_smtp_outage_is_retried_hours_later_and_delivered_once(api, admin, client, smtp, worker, redis_server):
    people = _people(api, admin, redis_server["url"])
    smtp.stop()
    job_id = client.post("/api/admin/jobs/daily-reminders", json={}, headers=admin).get_json()["job_id"]
    job = wait_for_job(client, admin, job_id, until=waiting_to_retry)
    assert job["state"] == "pending" and job["attempts"] == 1, job
    assert "2 not yet sent" in job["error"] and "ConnectionRefusedError" in job["error"]
    # Each recipient's row says what happened to them.
    rows = db.session.scalars(select(ReminderLog).order_by(ReminderLog.id)).all()
    assert [(r.state, r.attempts, r.emailed_at) for r in rows] == [("failed", 1, None)] * 2
    assert all("ConnectionRefusedError" in r.error for r in rows)
    retry_at = datetime.fromisoformat(job["retry_at"])
    assert timedelta(minutes=4) < retry_at - datetime.fromisoformat(job["updated_at"]) <= timedelta(minutes=5)

    smtp.start()  # the server is back on the same port; nothing is sent before the retry is due
    traveller, early = watchdog_at(retry_at - timedelta(minutes=1))
    traveller.stop()
    assert early["retried"] == [] and smtp.messages == []
    traveller, due = watchdog_at(retry_at + timedelta(seconds=1))
    try:
        assert due["retried"] == [job_id]
        job = wait_for_job(client, admin, job_id)
    finally:
        traveller.stop()
    assert job["state"] == "done" and job["attempts"] == 2 and job["error"] is None, job
    smtp.wait_for(2)
    assert _mails_by_user(smtp, people) == {"visitor": 0, "booker": 0, "quiet": 0, "idle": 1, "नींद": 1}
    fresh_reads()
    assert [(r.state, r.attempts, r.error) for r in db.session.scalars(select(ReminderLog))] == [("sent", 2, None)] * 2


def test_recipients_follow_the_local_day(app, api, admin):
    """Visits and bookings count on the local (IST) day they happened, which the clock decides."""
    user = api.new_user("night-owl")
    _forget_visits(app.config["REDIS_URL"])
    # 23:50 IST on 1 Dec is 18:20 UTC: a visit then belongs to 1 Dec in Kolkata.
    with time_machine.travel(datetime(2026, 12, 1, 23, 50, tzinfo=IST), tick=False):
        token = api.login("night-owl", "user-Test-passw0rd")
        assert api.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    ids = lambda day: [u.id for u in reminder_recipients(day)]  # noqa: E731
    assert user["id"] not in ids(date(2026, 12, 1))
    assert user["id"] in ids(date(2026, 12, 2))
    assert db.session.get(User, user["id"]).last_seen_at == datetime(2026, 12, 1, 18, 20, tzinfo=timezone.utc)


def test_reminder_trigger_checks_role_and_date(api, admin, client):
    user = api.new_user()
    assert client.post("/api/admin/jobs/daily-reminders", json={}).status_code == 401
    assert client.post("/api/admin/jobs/daily-reminders", json={}, headers=user["headers"]).status_code == 403
    for bad in ("2026-02-30", "tomorrow", "2026-1-5", "", "9999-12-31", "0001-01-01"):
        response = client.post("/api/admin/jobs/daily-reminders", json={"date": bad}, headers=admin)
        if bad == "":  # an empty date means today, like no date at all
            assert response.status_code == 202
            continue
        assert response.status_code == 422, bad
        assert "date" in response.get_json()["error"]["details"]
    accepted = client.post("/api/admin/jobs/daily-reminders", json={"date": "2026-12-24"}, headers=admin)
    assert accepted.status_code == 202
    job = client.get(accepted.get_json()["status_url"], headers=admin).get_json()
    assert job["kind"] == "daily_reminders" and job["state"] == "pending"
    assert db.session.query(ReminderLog).count() == 0  # nothing is sent before a worker runs it
