"""Monthly reports: the numbers of a seeded month (non-Latin names included), the HTML and the PDF, the
monthly run through a real worker (one report per user per month), and the schedule by moving the clock."""

from __future__ import annotations

import multiprocessing
import subprocess
from datetime import date, datetime
from decimal import Decimal
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import time_machine

from ticketshow.extensions import db
from ticketshow.jobs.models import Job
from ticketshow.reports import service as reports

from ..conftest import ADMIN_PASSWORD, USER_PASSWORD
from .conftest import wait_for_job

IST = ZoneInfo("Asia/Kolkata")


def at(day: int, hour: int, month: int = 3):
    return time_machine.travel(datetime(2026, month, day, hour, 0, tzinfo=IST), tick=True)


def _headers(api, username: str, password: str = USER_PASSWORD) -> dict:
    return {"Authorization": f"Bearer {api.login(username, password)}"}


def _book(api, headers, screening_id: int, quantity: int) -> dict:
    response = api.client.post(
        "/api/bookings", json={"screening_id": screening_id, "quantity": quantity}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def seed_month(api):
    """February: one booking. March: three bookings (one cancelled), two shows seen, one rating.
    April 5: a screening booked in March, still to come when the report is made on 1 April."""
    with at(1, 10, month=2):
        admin = _headers(api, "admin", ADMIN_PASSWORD)
        prithvi = api.create_theatre(admin, name="पृथ्वी थिएटर", place="मुंबई", capacity=80)
        kalakshetra = api.create_theatre(admin, name="கலாக்ஷேத்ரா", place="Chennai", capacity=80)
        tamil = api.create_show(admin, name="தமிழ் நாடகம்", tags=["drama", "tamil"], ticket_price=200)
        tokyo = api.create_show(admin, name="東京物語", tags=["drama", "film"], ticket_price=350)
        feb = api.create_screening(admin, tokyo["id"], kalakshetra["id"], "2026-02-20T18:00:00+05:30")
        mar10 = api.create_screening(admin, tamil["id"], prithvi["id"], "2026-03-10T19:00:00+05:30")
        mar20 = api.create_screening(admin, tokyo["id"], prithvi["id"], "2026-03-20T19:00:00+05:30")
        mar25 = api.create_screening(admin, tamil["id"], kalakshetra["id"], "2026-03-25T19:00:00+05:30")
        apr5 = api.create_screening(admin, tokyo["id"], kalakshetra["id"], "2026-04-05T19:00:00+05:30")
        asha = api.new_user("आशा")
        idle = api.new_user("idle-in-march")
        _book(api, _headers(api, "आशा"), feb["id"], 1)
        _book(api, _headers(api, "idle-in-march"), feb["id"], 1)
    with at(3, 11):
        headers = _headers(api, "आशा")
        _book(api, headers, mar10["id"], 2)
        _book(api, headers, mar20["id"], 1)
        cancelled = _book(api, headers, mar25["id"], 3)
        assert api.client.post(f"/api/bookings/{cancelled['id']}/cancel", headers=headers).status_code == 200
    with at(31, 12):
        _book(api, _headers(api, "आशा"), apr5["id"], 2)
    with at(21, 10):
        assert (
            api.client.put(
                f"/api/shows/{tokyo['id']}/rating", json={"score": 5}, headers=_headers(api, "आशा")
            ).status_code
            == 200
        )
    return {"asha": asha, "idle": idle, "shows": (tamil, tokyo)}


def test_the_numbers_of_a_seeded_month(api):
    seeded = seed_month(api)
    with at(1, 9, month=4):
        report = reports.monthly_report(seeded["asha"]["id"], date(2026, 3, 1))
    assert report.has_activity and report.label == "March 2026"
    assert report.current == {"bookings": 4, "tickets": 5, "spent": Decimal("1450.00"), "shows_seen": 2}
    assert report.cancelled == 1
    assert report.previous == {"bookings": 1, "tickets": 1, "spent": Decimal("350.00"), "shows_seen": 1}
    assert report.changes == {"bookings": 3, "tickets": 4, "spent": Decimal("1100.00"), "shows_seen": 1}
    assert [s["show"] for s in report.seen] == ["தமிழ் நாடகம்", "東京物語"]
    assert report.ratings == [{"show": "東京物語", "score": 5}]
    assert report.favourite_tags[0] == ("drama", 3)
    assert dict(report.favourite_theatres) == {"पृथ्वी थिएटर": 2, "கலாக்ஷேத்ரா": 1}
    assert [(u["show"], u["quantity"]) for u in report.upcoming] == [("東京物語", 2)]
    with at(1, 9, month=4):
        nothing = reports.monthly_report(seeded["idle"]["id"], date(2026, 3, 1))
    assert not nothing.has_activity


def test_report_endpoint_html_and_pdf(api, tmp_path):
    seed_month(api)
    with at(1, 9, month=4):
        headers = _headers(api, "आशा")
        html = api.client.get("/api/reports/monthly?month=2026-03", headers=headers)
        assert html.status_code == 200 and html.mimetype == "text/html"
        page = html.get_data(as_text=True)
        for expected in ("आशा", "தமிழ் நாடகம்", "東京物語", "₹1,450.00", "March 2026", "#6b1d3a"):
            assert expected in page
        pdf = api.client.get("/api/reports/monthly?month=2026-03&format=pdf", headers=headers)
        default_month = api.client.get("/api/reports/monthly", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-") and pdf.data.rstrip().endswith(b"%%EOF")
    (tmp_path / "report.pdf").write_bytes(pdf.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "आशा" in text and "東京物語" in text and "1,450.00" in text
    assert "March 2026" in default_month.get_data(as_text=True)  # default: last month
    assert "attached as a PDF" not in page  # that line belongs in the email only


def test_pdfs_rendered_in_the_pool_are_the_ones_served(api, data_dir, tmp_path):
    """The monthly run's pool (this process, and a forked one for every second user here) writes each active
    user's PDF into the report cache, in the user's language; the mail's render_pdf then reads that very file
    instead of rendering again."""
    seeded = seed_month(api)
    asha = seeded["asha"]["id"]
    with at(1, 9, month=4):
        assert reports.prerender_pdfs(date(2026, 3, 1), [seeded["idle"]["id"], asha], processes=2) == 1
        cached = list((data_dir / "report-cache" / str(asha)).glob("2026-03-*.pdf"))
        assert len(cached) == 1  # idle-in-march: nothing to report, no PDF
        assert not (data_dir / "report-cache" / str(seeded["idle"]["id"])).exists()
        served = reports.render_pdf(reports.monthly_report(asha, date(2026, 3, 1)))
    assert served == cached[0].read_bytes()
    text = subprocess.run(
        ["pdftotext", "-layout", str(cached[0]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "आशा" in text and "東京物語" in text and "1,450.00" in text and "March 2026" in text


def test_the_pool_starts_inside_a_celery_pool_process(api, data_dir, monkeypatch):
    """The monthly run is a task in one of the Celery worker's pool processes, which are daemonic (billiard
    marks multiprocessing's current process so): multiprocessing's Pool refused to start there, and every PDF
    of the run was rendered by the mailing, one after the other. The pool must start and render them."""
    seeded = seed_month(api)
    asha = seeded["asha"]["id"]
    monkeypatch.setitem(multiprocessing.current_process()._config, "daemon", True)  # as in a prefork child
    with at(1, 9, month=4):
        assert reports.prerender_pdfs(date(2026, 3, 1), [seeded["idle"]["id"], asha], processes=2) == 1
    assert len(list((data_dir / "report-cache" / str(asha)).glob("2026-03-*.pdf"))) == 1


def test_report_endpoint_says_when_there_is_nothing(api):
    seeded = seed_month(api)
    with at(1, 9, month=4):
        idle = api.client.get("/api/reports/monthly?month=2026-03", headers=_headers(api, seeded["idle"]["username"]))
    assert idle.status_code == 404 and idle.get_json()["error"]["code"] == "no_activity"


def test_report_input_errors(api, admin, client):
    user = api.new_user()
    assert client.get("/api/reports/monthly?month=2026-03").status_code == 401
    # month=9999-12 was a 500: the end of its month (10000-01-01) overflowed Python's dates
    for query in ("month=2026-13", "month=March", "month=2026-3", "format=doc", "month=9999-12", "month=2101-01"):
        response = client.get(f"/api/reports/monthly?{query}", headers=user["headers"])
        assert response.status_code == 422, query
        assert response.get_json()["error"]["code"] == "validation_error"
    assert client.post("/api/admin/jobs/monthly-reports", json={"month": "2026-13"}, headers=admin).status_code == 422
    # a month whose end overflows Python's dates was accepted, and its job failed 8 times over 9 hours
    assert client.post("/api/admin/jobs/monthly-reports", json={"month": "9999-12"}, headers=admin).status_code == 422
    assert client.post("/api/admin/jobs/monthly-reports", json={}, headers=admin).status_code == 422
    assert client.post("/api/admin/jobs/monthly-reports", json={"month": "2026-03"}).status_code == 401
    assert (
        client.post("/api/admin/jobs/monthly-reports", json={"month": "2026-03"}, headers=user["headers"]).status_code
        == 403
    )


def test_monthly_run_mails_each_active_user_once(api, client, smtp, worker):
    seeded = seed_month(api)
    headers = _headers(api, "आशा")
    assert client.patch("/api/auth/me/preferences", json={"report_format": "pdf"}, headers=headers).status_code == 200
    admin = _headers(api, "admin", ADMIN_PASSWORD)

    started = client.post("/api/admin/jobs/monthly-reports", json={"month": "2026-03"}, headers=admin)
    assert started.status_code == 202
    job = wait_for_job(client, admin, started.get_json()["job_id"], timeout=60)
    assert job["state"] == "done" and job["summary"] == "1 report sent for March 2026", job
    mails = smtp.wait_for_subject("your Ticket Show month")
    assert len(mails) == 1  # idle-in-march had nothing in March: no mail
    mail: EmailMessage = mails[0]
    assert seeded["asha"]["email"] in mail["To"] and mail["Subject"] == "आशा, your Ticket Show month: March 2026"
    assert "東京物語" in mail.get_body(("html",)).get_content()
    attachments = list(mail.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["ticket-show-2026-03.pdf"]
    assert attachments[0].get_content().startswith(b"%PDF-")

    again = wait_for_job(
        client,
        admin,
        client.post("/api/admin/jobs/monthly-reports", json={"month": "2026-03"}, headers=admin).get_json()["job_id"],
    )
    assert again["state"] == "done" and again["summary"] == "0 reports sent for March 2026"
    assert len([m for m in smtp.messages if "your Ticket Show month" in m["Subject"]]) == 1


def test_schedule_fires_at_the_local_times(app):
    """Beat's entries are due at REMINDER_AT and on the 1st at 09:00 in APP_TIMEZONE, found by moving the clock."""
    from ticketshow.reports.tasks import monthly_reports_scheduled

    schedule = app.extensions["celery"].conf.beat_schedule
    reminders, monthly = schedule["daily-reminders"]["schedule"], schedule["monthly-reports"]["schedule"]
    reminders.app = monthly.app = app.extensions["celery"]
    last_reminder = datetime(2026, 11, 30, 18, 0, tzinfo=IST)
    with time_machine.travel(datetime(2026, 12, 1, 17, 59, tzinfo=IST), tick=False):
        assert not reminders.is_due(last_reminder).is_due
    with time_machine.travel(datetime(2026, 12, 1, 18, 0, 5, tzinfo=IST), tick=False):
        assert reminders.is_due(last_reminder).is_due
    last_report = datetime(2026, 11, 1, 9, 0, tzinfo=IST)
    with time_machine.travel(datetime(2026, 12, 1, 8, 59, tzinfo=IST), tick=False):
        assert not monthly.is_due(last_report).is_due
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, 5, tzinfo=IST), tick=False):
        assert monthly.is_due(last_report).is_due
        job_id = monthly_reports_scheduled.run()  # what beat calls: the month that just ended
    job = db.session.get(Job, job_id)
    assert job.kind == "monthly_reports" and job.params == '{"month": "2026-11"}' and job.requested_by is None
