"""Seat maps, layouts, blocked seats and holds through the API, errors as shared/API.md gives them.
Expiry is tested by moving the clock (time-machine), never by sleeping."""

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.api.test_catalog import later
from tests.factories import book_seats

MULTIPLEX = {
    "stage": "screen",
    "categories": [
        {"code": "classic", "name": "Classic", "price_pct": 100},
        {"code": "prime", "name": "Prime", "price_pct": 120},
        {"code": "recliner", "name": "Recliner", "price_pct": 180},
    ],
    "rows": [
        {
            "label": "A",
            "seats": [{"number": n, "category": "classic"} for n in range(1, 5)]
            + [None]
            + [{"number": n, "category": "classic", "accessible": n == 5} for n in range(5, 9)],
        },
        {
            "label": "B",
            "seats": [{"number": n, "category": "prime"} for n in range(1, 5)]
            + [None]
            + [{"number": n, "category": "prime"} for n in range(5, 9)],
        },
        {"label": "C", "seats": [{"number": n, "category": "recliner"} for n in range(1, 5)]},
    ],
}


@pytest.fixture
def hall(api, admin, client):
    theatre = api.create_theatre(admin, capacity=30)
    saved = client.put(f"/api/theatres/{theatre['id']}/layout", json=MULTIPLEX, headers=admin)
    assert saved.status_code == 200, saved.get_json()
    show = api.create_show(admin, ticket_price=199)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    return {"theatre": theatre, "show": show, "screening": screening}


def seat_states(seat_map):
    return {seat["label"]: seat["state"] for row in seat_map["rows"] for seat in row["seats"] if seat}


def hold(client, headers, screening_id, **body):
    return client.post(f"/api/screenings/{screening_id}/holds", json=body, headers=headers)


def test_a_new_theatre_has_a_default_layout_of_its_capacity(api, admin, client):
    theatre = api.create_theatre(admin, capacity=45)
    layout = client.get(f"/api/theatres/{theatre['id']}/layout").get_json()
    assert layout["is_default"] is True and layout["seat_count"] == 45
    assert [len(r["seats"]) for r in layout["rows"]] == [20, 20, 5]
    assert layout["categories"] == [{"code": "standard", "name": "Standard", "price_pct": 100}]
    grown = client.patch(f"/api/theatres/{theatre['id']}", json={"capacity": 50}, headers=admin)
    assert grown.status_code == 200 and grown.get_json()["capacity"] == 50
    assert client.get(f"/api/theatres/{theatre['id']}/layout").get_json()["seat_count"] == 50


def test_put_layout_sets_capacity_and_reaches_only_screenings_without_sold_or_held_seats(api, admin, client):
    theatre = api.create_theatre(admin, capacity=10)
    show = api.create_show(admin)
    sold = api.create_screening(admin, show["id"], theatre["id"], later(2))
    held = api.create_screening(admin, show["id"], theatre["id"], later(3))
    free = api.create_screening(admin, show["id"], theatre["id"], later(4))
    user = api.new_user()
    book_seats(user["id"], sold["id"], 2)
    assert hold(client, user["headers"], held["id"], seats=["A1"]).status_code == 201
    saved = client.put(f"/api/theatres/{theatre['id']}/layout", json=MULTIPLEX, headers=admin)
    assert saved.status_code == 200
    body = saved.get_json()
    assert body["kept_screenings"] == 2 and body["seat_count"] == 20 and body["is_default"] is False
    assert client.get(f"/api/theatres/{theatre['id']}").get_json()["capacity"] == 20
    assert client.get(f"/api/screenings/{free['id']}").get_json()["seats_total"] == 20
    assert client.get(f"/api/screenings/{sold['id']}").get_json()["seats_total"] == 10
    assert "C1" in seat_states(client.get(f"/api/screenings/{free['id']}/seats").get_json())
    assert set(seat_states(client.get(f"/api/screenings/{sold['id']}/seats").get_json())) == {
        f"A{n}" for n in range(1, 11)
    }
    # A theatre with its own layout takes capacity from it, not from PATCH.
    refused = client.patch(f"/api/theatres/{theatre['id']}", json={"capacity": 12}, headers=admin)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "capacity_from_layout"


@pytest.mark.parametrize(
    "layout, field",
    [
        ({**MULTIPLEX, "rows": MULTIPLEX["rows"] + [MULTIPLEX["rows"][0]]}, "layout.rows.3.label"),
        (
            {**MULTIPLEX, "rows": [{"label": "Z", "seats": [{"number": 1, "category": "gold"}]}]},
            "layout.rows.0.seats.0.category",
        ),
        (
            {**MULTIPLEX, "rows": [{"label": "Z", "seats": [{"number": 1, "category": "prime"}] * 2}]},
            "layout.rows.0.seats.1.number",
        ),
    ],
)
def test_bad_layouts_are_422_naming_the_field(api, admin, client, layout, field):
    theatre = api.create_theatre(admin, capacity=10)
    response = client.put(f"/api/theatres/{theatre['id']}/layout", json=layout, headers=admin)
    assert response.status_code == 422 and field in response.get_json()["error"]["details"]
    assert client.get(f"/api/theatres/{theatre['id']}/layout").get_json()["is_default"] is True


def test_seat_map_prices_states_and_seats_left(api, admin, client, hall):
    sid = hall["screening"]["id"]
    seat_map = client.get(f"/api/screenings/{sid}/seats").get_json()
    assert seat_map["seats_total"] == 20 and seat_map["seats_left"] == 20 and seat_map["my_hold"] is None
    assert {c["code"]: c["price"] for c in seat_map["categories"]} == {"classic": 199, "prime": 239, "recliner": 358}
    assert seat_map["rows"][0]["seats"][4] is None  # the aisle
    first = seat_map["rows"][0]["seats"][0]
    assert first == {"label": "A1", "category": "classic", "price": 199, "state": "available", "accessible": False}
    assert seat_map["rows"][0]["seats"][5]["accessible"] is True
    alice, bob = api.new_user(), api.new_user()
    assert hold(client, alice["headers"], sid, seats=["C1", "C2"]).status_code == 201
    assert client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": ["A2"]}, headers=admin).status_code == 200
    book_seats(bob["id"], sid, 1)  # seat_no 1: A1
    mine = client.get(f"/api/screenings/{sid}/seats", headers=alice["headers"]).get_json()
    theirs = client.get(f"/api/screenings/{sid}/seats", headers=bob["headers"]).get_json()
    assert seat_states(mine)["C1"] == "mine" and seat_states(theirs)["C1"] == "held"
    assert seat_states(theirs)["A1"] == "sold" and seat_states(theirs)["A2"] == "blocked"
    assert mine["my_hold"]["seats"] == ["C1", "C2"] and theirs["my_hold"] is None
    assert mine["seats_left"] == theirs["seats_left"] == 20 - 2 - 1 - 1
    listed = client.get(f"/api/screenings?show_id={hall['show']['id']}").get_json()["items"][0]
    assert listed["seats_left"] == theirs["seats_left"] and listed["houseful"] is False


def test_hold_by_labels_all_or_nothing_and_one_per_user(api, client, hall):
    sid = hall["screening"]["id"]
    alice, bob = api.new_user(), api.new_user()
    first = hold(client, alice["headers"], sid, seats=["B5", "B4"])
    assert first.status_code == 201
    body = first.get_json()
    assert body["seats"] == ["B4", "B5"] and body["unit_prices"] == {"B4": 239, "B5": 239}
    assert body["total_price"] == 478 and body["renewals_left"] == 1 and body["state"] == "live"
    clash = hold(client, bob["headers"], sid, seats=["B3", "B4"])
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "seats_unavailable"
    assert clash.get_json()["error"]["details"]["seats"] == ["B4"]
    assert seat_states(client.get(f"/api/screenings/{sid}/seats").get_json())["B3"] == "available"  # nothing held
    second = hold(client, alice["headers"], sid, seats=["C2"])  # replaces alice's first hold
    assert second.status_code == 201
    states = seat_states(client.get(f"/api/screenings/{sid}/seats").get_json())
    assert states["B4"] == states["B5"] == "available" and states["C2"] == "held"
    assert client.get(f"/api/holds/{body['id']}", headers=alice["headers"]).status_code == 404
    # a failed new hold leaves the old one in place
    assert hold(client, bob["headers"], sid, seats=["A1"]).status_code == 201
    failed = hold(client, alice["headers"], sid, seats=["A1", "A2"])
    assert failed.status_code == 409
    assert client.get(f"/api/holds/{second.get_json()['id']}", headers=alice["headers"]).status_code == 200


def test_hold_errors(api, admin, client, hall):
    sid = hall["screening"]["id"]
    user = api.new_user()
    for body, field in (
        ({"seats": ["Z9"]}, "seats"),
        ({"seats": ["A1", "A1"]}, "seats"),
        ({"seats": [f"A{n}" for n in range(1, 9)] + ["B1", "B2", "B3"]}, "seats"),
        ({"quantity": 11}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({}, "seats"),
        ({"seats": ["A1"], "quantity": 1}, "seats"),
        ({"quantity": 2, "category": "gold"}, "category"),
    ):
        response = hold(client, user["headers"], sid, **body)
        assert response.status_code == 422 and field in response.get_json()["error"]["details"], body
    assert hold(client, {}, sid, quantity=1).status_code == 401
    assert hold(client, user["headers"], 999999, quantity=1).status_code == 404
    past = api.create_screening(admin, hall["show"]["id"], hall["theatre"]["id"], later(-1))
    started = hold(client, user["headers"], past["id"], quantity=1)
    assert started.status_code == 409 and started.get_json()["error"]["code"] == "screening_started"


def test_best_available_hold_and_houseful(api, admin, client, hall):
    sid = hall["screening"]["id"]
    users = [api.new_user() for _ in range(3)]
    best = hold(client, users[0]["headers"], sid, quantity=2).get_json()
    assert best["seats"] == ["C2", "C3"] and best["total_price"] == 716  # the recliners' middle
    classic = hold(client, users[1]["headers"], sid, quantity=3, category="classic").get_json()
    assert len(classic["seats"]) == 3 and all(label.startswith("A") for label in classic["seats"])
    assert "A5" not in classic["seats"]  # the wheelchair space is kept while others fit
    too_many = hold(client, users[2]["headers"], sid, quantity=10)
    assert too_many.status_code == 201  # 15 seats are left: 10 of them, as few pieces as possible
    rest = hold(client, api.new_user()["headers"], sid, quantity=6)
    assert rest.status_code == 409 and rest.get_json()["error"]["code"] == "not_enough_seats"
    assert rest.get_json()["error"]["details"]["seats_left"] == 5
    assert hold(client, api.new_user()["headers"], sid, quantity=5).status_code == 201
    full = hold(client, api.new_user()["headers"], sid, quantity=1)
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "houseful"
    assert client.get(f"/api/screenings/{sid}").get_json()["houseful"] is True


def test_renew_release_and_other_users(api, client, hall, app):
    sid = hall["screening"]["id"]
    alice, bob = api.new_user(), api.new_user()
    held = hold(client, alice["headers"], sid, seats=["A2"]).get_json()
    for method, path in (
        ("GET", f"/api/holds/{held['id']}"),
        ("POST", f"/api/holds/{held['id']}/renew"),
        ("DELETE", f"/api/holds/{held['id']}"),
    ):
        assert client.open(path, method=method, headers=bob["headers"]).status_code == 404
        assert client.open(path, method=method).status_code == 401
    assert client.post("/api/bookings", json={"hold_id": held["id"]}, headers=bob["headers"]).status_code == 404
    start = datetime.now(timezone.utc)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        renewed = client.post(f"/api/holds/{held['id']}/renew", headers=alice["headers"])
        assert renewed.status_code == 200 and renewed.get_json()["renewals_left"] == 0
        new_expiry = datetime.fromisoformat(renewed.get_json()["expires_at"])
        assert abs((new_expiry - (start + timedelta(minutes=13))).total_seconds()) < 2
        limit = client.post(f"/api/holds/{held['id']}/renew", headers=alice["headers"])
        assert limit.status_code == 409 and limit.get_json()["error"]["code"] == "renewal_limit"
    with time_machine.travel(start + timedelta(minutes=12), tick=False):  # alive thanks to the renewal
        assert seat_states(client.get(f"/api/screenings/{sid}/seats").get_json())["A2"] == "held"
        assert client.delete(f"/api/holds/{held['id']}", headers=alice["headers"]).status_code == 204
        assert seat_states(client.get(f"/api/screenings/{sid}/seats").get_json())["A2"] == "available"
        assert client.get(f"/api/holds/{held['id']}", headers=alice["headers"]).status_code == 404


def test_an_expired_hold_frees_its_seats_by_itself(api, client, hall):
    sid = hall["screening"]["id"]
    alice, bob = api.new_user(), api.new_user()
    held = hold(client, alice["headers"], sid, seats=["B1", "B2"]).get_json()
    expires_at = datetime.fromisoformat(held["expires_at"])
    with time_machine.travel(expires_at - timedelta(seconds=1), tick=False):
        assert hold(client, bob["headers"], sid, seats=["B2"]).status_code == 409
        assert client.get(f"/api/screenings/{sid}").get_json()["seats_left"] == 18
    with time_machine.travel(expires_at, tick=False):  # from expires_at on, nobody sees them held
        assert client.get(f"/api/holds/{held['id']}", headers=alice["headers"]).get_json()["state"] == "expired"
        assert client.get(f"/api/screenings/{sid}").get_json()["seats_left"] == 20
        assert seat_states(client.get(f"/api/screenings/{sid}/seats").get_json())["B2"] == "available"
        late = client.post("/api/bookings", json={"hold_id": held["id"]}, headers=alice["headers"])
        assert late.status_code == 409 and late.get_json()["error"]["code"] == "hold_expired"
        renew = client.post(f"/api/holds/{held['id']}/renew", headers=alice["headers"])
        assert renew.status_code == 409 and renew.get_json()["error"]["code"] == "hold_expired"
        taken = hold(client, bob["headers"], sid, seats=["B2"])
        assert taken.status_code == 201
        bought = client.post("/api/bookings", json={"hold_id": taken.get_json()["id"]}, headers=bob["headers"])
        assert bought.status_code == 201 and bought.get_json()["seats"] == ["B2"]
    assert client.get("/api/bookings", headers=alice["headers"]).get_json()["total"] == 0


def test_booking_a_hold_takes_exactly_its_seats_at_its_prices(api, admin, client, hall):
    sid = hall["screening"]["id"]
    user = api.new_user()
    seat_map = client.get(f"/api/screenings/{sid}/seats").get_json()
    map_prices = {s["label"]: s["price"] for r in seat_map["rows"] for s in r["seats"] if s}
    held = hold(client, user["headers"], sid, seats=["A3", "B3", "C3"]).get_json()
    assert held["unit_prices"] == {label: map_prices[label] for label in ("A3", "B3", "C3")}
    # The admin changes the price after the hold: the hold is the quote.
    assert client.patch(f"/api/screenings/{sid}", json={"price": 500}, headers=admin).status_code == 200
    wrong = client.post(
        "/api/bookings", json={"hold_id": held["id"], "expected_total_price": 1}, headers=user["headers"]
    )
    assert wrong.status_code == 409 and wrong.get_json()["error"]["code"] == "price_changed"
    booking = client.post(
        "/api/bookings",
        json={"hold_id": held["id"], "expected_total_price": held["total_price"]},
        headers=user["headers"],
    )
    assert booking.status_code == 201, booking.get_json()
    body = booking.get_json()
    assert body["seats"] == ["A3", "B3", "C3"] and body["quantity"] == 3
    assert body["seat_prices"] == held["unit_prices"] and body["total_price"] == held["total_price"] == 199 + 239 + 358
    assert b'"total_price": 796.00' in booking.data
    assert client.get(f"/api/holds/{held['id']}", headers=user["headers"]).status_code == 404  # converted
    again = client.post("/api/bookings", json={"hold_id": held["id"]}, headers=user["headers"])
    assert again.status_code == 404
    listed = client.get(f"/api/bookings/{body['id']}", headers=user["headers"]).get_json()
    assert listed["seats"] == body["seats"] and listed["seat_prices"] == body["seat_prices"]
    states = seat_states(client.get(f"/api/screenings/{sid}/seats").get_json())
    assert states["A3"] == states["B3"] == states["C3"] == "sold"
    # the new price now: 500 × 120 % = 600 for Prime
    assert {c["code"]: c["price"] for c in client.get(f"/api/screenings/{sid}/seats").get_json()["categories"]}[
        "prime"
    ] == 600
    assert client.post(f"/api/bookings/{body['id']}/cancel", headers=user["headers"]).status_code == 200
    states = seat_states(client.get(f"/api/screenings/{sid}/seats").get_json())
    assert states["A3"] == states["B3"] == states["C3"] == "available"  # cancelling frees the seats


def test_old_booking_picks_best_seats_and_respects_holds_and_blocks(api, admin, client):
    theatre = api.create_theatre(admin, capacity=6)
    show = api.create_show(admin, ticket_price=100)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    sid = screening["id"]
    alice, bob = api.new_user(), api.new_user()
    assert hold(client, alice["headers"], sid, seats=["A3", "A4"]).status_code == 201
    assert client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": ["A1"]}, headers=admin).status_code == 200
    short = client.post("/api/bookings", json={"screening_id": sid, "quantity": 4}, headers=bob["headers"])
    assert short.status_code == 409 and short.get_json()["error"]["details"]["seats_left"] == 3
    booked = client.post("/api/bookings", json={"screening_id": sid, "quantity": 2}, headers=bob["headers"])
    assert booked.status_code == 201 and booked.get_json()["seats"] == ["A5", "A6"]


def test_blocked_seats(api, admin, client, hall):
    sid = hall["screening"]["id"]
    user = api.new_user()
    assert hold(client, user["headers"], sid, seats=["A2"]).status_code == 201
    book_seats(user["id"], sid, 1)  # A1 sold
    refused = client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": ["A1", "A2", "A3"]}, headers=admin)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "seats_unavailable"
    assert refused.get_json()["error"]["details"]["seats"] == ["A1", "A2"]
    ok = client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": ["C4", "A3"]}, headers=admin)
    assert ok.status_code == 200 and ok.get_json() == {"screening_id": sid, "seats": ["A3", "C4"], "seats_left": 16}
    other = hold(client, api.new_user()["headers"], sid, seats=["C4"])
    assert other.status_code == 409 and other.get_json()["error"]["details"]["seats"] == ["C4"]
    assert (
        client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": []}, headers=admin).get_json()["seats_left"]
        == 18
    )
    for body in ({"seats": ["Q1"]}, {"seats": ["A3", "A3"]}, {"seats": "A3"}, {}):
        response = client.put(f"/api/screenings/{sid}/blocked-seats", json=body, headers=admin)
        assert response.status_code == 422, body
    assert (
        client.put(f"/api/screenings/{sid}/blocked-seats", json={"seats": []}, headers=user["headers"]).status_code
        == 403
    )


def test_the_sweep_only_tidies_holds_that_lapsed_long_ago(api, client, hall):
    from ticketshow.seating.service import sweep_expired_holds

    sid = hall["screening"]["id"]
    user = api.new_user()
    held = hold(client, user["headers"], sid, seats=["A4"]).get_json()
    expires_at = datetime.fromisoformat(held["expires_at"])
    with time_machine.travel(expires_at + timedelta(minutes=30), tick=False):
        assert sweep_expired_holds() == 0  # lapsed, but its owner still hears hold_expired
        late = client.post("/api/bookings", json={"hold_id": held["id"]}, headers=user["headers"])
        assert late.get_json()["error"]["code"] == "hold_expired"
    with time_machine.travel(expires_at + timedelta(hours=2), tick=False):
        assert sweep_expired_holds() == 1
        assert client.get(f"/api/holds/{held['id']}", headers=user["headers"]).status_code == 404
