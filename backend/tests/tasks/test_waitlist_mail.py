"""The waiting list's messages through a real Celery worker, the real SMTP catcher and the chat webhook:
an offer mail with the seats, the price and one button to the booking page with the hold; the kind note
when the list closes; nobody told twice."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import time_machine

from tests.api.test_catalog import later

from .conftest import fresh_reads


def wait_until(predicate, timeout=20):
    deadline = time.time() + timeout
    while not predicate() and time.time() < deadline:
        time.sleep(0.05)
    return predicate()


def houseful_with_waiting(api, client, admin, capacity=2, wants=(2,)):
    theatre = api.create_theatre(admin, capacity=capacity)
    show = api.create_show(admin, name="Kaagaz Ke Phool", ticket_price=300)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    owner = api.new_user()
    booking = client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": capacity}, headers=owner["headers"]
    ).get_json()
    waiting = []
    for quantity in wants:
        user = api.new_user()
        joined = client.post(
            f"/api/screenings/{screening['id']}/waitlist", json={"quantity": quantity}, headers=user["headers"]
        )
        assert joined.status_code == 201, joined.get_json()
        waiting.append(user)
    return screening, owner, booking, waiting


def test_an_offer_is_mailed_with_seats_price_and_one_button(api, client, admin, smtp, webhook, worker):
    screening, owner, booking, (waiting,) = houseful_with_waiting(api, client, admin)
    assert client.post(f"/api/bookings/{booking['id']}/cancel", headers=owner["headers"]).status_code == 200
    assert wait_until(lambda: smtp.to(waiting["email"])), [m["Subject"] for m in smtp.messages]
    fresh_reads()
    entry = client.get("/api/waitlist", headers=waiting["headers"]).get_json()["items"][0]
    hold = entry["hold"]
    (message,) = smtp.to(waiting["email"])
    assert message["Subject"].startswith("Seats for you: Kaagaz Ke Phool")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"http://ticketshow.test/book/{screening['id']}?hold={hold['id']}"
    for seat in hold["seats"]:
        assert seat in text and seat in html
    assert "₹600.00" in text and "₹600.00" in html
    assert link in text and html.count(f'href="{link}"') == 1  # one button
    assert wait_until(lambda: any(link in post["text"] for post in webhook.posts))
    # told once: the beat finds nobody left to tell
    from ticketshow.extensions import db
    from ticketshow.waitlist import service
    from ticketshow.waitlist.models import WaitlistEntry

    assert wait_until(lambda: (fresh_reads(), db.session.get(WaitlistEntry, entry["id"]).notified_at)[1] is not None)
    with time_machine.travel(datetime.now().astimezone() + timedelta(minutes=2), tick=True):
        service.beat_pass()
    time.sleep(0.5)
    assert len(smtp.to(waiting["email"])) == 1


def test_those_still_waiting_when_the_list_closes_are_told_kindly(api, client, admin, smtp, worker):
    from ticketshow.waitlist import service

    screening, _, _, (first, second) = houseful_with_waiting(api, client, admin, wants=(1, 2))
    starts_at = datetime.fromisoformat(screening["starts_at"])
    with time_machine.travel(starts_at - timedelta(minutes=59), tick=True):
        assert service.beat_pass()["closed"] == 2
        assert wait_until(lambda: smtp.to(first["email"]) and smtp.to(second["email"]))
    with time_machine.travel(starts_at - timedelta(minutes=57), tick=True):
        service.beat_pass()  # told once
    time.sleep(0.5)
    assert len(smtp.to(first["email"])) == len(smtp.to(second["email"])) == 1
    message = smtp.to(second["email"])[0]
    assert message["Subject"] == "Kaagaz Ke Phool: no seats came back this time"
    body = message.get_body(("plain",)).get_content()
    assert "we are sorry" in body and "2 seats" in body and "Nothing was charged" in body
