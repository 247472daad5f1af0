"""The notice relay (tickets/notices.py): a commit that owes mail wakes one relay pass with a Redis SET NX
instead of putting a message per booking on the queue; the pass queues every owed notice once, keeps the
language of the owner's request, and a commit made while a pass is on its way is still relayed."""

from __future__ import annotations

from sqlalchemy import select

from tests.api.test_catalog import later

from .conftest import fresh_reads

HINDI = {"Accept-Language": "hi-IN,hi;q=0.9"}


def relay_key_set(app) -> bool:
    from ticketshow.extensions import redis_store
    from ticketshow.tickets import notices

    with app.test_request_context():
        return redis_store.get(notices._relay_key()) is not None


def owed_rows() -> dict:
    from ticketshow.extensions import db
    from ticketshow.tickets.models import BookingNotice

    fresh_reads()
    rows = db.session.execute(
        select(BookingNotice.booking_id, BookingNotice.kind, BookingNotice.queued_at, BookingNotice.locale)
    )
    return {(booking_id, kind): (queued_at is not None, locale) for booking_id, kind, queued_at, locale in rows}


def test_a_burst_wakes_one_pass_which_queues_every_notice_once(app, api, client, admin):
    from ticketshow.tickets import notices

    theatre = api.create_theatre(admin, name="Regal")
    show = api.create_show(admin, name="Pyaasa")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    assert not relay_key_set(app)
    booked, users = [], []
    for index in range(4):
        user = api.new_user()
        users.append(user)
        headers = {**user["headers"], **(HINDI if index == 0 else {})}
        response = client.post("/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=headers)
        assert response.status_code == 201
        booked.append(response.get_json()["id"])
        assert relay_key_set(app)  # the first booking asked for a pass; the others found it on its way
    rows = owed_rows()
    assert rows[(booked[0], "confirmed")] == (False, "hi")  # the owner's Hindi request, kept for their mail
    assert all(rows[(booking_id, "confirmed")] == (False, "en") for booking_id in booked[1:])

    # the pass (what the worker runs): every owed notice, oldest first; the wake-up key is cleared first
    assert notices.relay() == {"queued": [[booking_id, "confirmed"] for booking_id in booked]}
    assert not relay_key_set(app)
    assert all(queued for queued, _ in owed_rows().values())
    assert notices.relay() == {"queued": []}  # queued once, not again by the next pass

    # a commit while a pass is on its way (the key still set) sends no message of its own, and that pass,
    # which has not read the rows yet, relays it
    user = api.new_user()
    assert notices.wake_relay() is True and relay_key_set(app)
    late = client.post("/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=user["headers"])
    tamil = {**users[1]["headers"], "Accept-Language": "ta"}
    assert client.post(f"/api/bookings/{booked[1]}/cancel", headers=tamil).status_code == 200
    assert owed_rows()[(booked[1], "cancelled")] == (False, "ta")  # the owner cancelled it, in Tamil
    assert notices.relay() == {"queued": [[late.get_json()["id"], "confirmed"], [booked[1], "cancelled"]]}
