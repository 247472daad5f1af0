"""Theatre CSV export through a real worker: the file matches the database, progress reaches 100, the
admin is mailed, only admins download, and formula-like text is escaped."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import func, select

from ticketshow.booking.models import Booking
from ticketshow.extensions import db
from ticketshow.ratings.models import Rating

from ..factories import book_seats
from .conftest import wait_for_job

ADMIN_EMAIL = "admin@ticketshow.example"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _seed(api, admin):
    theatre = api.create_theatre(admin, name="पृथ्वी थिएटर", place="Mumbai", capacity=50)
    evil = api.create_show(admin, name='=HYPERLINK("http://evil")', tags=["@risk", "drama"], ticket_price=150)
    tamil = api.create_show(admin, name="தமிழ் நாடகம்", tags=["tamil"], ticket_price=200)
    now = datetime.now(timezone.utc)
    past = api.create_screening(admin, tamil["id"], theatre["id"], _iso(now - timedelta(days=3)))
    soon = api.create_screening(admin, evil["id"], theatre["id"], _iso(now + timedelta(days=2)), price=175)
    later = api.create_screening(admin, tamil["id"], theatre["id"], _iso(now + timedelta(days=9)))
    fan, other = api.new_user(), api.new_user()
    book_seats(fan["id"], past["id"], 3)
    db.session.add(Rating(user_id=fan["id"], show_id=tamil["id"], score=4))
    db.session.add(Rating(user_id=other["id"], show_id=tamil["id"], score=5))
    db.session.commit()
    assert (
        api.client.post(
            "/api/bookings", json={"screening_id": soon["id"], "quantity": 2}, headers=fan["headers"]
        ).status_code
        == 201
    )
    cancelled = api.client.post(
        "/api/bookings", json={"screening_id": soon["id"], "quantity": 1}, headers=other["headers"]
    ).get_json()
    assert api.client.post(f"/api/bookings/{cancelled['id']}/cancel", headers=other["headers"]).status_code == 200
    return theatre, (past, soon, later), fan


def test_export_csv_matches_database_and_mails_the_admin(api, admin, client, smtp, worker):
    theatre, (past, soon, later), fan = _seed(api, admin)

    started = client.post(f"/api/theatres/{theatre['id']}/export", headers=admin)
    assert started.status_code == 202
    body = started.get_json()
    assert body["status_url"] == f"/api/jobs/{body['job_id']}"
    job = wait_for_job(client, admin, body["job_id"])
    assert job["state"] == "done", job
    assert job["progress"] == 100 and job["kind"] == "export"
    assert job["summary"] == f"{theatre['name']}: 3 screening rows"  # past exports say which theatre
    assert job["result_url"] == f"/api/exports/{job['id']}/download"

    download = client.get(job["result_url"], headers=admin)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    header = dict(row for row in rows[:7])
    assert header["Theatre"] == "पृथ्वी थिएटर" and header["Place"] == "Mumbai"
    assert header["Screenings"] == "3" and header["Tickets sold"] == "5" and header["Cancellations"] == "1"
    confirmed_paise = db.session.scalar(select(func.sum(Booking.total_price)).where(Booking.status == "confirmed"))
    assert Decimal(header["Revenue (INR)"]) == confirmed_paise == Decimal("950.00")  # 3 x 200 + 2 x 175
    assert rows[7] == []
    assert rows[8][0] == "Show" and rows[8][2] == "Start (Asia/Kolkata)"
    data = {row[2]: row for row in rows[9:]}
    assert len(data) == 3
    by_start = sorted(data.values(), key=lambda row: row[2])
    first, second, third = by_start
    assert first[:2] == ["தமிழ் நாடகம்", "tamil"]
    assert first[3:9] == ["200.00", "50", "3", "600.00", "0", "4.50"]
    # Formula injection: the show name and the "@risk" tag come back as text, not formulas.
    assert second[0] == '\'=HYPERLINK("http://evil")' and second[1] == "'@risk; drama"
    assert second[3:8] == ["175.00", "50", "2", "350.00", "1"]
    assert third[5:8] == ["0", "0.00", "0"]

    mails = smtp.wait_for_subject("Export ready")
    assert [m["Subject"] for m in mails] == ["Export ready: पृथ्वी थिएटर"]
    assert ADMIN_EMAIL in mails[0]["To"]
    assert job["result_url"] in mails[0].get_body(("plain",)).get_content()

    # Only admins may download, or see the job; the past exports list has it.
    assert client.get(job["result_url"], headers=fan["headers"]).status_code == 403
    assert client.get(job["result_url"]).status_code == 401
    assert client.get(f"/api/jobs/{job['id']}", headers=fan["headers"]).status_code == 404
    listed = client.get("/api/jobs?kind=export", headers=admin).get_json()
    assert [item["id"] for item in listed["items"]] == [job["id"]]
    assert client.get("/api/jobs?kind=export", headers=fan["headers"]).status_code == 403


def test_failed_export_is_recorded_and_the_admin_alerted(app, api, admin, client, smtp, worker):
    theatre = api.create_theatre(admin, name="Broken Hall")
    (app.config["SETTINGS"].data_dir / "exports").write_text("not a directory")  # the file cannot be written

    job_id = client.post(f"/api/theatres/{theatre['id']}/export", headers=admin).get_json()["job_id"]
    job = wait_for_job(client, admin, job_id)
    assert job["state"] == "failed" and "FileExistsError" in job["error"]
    assert job.get("result_url") is None
    mails = smtp.wait_for(1)
    assert mails[0]["Subject"] == "Export failed: Broken Hall"
    assert "FileExistsError" in mails[0].get_body(("plain",)).get_content()
    assert client.get(f"/api/exports/{job_id}/download", headers=admin).status_code == 404


def test_a_failed_exports_error_is_worded_in_the_requesters_language(app, api, admin, client, smtp, worker):
    """The job's error is a code with params (jobs/wording.JobError): the API words it per reader, and the
    failure mail in the language the export was asked in; the exception's own words stay as they are."""
    theatre = api.create_theatre(admin, name="Broken Hall")
    (app.config["SETTINGS"].data_dir / "exports").write_text("not a directory")  # the file cannot be written
    hindi = {**admin, "Accept-Language": "hi"}

    job_id = client.post(f"/api/theatres/{theatre['id']}/export", headers=hindi).get_json()["job_id"]
    english = wait_for_job(client, admin, job_id)
    assert english["state"] == "failed" and english["error"].startswith("FileExistsError: ")
    assert english["error_code"] == "exception" and english["error_params"]["type"] == "FileExistsError"
    worded = client.get(f"/api/jobs/{job_id}", headers=hindi).get_json()
    assert worded["error"] == "त्रुटि " + english["error"]  # the exception's words are data: kept as raised
    mail = smtp.wait_for(1)[0]
    assert "त्रुटि FileExistsError: " in mail.get_body(("plain",)).get_content()


def test_export_needs_an_admin_and_a_real_theatre(api, admin, client):
    theatre = api.create_theatre(admin)
    user = api.new_user()
    assert client.post(f"/api/theatres/{theatre['id']}/export").status_code == 401
    assert client.post(f"/api/theatres/{theatre['id']}/export", headers=user["headers"]).status_code == 403
    missing = client.post("/api/theatres/999999/export", headers=admin)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/jobs/999999", headers=admin).status_code == 404
    assert client.get("/api/exports/999999/download", headers=admin).status_code == 404
    assert client.get("/api/jobs?kind=nonsense", headers=admin).status_code == 422
