"""Mail and PDFs in the recipient's language, through the real Celery worker and SMTP catcher, read back
with pdftotext: a Tamil monthly report (mail and PDF), a Hindi booking confirmation with Hindi tickets for a
user who never chose a language (their request's Accept-Language), a waiting-list offer in the offered
user's chosen language, and the tickets PDF in Hindi from the API."""

from __future__ import annotations

import subprocess
from datetime import date, datetime

from tests.api.test_catalog import later

from ..conftest import ADMIN_PASSWORD
from .conftest import wait_for_job
from .test_reports import _headers, at, seed_month
from .test_waitlist_mail import wait_until

HI = {"Accept-Language": "hi"}


def pdf_text(data: bytes, tmp_path, name: str = "doc.pdf") -> str:
    assert data.startswith(b"%PDF-")
    (tmp_path / name).write_bytes(data)
    return subprocess.run(["pdftotext", str(tmp_path / name), "-"], capture_output=True, text=True, check=True).stdout


def test_monthly_report_mail_and_pdf_in_tamil(api, client, smtp, worker, tmp_path):
    """Asha chose Tamil: the scheduled run mails her report in Tamil (the monthly run has no request), with the
    PDF in Tamil; Indian digit grouping and the month's name in Tamil."""
    seeded = seed_month(api)
    headers = _headers(api, "आशा")
    chosen = client.patch("/api/auth/me/preferences", json={"locale": "ta", "report_format": "pdf"}, headers=headers)
    assert chosen.status_code == 200
    admin = _headers(api, "admin", ADMIN_PASSWORD)
    started = client.post("/api/admin/jobs/monthly-reports", json={"month": "2026-03"}, headers=admin)
    job = wait_for_job(client, admin, started.get_json()["job_id"], timeout=90)
    assert job["state"] == "done", job
    (mail,) = smtp.wait_for_subject("Ticket Show-இல் உங்கள் மாதம்", timeout=30)
    assert seeded["asha"]["email"] in mail["To"]
    assert mail["Subject"] == "आशा, Ticket Show-இல் உங்கள் மாதம்: மார்ச் 2026"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for expected in ("புக்கிங்குகள்", "நீங்கள் பார்த்த காட்சிகள்", "₹1,450.00", "東京物語", "கடந்த மாதத்தை விட +3"):
        assert expected in text, expected
    assert 'lang="ta"' in html and "உங்கள் அறிக்கை PDF ஆக இணைக்கப்பட்டுள்ளது." in html
    assert "Bookings" not in text and "Shows you saw" not in html  # no English left but names
    (attachment,) = list(mail.iter_attachments())
    report = pdf_text(attachment.get_content(), tmp_path, "report.pdf")
    # pdftotext gives glyphs in visual order, so a Tamil vowel sign drawn before its consonant (ெ ே ை) comes
    # out first: the words looked for here have none.
    for expected in ("மார்ச் 2026", "புக்கிங்குகள்", "நீங்கள் பார்த்த காட்சிகள்", "1,450.00", "東京物語"):
        assert expected in report, (expected, report)
    assert "Shows you saw" not in report and "Tickets" not in report


def test_report_pdf_follows_the_request_language(api, client, tmp_path):
    """Downloaded in the app: the request's language (Accept-Language for a user who has not chosen one)."""
    seed_month(api)
    with at(1, 9, month=4):
        headers = {**_headers(api, "आशा"), "Accept-Language": "ta-IN,ta;q=0.9"}
        pdf = client.get("/api/reports/monthly?month=2026-03&format=pdf", headers=headers)
        html = client.get("/api/reports/monthly?month=2026-03", headers=headers).get_data(as_text=True)
        english = client.get("/api/reports/monthly?month=2026-03&format=pdf", headers=_headers(api, "आशा"))
    assert pdf.status_code == 200
    text = pdf_text(pdf.data, tmp_path)
    assert "மார்ச் 2026" in text and "புக்கிங்குகள்" in text and "1,450.00" in text
    assert "மார்ச் 2026" in html and "நீங்கள் பார்த்த காட்சிகள்" in html
    assert "March 2026" in pdf_text(english.data, tmp_path, "en.pdf")  # a cached Tamil PDF is not reused


def test_no_activity_month_named_in_hindi(api, client):
    seeded = seed_month(api)
    with at(1, 9, month=4):
        idle = client.get(
            "/api/reports/monthly?month=2026-03", headers={**_headers(api, seeded["idle"]["username"]), **HI}
        )
    body = idle.get_json()["error"]
    assert idle.status_code == 404 and body["code"] == "no_activity"
    assert body["message"] == "मार्च 2026 की कोई रिपोर्ट नहीं: न कोई बुकिंग, न देखा गया शो, न रेटिंग।"


def test_confirmation_in_the_language_of_the_booking_request(api, client, admin, smtp, worker, tmp_path):
    """A user who never chose a language books with a Hindi browser: mail and tickets PDF in Hindi."""
    theatre = api.create_theatre(admin, name="Regal")
    show = api.create_show(admin, name="Pyaasa", ticket_price=100000)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    booking = client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": 2}, headers={**user["headers"], **HI}
    ).get_json()
    assert wait_until(lambda: smtp.to(user["email"])), [m["Subject"] for m in smtp.messages]
    (message,) = smtp.to(user["email"])
    assert message["Subject"].startswith("आपके टिकट: Pyaasa, ")
    text = message.get_body(("plain",)).get_content()
    assert f"आपकी बुकिंग {booking['id']} कन्फ़र्म हो गई है।" in text and "गेट पर हर व्यक्ति एक कोड दिखाए।" in text
    pdf = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    tickets = pdf_text(pdf.get_content(), tmp_path)
    for seat in booking["seats"]:
        assert f"सीट {seat}" in tickets
    assert "Pyaasa" in tickets and "Seat" not in tickets


def test_tickets_pdf_in_hindi_and_the_choice_beats_the_browser(api, client, admin, tmp_path):
    theatre = api.create_theatre(admin, name="Liberty", place="Mumbai")
    show = api.create_show(admin, name="Mughal-e-Azam")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    booking = client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=user["headers"]
    ).get_json()
    url = f"/api/bookings/{booking['id']}/tickets.pdf"
    hindi = pdf_text(client.get(url, headers={**user["headers"], **HI}).data, tmp_path, "hi.pdf")
    seat = booking["seats"][0]
    assert f"सीट {seat}" in hindi and "Mughal-e-Azam" in hindi and "Liberty, Mumbai" in hindi
    assert "Seat" not in hindi and "When" not in hindi
    client.patch("/api/auth/me/preferences", json={"locale": "ta"}, headers=user["headers"])
    tamil = pdf_text(client.get(url, headers={**user["headers"], **HI}).data, tmp_path, "ta.pdf")
    # "இருக்கை": pdftotext puts the pre-base vowel sign of "கை" out of order; its first part is enough.
    assert "இருக்" in tamil and seat in tamil and "सीट" not in tamil and "Seat" not in tamil


def test_waitlist_offer_in_the_waiting_users_language(api, client, admin, smtp, worker):
    """The offer is caused by someone else's cancellation (an English request): the waiting user's chosen
    language (Tamil) decides, and money is in Indian grouping."""
    theatre = api.create_theatre(admin, capacity=1)
    show = api.create_show(admin, name="Sholay", ticket_price=100000)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(3))
    first, waiting = api.new_user(), api.new_user()
    client.patch("/api/auth/me/preferences", json={"locale": "ta"}, headers=waiting["headers"])
    booking = client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=first["headers"]
    ).get_json()
    joined = client.post(
        f"/api/screenings/{screening['id']}/waitlist", json={"quantity": 1}, headers=waiting["headers"]
    )
    assert joined.status_code == 201, joined.get_json()
    assert client.post(f"/api/bookings/{booking['id']}/cancel", headers=first["headers"]).status_code == 200
    assert wait_until(lambda: smtp.to(waiting["email"]), timeout=30), [m["Subject"] for m in smtp.messages]
    (offer,) = smtp.to(waiting["email"])
    assert offer["Subject"].startswith("உங்களுக்கான இருக்கைகள்: Sholay, ")
    text = offer.get_body(("plain",)).get_content()
    assert "₹1,00,000.00" in text and "இந்த இருக்கைகளை புக் செய்யுங்கள்" in text


def test_dates_and_money_follow_the_locale(app):
    from datetime import datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from ticketshow import i18n

    moment = datetime(2026, 11, 30, 18, 30, tzinfo=ZoneInfo("Asia/Kolkata"))
    assert [i18n.money(Decimal("100000"), loc) for loc in i18n.LOCALES] == ["₹1,00,000.00"] * 3
    assert i18n.number(1234567, "hi") == "12,34,567"
    assert i18n.datetime_text(moment, "en") == "Mon, 30 Nov, 2026, 6:30\u202fpm"  # CLDR's narrow space
    assert i18n.datetime_text(moment, "hi") == "सोम, 30 नव॰ 2026, 6:30 pm"
    assert i18n.datetime_text(moment, "ta") == "திங்., 30 நவ., 2026, 6:30 PM"
    assert i18n.month_text(date(2026, 3, 1), "hi") == "मार्च 2026"


def test_password_reset_mail_and_answer_in_the_requests_language(api, client, smtp, worker):
    """Nobody is logged in: the answer follows Accept-Language, and so does the mail (to the account's owner,
    who has not chosen a language); the answer is the same whether or not the address is known."""
    user = api.new_user()
    known = client.post("/api/auth/password-reset", json={"email": user["email"]}, headers=HI)
    unknown = client.post("/api/auth/password-reset", json={"email": "nobody@example.org"}, headers=HI)
    assert known.status_code == unknown.status_code == 202 and known.get_json() == unknown.get_json()
    assert known.get_json()["message"].startswith("अगर यह पता किसी खाते का है")
    assert wait_until(lambda: smtp.to(user["email"]))
    (mail,) = smtp.to(user["email"])
    assert mail["Subject"] == "अपना Ticket Show पासवर्ड रीसेट करें"
    assert "30 मिनट के भीतर यह लिंक खोलें" in mail.get_body(("plain",)).get_content()


def test_reminder_in_the_users_language(app, api, client, admin):
    """The daily reminder runs on a schedule: the user's chosen locale, else English."""
    from ticketshow.auth.models import User
    from ticketshow.extensions import db
    from ticketshow.notifications.service import reminder_mail

    theatre = api.create_theatre(admin, name="Regal")
    show = api.create_show(admin, name="Pyaasa", ticket_price=100000)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    hindi, plain = api.new_user(), api.new_user()
    client.patch("/api/auth/me/preferences", json={"locale": "hi"}, headers=hindi["headers"])
    item = {
        "show": "Pyaasa",
        "theatre": "Regal",
        "place": "Chennai",
        "starts_at": datetime.fromisoformat(screening["starts_at"]),
        "price": 100000,
    }
    db.session.remove()
    with app.app_context():  # as in the worker: no request
        mail = reminder_mail(db.session.get(User, hindi["id"]), date(2026, 11, 30), [item])
        english = reminder_mail(db.session.get(User, plain["id"]), date(2026, 11, 30), [item])
    assert mail.subject.endswith(", आपका अगला शो इंतज़ार कर रहा है")
    assert "नमस्ते, " in mail.text and "₹1,00,000.00" in mail.text and "30 नवंबर 2026" in mail.text
    assert 'lang="hi"' in mail.html and "शो बुक करें" in mail.html
    assert english.subject.endswith(", your next show is waiting") and "30 November 2026" in english.text


def test_export_notice_in_the_language_the_export_was_asked_in(app, api, admin):
    """The export job keeps its request's locale in its params; the admin has not chosen one."""
    from ticketshow.exports.service import outcome_mail
    from ticketshow.jobs import service as jobs
    from ticketshow.jobs.models import EXPORT

    theatre = api.create_theatre(admin, name="Roxy")
    tamil = jobs.create(EXPORT, 1, {"theatre_id": theatre["id"], "theatre_name": "Roxy", "locale": "ta"})
    older = jobs.create(EXPORT, 1, {"theatre_id": theatre["id"], "theatre_name": "Roxy"})  # before the locale
    failed = outcome_mail(tamil.id, error="disk full")
    assert failed["subject"] == "ஏற்றுமதி தோல்வி: Roxy" and "disk full" in failed["text"]
    assert outcome_mail(older.id, rows=1)["subject"] == "Export ready: Roxy"


def test_job_failed_alert_in_the_admins_language(app, api, admin):
    """The admin's alert for a job that failed for good: worded in the language the job was asked in (its
    params' locale; the admin has chosen none), the error's code worded too; English for a job of the schedule
    (no one asked) and for one from before the locale was kept."""
    from ticketshow.jobs import service as jobs
    from ticketshow.jobs.wording import JobError
    from ticketshow.notifications.alerts import job_failed_mail

    hindi = jobs.create("daily_reminders", 1, {"day": "2026-12-01", "locale": "hi"})
    scheduled = jobs.create("monthly_reports", None, {"month": "2026-11"})
    gave_up = JobError("gave_up", attempts=8, reason={"text": "SMTPRecipientsRefused"})
    mail = job_failed_mail(hindi.id, gave_up)
    assert mail["subject"] == f"जॉब विफल: दैनिक रिमाइंडर (जॉब {hindi.id})", mail["subject"]
    assert "SMTPRecipientsRefused" in mail["text"] and "8" in mail["text"]
    for english in ("Error:", "failed after", "Daily reminders", "gave up", "Status:", "locale"):
        assert english not in mail["text"], (english, mail["text"])
    english = job_failed_mail(scheduled.id, "disk full")
    assert english["subject"] == f"Job failed: Monthly reports (job {scheduled.id})"
    assert "Error: disk full" in english["text"] and "month 2026-11" in english["text"]
