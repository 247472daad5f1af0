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


class FakeTimers:
    """A clock that moves only when told, and the timers RelayWaker asks for, run when the test says."""

    def __init__(self):
        self.now, self.pending = 100.0, []

    def clock(self) -> float:
        return self.now

    def schedule(self, delay: float, function) -> None:
        self.pending.append((self.now + delay, function))

    def run_due(self) -> None:
        due = [function for at, function in self.pending if at <= self.now]
        self.pending = [(at, function) for at, function in self.pending if at > self.now]
        for function in due:
            function()


def test_the_waker_wakes_at_once_then_once_per_spacing_and_never_later_than_it():
    from ticketshow.tickets.notices import RelayWaker

    timers, woken = FakeTimers(), []
    waker = RelayWaker(lambda: woken.append(timers.now) or True, 0.25, clock=timers.clock, schedule=timers.schedule)
    assert waker() is True and woken == [100.0]  # the first commit wakes the relay at once
    timers.now = 100.1
    assert waker() is False and woken == [100.0]  # within the spacing: deferred...
    assert [at for at, _ in timers.pending] == [100.25]  # ...to the end of it, not later
    timers.now = 100.2
    assert waker() is False and len(timers.pending) == 1  # one deferred wake-up serves every commit meanwhile
    timers.now = 100.25
    timers.run_due()
    assert woken == [100.0, 100.25]  # after both commits, within 0.25 s of each
    timers.now = 100.3
    assert waker() is False and [at for at, _ in timers.pending] == [100.5]  # counted from the deferred one
    timers.now = 100.5
    timers.run_due()
    timers.now = 101.0
    assert waker() is True and woken == [100.0, 100.25, 100.5, 101.0] and not timers.pending  # quiet: at once


def test_a_booking_within_the_spacing_is_relayed_by_the_deferred_wake_up(app, api, client, admin):
    from ticketshow.tickets import notices

    app.config["NOTICE_RELAY_SPACING"] = 0.25
    timers = FakeTimers()
    notices.relay_waker(app, clock=timers.clock, schedule=timers.schedule)
    theatre = api.create_theatre(admin, name="Regal")
    show = api.create_show(admin, name="Pyaasa")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))

    def book() -> int:
        user = api.new_user()
        response = client.post(
            "/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=user["headers"]
        )
        assert response.status_code == 201
        return response.get_json()["id"]

    first = book()
    assert relay_key_set(app)  # woken at once
    assert notices.relay() == {"queued": [[first, "confirmed"]]}  # the pass has run: the key is gone
    timers.now += 0.1
    second = book()
    assert not relay_key_set(app) and len(timers.pending) == 1  # no Redis call now: a wake-up is deferred
    assert owed_rows()[(second, "confirmed")] == (False, "en")
    timers.now += 0.15
    timers.run_due()
    assert relay_key_set(app)  # the deferred wake-up, after the booking committed
    assert notices.relay() == {"queued": [[second, "confirmed"]]}
