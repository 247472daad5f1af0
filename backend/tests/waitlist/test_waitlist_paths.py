"""Every way seats come back reaches the waiting list in the same transaction (issue 20, item 2): a capacity or
layout change that gives a screening more seats, unblocked seats, a lapsed hold (the clock moved with
time-machine); and a forced removal of a screening, its show or its theatre closes the list kindly instead.
Each time a third user asking right after finds the house full: the seats went to who waited first.
The same paths under real concurrency, with a control: test_waitlist_paths_race.py."""

from datetime import datetime

import pytest
import time_machine

from tests.api.test_catalog import later
from tests.waitlist.test_waitlist_api import book, entries, join

ROW_OF_FOUR = {
    "categories": [{"code": "std", "name": "Standard", "price_pct": 100}],
    "rows": [{"label": "A", "seats": [{"number": n, "category": "std"} for n in range(1, 5)]}],
}


@pytest.fixture
def pair_hall(api, admin):
    """A two-seat hall (default layout: A1, A2) and a screening two days away."""
    theatre = api.create_theatre(admin, capacity=2)
    show = api.create_show(admin, ticket_price=200)
    return {
        "theatre": theatre,
        "show": show,
        "screening": api.create_screening(admin, show["id"], theatre["id"], later(2)),
    }


def third_user_finds_it_full(api, client, screening_id, quantity=2):
    """Right after the seats came back, someone who never waited tries to book them."""
    third = api.new_user()
    taken = client.post(
        "/api/bookings", json={"screening_id": screening_id, "quantity": quantity}, headers=third["headers"]
    )
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] in ("houseful", "not_enough_seats"), (
        taken.get_json()
    )


def offered_seats(client, user):
    entry = entries(client, user)[0]
    assert entry["state"] == "offered", entry
    return sorted(entry["hold"]["seats"])


def test_a_larger_capacity_offers_the_new_seats_in_the_same_request(api, client, admin, pair_hall):
    sid = pair_hall["screening"]["id"]
    book(client, api.new_user(), sid, 2)
    waiting = api.new_user()
    assert join(client, waiting, sid, 2).status_code == 201
    grown = client.patch(f"/api/theatres/{pair_hall['theatre']['id']}", json={"capacity": 4}, headers=admin)
    assert grown.status_code == 200, grown.get_json()
    third_user_finds_it_full(api, client, sid)
    assert offered_seats(client, waiting) == ["A3", "A4"]


def test_a_new_layout_offers_its_seats_to_a_screening_blocked_full(api, client, admin, pair_hall):
    sid = pair_hall["screening"]["id"]
    blocked = client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": ["A1", "A2"]}, headers=admin)
    assert blocked.status_code == 200 and blocked.get_json()["seats_left"] == 0
    waiting = api.new_user()
    assert join(client, waiting, sid, 2).status_code == 201
    saved = client.put(f"/api/theatres/{pair_hall['theatre']['id']}/layout", json=ROW_OF_FOUR, headers=admin)
    assert saved.status_code == 200 and saved.get_json()["kept_screenings"] == 0, saved.get_json()
    third_user_finds_it_full(api, client, sid)
    assert offered_seats(client, waiting) == ["A3", "A4"]  # A1 and A2 stay blocked


def test_unblocked_seats_go_to_who_waits_before_anyone_else(api, client, admin, pair_hall):
    sid = pair_hall["screening"]["id"]
    client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": ["A1", "A2"]}, headers=admin)
    waiting = api.new_user()
    join(client, waiting, sid, 2)
    assert client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": []}, headers=admin).status_code == 200
    third_user_finds_it_full(api, client, sid)
    assert offered_seats(client, waiting) == ["A1", "A2"]


@pytest.mark.parametrize("third_asks_by", ["booking", "hold", "joining"])
def test_a_lapsed_hold_goes_to_who_waits_before_anyone_else(api, client, pair_hall, third_asks_by):
    sid = pair_hall["screening"]["id"]
    holder, waiting, third = api.new_user(), api.new_user(), api.new_user()
    held = client.post(f"/api/screenings/{sid}/holds", json={"quantity": 2}, headers=holder["headers"]).get_json()
    assert join(client, waiting, sid, 2).status_code == 201
    with time_machine.travel(datetime.fromisoformat(held["expires_at"]), tick=False):  # the hold lapses now
        if third_asks_by == "booking":
            asked = client.post("/api/bookings", json={"screening_id": sid, "quantity": 2}, headers=third["headers"])
            assert asked.status_code == 409 and asked.get_json()["error"]["code"] == "houseful"
        elif third_asks_by == "hold":
            asked = client.post(f"/api/screenings/{sid}/holds", json={"quantity": 1}, headers=third["headers"])
            assert asked.status_code == 409 and asked.get_json()["error"]["code"] == "houseful"
        else:  # the house is full again by the time the third user's join looks: they wait, behind nobody
            asked = join(client, third, sid, 2)
            assert asked.status_code == 201 and asked.get_json()["position"] == 1
        assert offered_seats(client, waiting) == ["A1", "A2"]


@pytest.mark.parametrize("removed", ["screening", "show", "theatre"])
def test_a_forced_removal_closes_the_list_and_releases_the_offers(app, api, client, admin, pair_hall, removed):
    sid = pair_hall["screening"]["id"]
    first_owner = api.new_user()
    first = book(client, first_owner, sid, 1)
    book(client, api.new_user(), sid, 1)
    offered, waiting = api.new_user(), api.new_user()
    join(client, offered, sid, 1)
    join(client, waiting, sid, 1)
    assert client.post(f"/api/bookings/{first['id']}/cancel", headers=first_owner["headers"]).status_code == 200
    offer = entries(client, offered)[0]
    assert offer["state"] == "offered"
    path = {
        "screening": f"/api/screenings/{sid}",
        "show": f"/api/shows/{pair_hall['show']['id']}",
        "theatre": f"/api/theatres/{pair_hall['theatre']['id']}",
    }[removed]
    assert client.delete(f"{path}?force=true", headers=admin).status_code in (200, 204)
    # closed in the removal's own transaction: nobody waits on, the offer's seats are no longer held
    assert [e["state"] for e in entries(client, offered)] == ["closed"]
    assert [e["state"] for e in entries(client, waiting)] == ["closed"]
    assert client.get(f"/api/holds/{offer['hold']['id']}", headers=offered["headers"]).status_code == 404
    with app.app_context():
        from ticketshow.waitlist import service

        # both are told kindly that it did not work out, the one told of the offer too
        for person in (offered, waiting):
            message = service.message_for(entries(client, person)[0]["id"])
            assert message is not None and message["subject"].endswith("this screening has been cancelled")
            assert "has been cancelled" in message["text"] and "Nothing was charged" in message["text"]
        assert service.beat_pass() == {"offered": 0, "closed": 0}  # nothing left for the beat
