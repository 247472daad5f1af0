"""Words the server makes and stores (forecast reasons and drivers, job summaries) reach a Hindi or Tamil reader
in their language: each is kept as a code with params beside its English text, and answers word it in the
request's language (popularity/wording.py, jobs/wording.py). Codes and params never change with the language."""

from __future__ import annotations

import json
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from ticketshow.database import immediate_transaction
from ticketshow.extensions import db
from ticketshow.jobs import service as jobs
from ticketshow.jobs.models import DAILY_REMINDERS, EXPORT, FORECAST, MONTHLY_REPORTS, Job
from ticketshow.jobs.wording import Summary, summary_text
from ticketshow.popularity import service as popularity
from ticketshow.popularity import wording
from ticketshow.popularity.models import ScreeningForecast

from ..popularity.history import load_small_history

HI = {"Accept-Language": "hi"}
TA = {"Accept-Language": "ta"}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")

REASONS = [
    ("too_little_history", {"finished": 4, "needed": 30}),
    ("sold", {"share": 0.4}),
    ("none_sold", {}),
    ("when", {"weekday": 5, "slot": "evening"}),
    ("when", {"weekday": 0, "slot": "late"}),
    ("show_first", {}),
    ("show_usual", {"share": 0.62}),
    ("similar_none", {"tags": []}),
    ("similar", {"tags": ["drama"], "share": 0.62}),
    ("theatre_first", {}),
    ("theatre_usual", {"share": 0.5}),
    ("new_today", {}),
    ("new_days", {"days": 1}),
    ("new_days", {"days": 3}),
    ("running_weeks", {"weeks": 5}),
    ("rating", {"rating": 4.5}),
]


def _words(locale: str, code: str, params: dict) -> str:
    with force_locale(locale):
        return wording.reason_text(code, params)


@pytest.mark.parametrize("code,params", REASONS)
def test_every_reason_code_is_worded_in_english_hindi_and_tamil(app, code, params):
    english, hindi, tamil = (_words(locale, code, params) for locale in ("en", "hi", "ta"))
    assert english and hindi != english and tamil != english and hindi != tamil
    for text in (hindi, tamil):  # no English word left (a tag is data: "drama" stays as the admin typed it)
        assert not LATIN_WORD.findall(text.replace("drama", "")), text
    if code == "sold":
        assert english == "Already 40% sold" and "40%" in hindi and "40%" in tamil
    if code == "when" and params["weekday"] == 5:
        assert (english, hindi) == ("Saturday evening", "शनिवार शाम") and tamil.endswith("மாலை")


def test_drivers_and_job_summaries_are_worded_in_each_language(app):
    summaries = [
        ("reminders_sent", {"sent": 12, "day": "2026-12-01", "owed": 0}, "12 reminders sent for 1 December 2026"),
        (
            "reminders_sent",
            {"sent": 1, "day": "2026-12-01", "owed": 2},
            "1 reminder sent for 1 December 2026; 2 not yet sent",
        ),
        ("reports_sent", {"sent": 3, "month": "2026-03", "owed": 0}, "3 reports sent for March 2026"),
        ("export_rows", {"theatre": "Long Hall", "rows": 5}, "Long Hall: 5 screening rows"),
        (
            "forecast_done",
            {"screenings": 9, "model": "ridge", "samples": 340, "mae": 0.08, "baseline": 0.15},
            "9 screenings forecast by the ridge model from 340 snapshots; validation MAE 0.08 vs naive 0.15",
        ),
        ("forecast_done", {"screenings": 1, "model": "naive", "samples": 0, "mae": None, "baseline": None}, None),
    ]
    if True:  # the app fixture's context is pushed
        for code, params, english in summaries:
            with force_locale("en"):
                assert str(Summary(code, **params)) == summary_text(code, params, None)
                if english:
                    assert summary_text(code, params, None) == english
            for locale in ("hi", "ta"):
                with force_locale(locale):
                    text = summary_text(code, params, None)
                assert not LATIN_WORD.findall(text.replace("Long Hall", "")), text
        with force_locale("hi"):
            assert summary_text(None, {}, "Long Hall") == "Long Hall"  # a name: shown as stored
            assert summary_text("from_a_newer_release", {}, "as stored") == "as stored"
            assert {wording.driver_text(code) for code in wording.GROUP_LABELS} == {
                "अब तक की बुकिंग",
                "हफ़्ते का दिन और शो का समय",
                "शो की पिछली ऑक्यूपेंसी",
                "मिलते-जुलते शो की ऑक्यूपेंसी (एक जैसे टैग)",
                "थिएटर की पिछली ऑक्यूपेंसी",
                "शो कितना नया है",
                "एडमिन रेटिंग",
            }


def test_the_forecast_answer_words_reasons_and_drivers_in_the_callers_language(app, client, admin):
    load_small_history()
    popularity.run_forecast()
    english = client.get("/api/admin/forecast", headers=admin).get_json()
    tamil = client.get("/api/admin/forecast", headers={**admin, **TA}).get_json()
    assert "Accept-Language" in client.get("/api/admin/forecast", headers={**admin, **TA}).headers.get("Vary", "")
    for before, after in zip(english["top"] + english["bottom"], tamil["top"] + tamil["bottom"], strict=True):
        assert [(r["code"], r["params"], r["effect"]) for r in before["reasons"]] == [
            (r["code"], r["params"], r["effect"]) for r in after["reasons"]
        ]
        for reason in after["reasons"]:
            assert reason["code"] and not LATIN_WORD.findall(re.sub(r"\(.*?\)", "", reason["label"])), reason
    stored = json.loads(db.session.scalar(select(ScreeningForecast.reasons).limit(1)))
    assert all(r["label"] and r["code"] for r in stored)  # English kept for older readers, code beside it
    drivers = tamil["last_run"]["drivers"]
    assert [d["code"] for d in drivers] == [d["code"] for d in english["last_run"]["drivers"]]
    assert all(not LATIN_WORD.findall(d["label"]) for d in drivers), drivers

    # A forecast stored before codes existed keeps its English words (code null) rather than breaking.
    with immediate_transaction(db.session):
        db.session.execute(
            update(ScreeningForecast).values(reasons=json.dumps([{"label": "Saturday evening", "effect": 3.0}]))
        )
    old = client.get("/api/admin/forecast", headers={**admin, **HI}).get_json()["top"][0]["reasons"]
    assert old == [{"code": None, "params": {}, "label": "Saturday evening", "effect": 3.0}]


def test_job_answers_word_the_summary_in_the_callers_language(app, client, admin):
    made = [
        (DAILY_REMINDERS, Summary("reminders_sent", sent=12, day="2026-12-01", owed=0)),
        (MONTHLY_REPORTS, Summary("reports_sent", sent=3, month="2026-03", owed=1)),
        (EXPORT, Summary("export_rows", theatre="Long Hall", rows=5)),
        (FORECAST, Summary("forecast_done", screenings=9, model="ridge", samples=340, mae=0.08, baseline=0.15)),
    ]
    ids = []
    for kind, summary in made:
        job = jobs.create(kind, None, {}, "Long Hall" if kind == EXPORT else None)
        run = jobs.begin(job.id)  # pending → running, as a worker starts it
        assert jobs.finish(job.id, run.attempt, summary=summary)
        ids.append(job.id)
    for job_id, (_kind, summary) in zip(ids, made, strict=True):
        english = client.get(f"/api/jobs/{job_id}", headers=admin).get_json()
        hindi = client.get(f"/api/jobs/{job_id}", headers={**admin, **HI}).get_json()
        assert english["summary"] == str(summary)  # the old field, in English for an English reader
        assert hindi["summary_code"] == english["summary_code"] == summary.code
        assert hindi["summary_params"] == english["summary_params"] == summary.params
        assert hindi["summary"] != english["summary"] and not LATIN_WORD.findall(
            hindi["summary"].replace("Long Hall", "")
        )
    listed = client.get("/api/jobs?kind=export", headers={**admin, **TA}).get_json()
    assert (
        listed["items"][0]["summary"].startswith("Long Hall: 5 ")
        and listed["items"][0]["summary_code"] == "export_rows"
    )

    waiting = jobs.create(EXPORT, None, {}, "Long Hall")  # only a name so far: no code, shown as stored
    body = client.get(f"/api/jobs/{waiting.id}", headers={**admin, **HI}).get_json()
    assert (body["summary"], body["summary_code"], body["summary_params"]) == ("Long Hall", None, {})


def test_job_answers_word_the_error_in_the_callers_language(app, client, admin):
    """A job's error is kept as a code with params beside its English words (jobs/wording.py, JobError), as
    the task base and the watchdog write it; answers word it in the reader's language. The English is the
    text the `error` field always had; an older row (no code) is shown as stored."""
    from datetime import datetime, timedelta, timezone

    import time_machine

    from ticketshow.jobs.tasks import watchdog
    from ticketshow.jobs.wording import JobError

    refused = JobError("exception", type="SMTPRecipientsRefused", message="user 5 refused")
    gave_up = JobError("gave_up", attempts=8, reason=JobError("not_yet_sent", owed=2, failures=["user 5: x", "user 9"]))
    assert str(gave_up) == "gave up after 8 attempts: 2 not yet sent: user 5: x; user 9"
    assert str(refused) == "SMTPRecipientsRefused: user 5 refused"
    failed = jobs.create(DAILY_REMINDERS, None, {})
    assert jobs.fail(failed.id, jobs.begin(failed.id).attempt, gave_up)
    waiting = jobs.create(DAILY_REMINDERS, None, {})
    at = (datetime.now(timezone.utc) + timedelta(days=2)).replace(microsecond=0)
    retrying = JobError("retrying", attempt=1, of=8, at=at.isoformat(), reason=refused)
    assert jobs.retry_later(waiting.id, jobs.begin(waiting.id).attempt, at, retrying)
    lost = jobs.create(EXPORT, None, {}, "Long Hall", task_name="exports.theatre_csv")
    jobs.begin(lost.id)
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=1)):
        assert watchdog()["requeued"] == [lost.id]  # its heartbeat stopped: requeued, and the error says why

    for job_id, code, data in [
        (failed.id, "gave_up", ["user 5: x", "user 9"]),
        (waiting.id, "retrying", ["SMTPRecipientsRefused", "user 5 refused"]),
        (lost.id, "requeued", []),
    ]:
        english = client.get(f"/api/jobs/{job_id}", headers=admin).get_json()
        stored = db.session.get(Job, job_id).error
        assert english["error"] == stored and english["error_code"] == code  # the old field, the old words
        for language in (HI, TA):
            worded = client.get(f"/api/jobs/{job_id}", headers={**admin, **language}).get_json()
            assert (worded["error_code"], worded["error_params"]) == (code, english["error_params"])
            assert worded["error"] != english["error"] and all(part in worded["error"] for part in data)
            left = worded["error"]
            for part in data:
                left = left.replace(part, "")
            assert not LATIN_WORD.findall(left), (language, worded["error"])
    assert english["error"].startswith("worker lost during attempt 1 (no heartbeat since ")
    assert english["error"].endswith("; requeued")
    assert english["error_params"]["reason"]["code"] == "worker_lost"

    older = jobs.create(DAILY_REMINDERS, None, {})
    assert jobs.fail(older.id, jobs.begin(older.id).attempt, "gave up after 8 attempts: ConnectionRefusedError")
    body = client.get(f"/api/jobs/{older.id}", headers={**admin, **HI}).get_json()
    assert (body["error"], body["error_code"], body["error_params"]) == (
        "gave up after 8 attempts: ConnectionRefusedError",
        None,
        {},
    )
