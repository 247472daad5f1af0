"""Waiting lists through the API (shared/API.md "Waiting list"): joining, FIFO offers with skip-but-keep-place,
offers made in the transaction that freed the seats, lapsing and declining by moving the clock
(time-machine), the cutoff, bad input. Real SQLite, real Redis."""

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.api.test_catalog import later


@pytest.fixture
def small(api, admin):
    """A four-seat hall (one row, A1-A4) and a screening two days away."""
    theatre = api.create_theatre(admin, capacity=4)
    show = api.create_show(admin, ticket_price=250)
    return api.create_screening(admin, show["id"], theatre["id"], later(2))


def book(client, user, screening_id, quantity):
    response = client.post(
        "/api/bookings", json={"screening_id": screening_id, "quantity": quantity}, headers=user["headers"]
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def join(client, user, screening_id, quantity):
    return client.post(f"/api/screenings/{screening_id}/waitlist", json={"quantity": quantity}, headers=user["headers"])


def entries(client, user):
    response = client.get("/api/waitlist", headers=user["headers"])
    assert response.status_code == 200
    return response.get_json()["items"]


def cancel(client, user, booking_id):
    response = client.post(f"/api/bookings/{booking_id}/cancel", headers=user["headers"])
    assert response.status_code == 200, response.get_json()


def test_join_only_when_houseful_and_once(api, client, small):
    sid = small["id"]
    alice, bob = api.new_user(), api.new_user()
    early = join(client, bob, sid, 2)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "not_houseful"
    assert early.get_json()["error"]["details"]["seats_left"] == 4
    book(client, alice, sid, 3)
    assert join(client, bob, sid, 1).get_json()["error"]["code"] == "not_houseful"  # one seat is left
    first = join(client, bob, sid, 2)  # fewer seats than wanted: may wait
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert {k: body[k] for k in ("screening_id", "quantity", "state", "position")} == {
        "screening_id": sid,
        "quantity": 2,
        "state": "waiting",
        "position": 1,
    }
    again = join(client, bob, sid, 1)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_waiting"
    carol = api.new_user()
    assert join(client, carol, sid, 3).get_json()["position"] == 2
    listed = entries(client, bob)
    assert [(e["id"], e["state"], e["position"], e["hold"]) for e in listed] == [(body["id"], "waiting", 1, None)]
    assert listed[0]["screening"]["id"] == sid


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": 11}, "quantity"),
        ({"quantity": "2"}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
    ],
)
def test_bad_input_is_422_naming_the_field(api, client, small, body, field):
    user = api.new_user()
    response = client.post(f"/api/screenings/{small['id']}/waitlist", json=body, headers=user["headers"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]


def test_errors_for_unknown_things_and_strangers(api, client, small):
    user = api.new_user()
    assert (
        client.post("/api/screenings/99999/waitlist", json={"quantity": 1}, headers=user["headers"]).status_code == 404
    )
    assert client.post(f"/api/screenings/{small['id']}/waitlist", json={"quantity": 1}).status_code == 401
    assert client.get("/api/waitlist").status_code == 401
    assert (
        client.post(
            f"/api/screenings/{small['id']}/waitlist",
            data="nope",
            headers={**user["headers"], "Content-Type": "application/json"},
        ).status_code
        == 400
    )
    book(client, api.new_user(), small["id"], 4)
    entry = join(client, user, small["id"], 1).get_json()
    stranger = api.new_user()
    # Nobody else sees the entry: not in their list, not as their entry on the screening's waiting list.
    assert entries(client, stranger) == [] and [e["id"] for e in entries(client, user)] == [entry["id"]]
    status = client.get(f"/api/screenings/{small['id']}/waitlist", headers=stranger["headers"]).get_json()
    assert status["my_entry"] is None and status["length"] == 1
    assert client.delete(f"/api/waitlist/{entry['id']}", headers=stranger["headers"]).status_code == 404
    assert client.delete("/api/waitlist/424242", headers=user["headers"]).status_code == 404
    assert client.delete(f"/api/waitlist/{entry['id']}", headers=user["headers"]).status_code == 204
    assert entries(client, user) == []
    assert client.delete(f"/api/waitlist/{entry['id']}", headers=user["headers"]).status_code == 204  # no change


def test_cancellation_offers_in_the_same_transaction_fifo_skipping_what_does_not_fit(api, client, small):
    sid = small["id"]
    owner, big, small_one, third = api.new_user(), api.new_user(), api.new_user(), api.new_user()
    pair = book(client, owner, sid, 2)
    book(client, api.new_user(), sid, 2)
    big_entry = join(client, big, sid, 3).get_json()  # first in line, but three seats will not come back
    small_entry = join(client, small_one, sid, 2).get_json()
    cancel(client, owner, pair["id"])
    # the seats went to the waiting list inside the cancellation: a third user finds none, right after
    taken = client.post("/api/bookings", json={"screening_id": sid, "quantity": 1}, headers=third["headers"])
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "houseful"
    offer = entries(client, small_one)[0]
    assert offer["id"] == small_entry["id"] and offer["state"] == "offered"
    assert sorted(offer["hold"]["seats"]) == sorted(pair["seats"])  # together, in one row
    assert offer["hold"]["total_price"] == 500.0
    # the larger entry was skipped but keeps its place: still first in line
    assert [(e["state"], e["position"]) for e in entries(client, big)] == [("waiting", 1)]
    assert entries(client, big)[0]["id"] == big_entry["id"]
    seat_map = client.get(f"/api/screenings/{sid}/seats", headers=small_one["headers"]).get_json()
    assert seat_map["my_hold"]["id"] == offer["hold"]["id"] and seat_map["seats_left"] == 0
    # booking with the offer's hold makes the entry booked
    booked = client.post("/api/bookings", json={"hold_id": offer["hold"]["id"]}, headers=small_one["headers"])
    assert booked.status_code == 201, booked.get_json()
    assert sorted(booked.get_json()["seats"]) == sorted(pair["seats"])
    after = entries(client, small_one)[0]
    assert after["state"] == "booked" and after["booking_id"] == booked.get_json()["id"] and after["hold"] is None


def test_the_earliest_entry_that_fits_comes_first(api, client, small):
    sid = small["id"]
    owner = api.new_user()
    single = book(client, owner, sid, 1)
    book(client, api.new_user(), sid, 3)
    first, second = api.new_user(), api.new_user()
    join(client, first, sid, 1)
    join(client, second, sid, 1)
    cancel(client, owner, single["id"])
    assert entries(client, first)[0]["state"] == "offered"
    assert [(e["state"], e["position"]) for e in entries(client, second)] == [("waiting", 1)]


def test_declining_and_lapsing_pass_the_seats_on(api, client, small):
    sid = small["id"]
    owner = api.new_user()
    pair = book(client, owner, sid, 2)
    book(client, api.new_user(), sid, 2)
    a, b, c = api.new_user(), api.new_user(), api.new_user()
    entry_a = join(client, a, sid, 2).get_json()
    join(client, b, sid, 2)
    join(client, c, sid, 2)
    start = datetime.now(timezone.utc).replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        cancel(client, owner, pair["id"])
        offer_a = entries(client, a)[0]
    assert offer_a["state"] == "offered"
    expires = datetime.fromisoformat(offer_a["hold"]["expires_at"])
    assert expires == start + timedelta(minutes=30)  # OFFER_MINUTES
    # declining releases the hold and offers the seats to the next entry in the same request
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert client.delete(f"/api/waitlist/{entry_a['id']}", headers=a["headers"]).status_code == 204
        offer_b = entries(client, b)[0]
        assert offer_b["state"] == "offered"
        assert entries(client, a) == []  # declined entries are not listed
    # b lets the offer lapse: from its expires_at it reads expired, and the next write passes it on
    lapse = datetime.fromisoformat(offer_b["hold"]["expires_at"])
    with time_machine.travel(lapse, tick=False):
        assert entries(client, b)[0]["state"] == "expired"
        stranger = api.new_user()
        grab = client.post(f"/api/screenings/{sid}/holds", json={"quantity": 2}, headers=stranger["headers"])
        assert grab.status_code == 409  # the check at the start of the hold offered them to c first
        offer_c = entries(client, c)[0]
        assert offer_c["state"] == "offered" and sorted(offer_c["hold"]["seats"]) == sorted(offer_b["hold"]["seats"])
        booked_late = client.post("/api/bookings", json={"hold_id": offer_b["hold"]["id"]}, headers=b["headers"])
        assert booked_late.status_code in (404, 409)


def test_the_beat_passes_a_lapsed_offer_on_and_closes_the_list_kindly(app, api, client, small):
    from ticketshow.waitlist import service

    sid = small["id"]
    owner = api.new_user()
    single = book(client, owner, sid, 1)
    book(client, api.new_user(), sid, 3)
    a, b, c = api.new_user(), api.new_user(), api.new_user()
    join(client, a, sid, 1)
    join(client, b, sid, 1)
    join(client, c, sid, 2)
    cancel(client, owner, single["id"])
    lapse = datetime.fromisoformat(entries(client, a)[0]["hold"]["expires_at"])
    with time_machine.travel(lapse + timedelta(seconds=30), tick=False), app.app_context():
        assert service.beat_pass() == {"offered": 1, "closed": 0}
    assert entries(client, a)[0]["state"] == "expired"
    assert entries(client, b)[0]["state"] == "offered"
    starts_at = datetime.fromisoformat(small["starts_at"])
    with time_machine.travel(starts_at - timedelta(minutes=59), tick=False), app.app_context():
        assert service.beat_pass()["closed"] == 1
    assert entries(client, c)[0]["state"] == "closed"
    assert entries(client, b)[0]["state"] == "expired"


def test_an_offer_never_outlives_the_cancellation_cutoff(api, client, admin):
    theatre = api.create_theatre(admin, capacity=2)
    show = api.create_show(admin)
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=75)
    screening = api.create_screening(admin, show["id"], theatre["id"], starts.isoformat())
    owner, waiting = api.new_user(), api.new_user()
    booking = book(client, owner, screening["id"], 2)
    join(client, waiting, screening["id"], 2)
    cancel(client, owner, booking["id"])
    offer = entries(client, waiting)[0]
    expires = datetime.fromisoformat(offer["hold"]["expires_at"])
    assert expires <= starts - timedelta(minutes=60)  # 15 minutes, not OFFER_MINUTES' 30
    assert expires > datetime.now(timezone.utc) + timedelta(minutes=14)
    renew = client.post(f"/api/holds/{offer['hold']['id']}/renew", headers=waiting["headers"])
    assert renew.status_code == 409 and renew.get_json()["error"]["code"] == "renewal_limit"
    with time_machine.travel(starts - timedelta(minutes=59), tick=False):
        late = join(client, api.new_user(), screening["id"], 1)
        assert late.status_code == 409 and late.get_json()["error"]["code"] == "waitlist_closed"


def test_unblocked_and_released_seats_go_to_the_waiting_list(api, client, admin, small):
    sid = small["id"]
    blocked = client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": ["A1", "A2"]}, headers=admin)
    assert blocked.status_code == 200
    holder = api.new_user()
    held = client.post(f"/api/screenings/{sid}/holds", json={"quantity": 2}, headers=holder["headers"]).get_json()
    a, b = api.new_user(), api.new_user()
    join(client, a, sid, 2)
    join(client, b, sid, 2)
    assert client.delete(f"/api/holds/{held['id']}", headers=holder["headers"]).status_code == 204
    assert sorted(entries(client, a)[0]["hold"]["seats"]) == ["A3", "A4"]
    assert client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": []}, headers=admin).status_code == 200
    assert sorted(entries(client, b)[0]["hold"]["seats"]) == ["A1", "A2"]


def test_the_database_refuses_two_active_entries_for_one_user(app, api, client, small):
    import sqlite3

    book(client, api.new_user(), small["id"], 4)
    user = api.new_user()
    join(client, user, small["id"], 1)
    with app.app_context():
        from ticketshow.database import pooled_sqlite
        from ticketshow.extensions import db

        with pooled_sqlite(db.engine) as sqlite, pytest.raises(sqlite3.IntegrityError):
            sqlite.execute(
                "INSERT INTO waitlist_entries (screening_id, user_id, quantity, state, created_at) "
                "VALUES (?, ?, 1, 'waiting', '2026-01-01 00:00:00')",
                (small["id"], user["id"]),
            )
