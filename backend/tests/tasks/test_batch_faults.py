"""Batch jobs lose nobody (issue 14.2), through a real worker and a real SMTP catcher: one recipient's
failure is theirs (recorded, retried) and the rest go on; a re-run sends what is still owed, never twice;
retries wait minutes then hours; a job that finally fails mails the admin."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from ticketshow import clock
from ticketshow.extensions import db
from ticketshow.notifications.models import ReminderLog
from ticketshow.reports.models import ReportLog
from ticketshow.retry import job_retry_delay, total_retry_window

from ..factories import book_seats
from .conftest import fresh_reads, wait_for_job, waiting_to_retry, watchdog_at
from .test_reminders import _forget_visits

ADMIN_EMAIL = "admin@ticketshow.example"


def _idle_users(api, redis_url, names):
    people = {name: api.new_user(name) for name in names}
    _forget_visits(redis_url)
    return people


def _next_attempt(client, admin, job):
    """Move the clock to the job's retry time, let the watchdog requeue it, and wait for the attempt's end."""
    traveller, done = watchdog_at(datetime.fromisoformat(job["retry_at"]) + timedelta(seconds=1))
    try:
        assert done["retried"] == [job["id"]], done
        return wait_for_job(
            client, admin, job["id"], until=lambda j: waiting_to_retry(j) and j["attempts"] > job["attempts"]
        )
    finally:
        traveller.stop()


def test_retry_waits_grow_from_minutes_to_hours(app):
    settings = app.config["SETTINGS"]
    waits = [job_retry_delay(settings, n, jitter=False) for n in range(1, settings.job_max_attempts)]
    assert [w.total_seconds() / 60 for w in waits] == [5, 10, 20, 40, 80, 160, 240]
    assert total_retry_window(settings) > timedelta(hours=9)
    jittered = job_retry_delay(settings, 3)
    assert timedelta(minutes=18) <= jittered <= timedelta(minutes=20)


def test_a_refused_recipient_is_theirs_alone_retried_then_the_admin_is_alerted(
    api, admin, client, smtp, worker, redis_server
):
    people = _idle_users(api, redis_server["url"], ["anu", "bala", "chitra", "देव"])
    smtp.refused.add(people["bala"]["email"])  # the server refuses this one mailbox, every time

    job = client.post("/api/admin/jobs/daily-reminders", json={}, headers=admin).get_json()
    job = wait_for_job(client, admin, job["job_id"], until=waiting_to_retry)
    # The others went out at once; bala's failure is recorded on bala's row.
    assert job["state"] == "pending" and job["attempts"] == 1, job
    assert job["summary"].startswith("3 reminders sent") and job["summary"].endswith("1 not yet sent")
    assert "SMTPRecipientsRefused" in job["error"] and f"user {people['bala']['id']}" in job["error"]
    assert sorted(m["To"] for m in smtp.wait_for(3)) == sorted(
        f"{n} <{people[n]['email']}>" for n in ("anu", "chitra", "देव")
    )
    rows = {r.user_id: r for r in db.session.scalars(select(ReminderLog))}
    assert rows[people["bala"]["id"]].state == "failed" and "550" in rows[people["bala"]["id"]].error
    assert {rows[people[n]["id"]].state for n in ("anu", "chitra", "देव")} == {"sent"}

    # Every retry tries bala again (and only bala); after the last attempt the job fails visibly.
    for attempt in range(2, 9):
        job = _next_attempt(client, admin, job)
        assert job["attempts"] == attempt, job
    assert job["state"] == "failed", job
    assert job["error"].startswith("gave up after 8 attempts") and "SMTPRecipientsRefused" in job["error"]
    fresh_reads()
    bala = db.session.scalar(select(ReminderLog).where(ReminderLog.user_id == people["bala"]["id"]))
    assert (bala.state, bala.attempts) == ("failed", 8)
    alert = [m for m in smtp.wait_for(4) if ADMIN_EMAIL in m["To"]]
    assert len(alert) == 1 and alert[0]["Subject"] == f"Job failed: Daily reminders (job {job['id']})"
    assert "SMTPRecipientsRefused" in alert[0].get_body(("plain",)).get_content()
    assert len(smtp.messages) == 4  # three reminders and the alert: nobody got two


def _active_users(api, admin, count):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin)
    screening = api.create_screening(
        admin, show["id"], theatre["id"], (datetime.now(timezone.utc) + timedelta(days=3)).isoformat()
    )
    users = [api.new_user() for _ in range(count)]
    for user in users:
        book_seats(user["id"], screening["id"], 1)  # booked this month: each has a report to get
    return users


def test_a_rerun_after_an_outage_sends_what_is_owed_and_the_retry_sends_nothing_twice(api, admin, client, smtp, worker):
    users = _active_users(api, admin, 5)
    month = clock.local_now().strftime("%Y-%m")
    month_words = clock.local_now().strftime("%B %Y")  # the summary names the month in words (en-IN)
    smtp.stop()
    first = client.post("/api/admin/jobs/monthly-reports", json={"month": month}, headers=admin).get_json()
    first = wait_for_job(client, admin, first["job_id"], until=waiting_to_retry)
    assert first["state"] == "pending" and first["summary"] == f"0 reports sent for {month_words}; 5 not yet sent", (
        first
    )
    # Three refused connections in a row: the server is away, so the pass stops; the rest were not tried.
    rows = db.session.scalars(select(ReportLog).order_by(ReportLog.id)).all()
    assert [(r.state, r.attempts) for r in rows] == [("failed", 1)] * 3 + [("pending", 0)] * 2

    smtp.start()
    rerun = client.post("/api/admin/jobs/monthly-reports", json={"month": month}, headers=admin).get_json()
    rerun = wait_for_job(client, admin, rerun["job_id"])
    assert rerun["state"] == "done" and rerun["summary"] == f"5 reports sent for {month_words}", rerun  # never "0"
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.wait_for(5)) == sorted(u["email"] for u in users)

    # The first job's retry comes due later: everything is sent, so it sends nothing.
    traveller, done = watchdog_at(datetime.fromisoformat(first["retry_at"]) + timedelta(seconds=1))
    try:
        assert done["retried"] == [first["id"]]
        first = wait_for_job(client, admin, first["id"])
    finally:
        traveller.stop()
    assert first["state"] == "done" and first["summary"] == f"0 reports sent for {month_words}", first
    assert len(smtp.messages) == 5
    fresh_reads()
    rows = db.session.scalars(select(ReportLog).order_by(ReportLog.id)).all()
    assert [(r.state, r.attempts) for r in rows] == [("sent", 2)] * 3 + [("sent", 1)] * 2


@pytest.mark.parametrize("broken", [False, True], ids=["leases", "control-without-leases"])
def test_two_runs_at_once_never_send_to_one_person_twice(app, api, smtp, redis_server, monkeypatch, broken):
    """Run B starts while run A is in the middle of its first delivery (A's first SMTP send starts B). With
    leases B finds every row taken and sends nothing; the control (rows owed whatever their lease) shows
    the test catches a version that would mail people twice."""
    from ticketshow.notifications import delivery, mail
    from ticketshow.notifications import service as reminders

    people = _idle_users(api, redis_server["url"], ["ira", "jai", "kavya"])
    day = clock.local_now().date()
    if broken:
        monkeypatch.setattr(delivery, "_owed_condition", lambda model: model.state != "sent")
    real_send, second = mail.send, {}

    def send_starting_run_b(message):
        if not second:
            second["outcome"] = None  # once
            second["outcome"] = reminders.send_daily_reminders(day)
        real_send(message)

    monkeypatch.setattr(mail, "send", send_starting_run_b)
    first = reminders.send_daily_reminders(day)
    emails = sorted(m["To"].addresses[0].addr_spec for m in smtp.messages)
    if broken:
        assert len(emails) > 3  # the control mails someone twice: the test can fail
        return
    assert second["outcome"].summary == f"0 reminders sent for {day.day} {day:%B %Y}" and second["outcome"].owed == 0
    assert first.summary == f"3 reminders sent for {day.day} {day:%B %Y}"
    assert emails == sorted(p["email"] for p in people.values())
