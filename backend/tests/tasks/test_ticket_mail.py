"""Booking mail through a real Celery worker and the real SMTP catcher: the confirmation carries the tickets
(a PDF with every seat) and a text/calendar part; a cancellation sends a short notice; a forced removal of
a screening tells every booker it cancels."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone

import time_machine
from icalendar import Calendar
from sqlalchemy import select

from tests.api.test_catalog import later

from .conftest import fresh_reads
from .test_waitlist_mail import wait_until


def attachments(message) -> dict:
    return {part.get_content_type(): part for part in message.iter_attachments()}


def test_confirmation_has_the_tickets_pdf_and_a_calendar_part(api, client, admin, smtp, worker, tmp_path):
    theatre = api.create_theatre(admin, name="Regal")
    show = api.create_show(admin, name="Pyaasa", duration_minutes=140)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    booking = client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": 2}, headers=user["headers"]
    ).get_json()
    assert wait_until(lambda: smtp.to(user["email"])), [m["Subject"] for m in smtp.messages]
    (message,) = smtp.to(user["email"])
    assert message["Subject"].startswith("Your tickets: Pyaasa")
    text = message.get_body(("plain",)).get_content()
    for seat in booking["seats"]:
        assert seat in text
    parts = attachments(message)
    assert set(parts) == {"application/pdf", "text/calendar"}
    (tmp_path / "t.pdf").write_bytes(parts["application/pdf"].get_content())
    pdf_text = subprocess.run(
        ["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for seat in booking["seats"]:
        assert f"Seat {seat}" in pdf_text and "Pyaasa" in pdf_text
    event = Calendar.from_ical(parts["text/calendar"].get_content()).walk("VEVENT")[0]
    assert str(event["summary"]) == "Pyaasa" and str(event["uid"]).startswith(f"booking-{booking['id']}@")

    # Cancelled by its owner: a short notice, with the calendar file that drops the event.
    fresh_reads()
    assert client.post(f"/api/bookings/{booking['id']}/cancel", headers=user["headers"]).status_code == 200
    assert wait_until(lambda: len(smtp.to(user["email"])) == 2)
    notice = smtp.to(user["email"])[1]
    assert notice["Subject"].startswith("Booking cancelled: Pyaasa")
    assert "You cancelled it." in notice.get_body(("plain",)).get_content()
    cancelled = Calendar.from_ical(attachments(notice)["text/calendar"].get_content()).walk("VEVENT")[0]
    assert str(cancelled["status"]) == "CANCELLED"


def test_a_forced_removal_tells_every_booker(api, client, admin, smtp, worker):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin, name="Mughal-e-Azam")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(3))
    people = [api.new_user() for _ in range(2)]
    for person in people:
        assert (
            client.post(
                "/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=person["headers"]
            ).status_code
            == 201
        )
    for person in people:
        assert wait_until(lambda person=person: smtp.to(person["email"]))
    fresh_reads()
    assert client.delete(f"/api/screenings/{screening['id']}?force=true", headers=admin).status_code in (200, 204)
    for person in people:
        assert wait_until(lambda person=person: len(smtp.to(person["email"])) == 2), [
            m["Subject"] for m in smtp.messages
        ]
        notice = smtp.to(person["email"])[1]
        assert notice["Subject"].startswith("Booking cancelled: Mughal-e-Azam")
        assert "cancelled by the theatre" in notice.get_body(("plain",)).get_content()


def notice_rows(booking_id: int) -> dict:
    from ticketshow.extensions import db
    from ticketshow.tickets.models import BookingNotice

    fresh_reads()
    rows = db.session.scalars(select(BookingNotice).where(BookingNotice.booking_id == booking_id)).all()
    return {row.kind: (row.state, row.attempts) for row in rows}


def test_each_notice_is_owed_in_the_booking_and_sent_once(api, client, admin, smtp, worker):
    from ticketshow.tickets.notices import requeue_owed
    from ticketshow.tickets.tasks import booking_notice

    theatre = api.create_theatre(admin)
    show = api.create_show(admin, name="Kaagaz")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    booking = client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=user["headers"]
    ).get_json()
    assert wait_until(lambda: notice_rows(booking["id"]) == {"confirmed": ("sent", 1)}), notice_rows(booking["id"])
    assert len(smtp.to(user["email"])) == 1
    # The same message again (the beat's, or Redis redelivering it): nothing is sent twice.
    assert booking_notice.run(booking["id"], "confirmed") is False
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=5), tick=False):
        assert requeue_owed() == {"requeued": []}
    assert client.post(f"/api/bookings/{booking['id']}/cancel", headers=user["headers"]).status_code == 200
    assert wait_until(lambda: notice_rows(booking["id"]).get("cancelled") == ("sent", 1))
    assert [m["Subject"].split(":")[0] for m in smtp.to(user["email"])] == ["Your tickets", "Booking cancelled"]


def test_a_notice_the_smtp_server_missed_is_owed_until_it_is_sent(api, client, admin, smtp, worker):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin, name="Anand")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    smtp.stop()
    booking = client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=user["headers"]
    ).get_json()
    # The first attempt fails: the notice is owed again, with what went wrong, and Celery retries it.
    assert wait_until(lambda: notice_rows(booking["id"]).get("confirmed", ("", 0))[1] >= 1)
    from ticketshow.extensions import db
    from ticketshow.tickets.models import BookingNotice

    fresh_reads()
    row = db.session.scalar(select(BookingNotice).where(BookingNotice.booking_id == booking["id"]))
    assert row.state in {"pending", "sending"} and row.sent_at is None
    assert wait_until(lambda: (fresh_reads(), db.session.get(BookingNotice, row.id).error)[1]), "no error kept"
    smtp.start()
    assert wait_until(lambda: notice_rows(booking["id"])["confirmed"][0] == "sent", timeout=30)
    assert notice_rows(booking["id"])["confirmed"][1] >= 2
    assert len(smtp.to(user["email"])) == 1
