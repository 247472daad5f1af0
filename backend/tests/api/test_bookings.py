"""Bookings, cancellations and ratings as the contract says, errors included."""

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.api.test_catalog import later


@pytest.fixture
def screening(api, admin):
    theatre = api.create_theatre(admin, capacity=5)
    show = api.create_show(admin, ticket_price=150.5)
    return api.create_screening(admin, show["id"], theatre["id"], later(2))


def book(client, headers, screening_id, quantity, **extra):
    return client.post(
        "/api/bookings", json={"screening_id": screening_id, "quantity": quantity}, headers={**headers, **extra}
    )


def test_booking_takes_seats_and_prices_in_decimal(api, client, screening):
    user = api.new_user()
    response = book(client, user["headers"], screening["id"], 3)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "confirmed" and body["quantity"] == 3
    assert body["unit_price"] == 150.5 and body["total_price"] == 451.5
    assert b'"total_price": 451.50' in response.data
    # The best available seats: side by side, nearest the middle of the one row of 5 (docs/seating.md).
    assert body["seats"] == ["A2", "A3", "A4"] and body["seat_numbers"] == [2, 3, 4]
    assert body["screening"]["show"]["id"] == screening["show"]["id"]
    assert set(body["screening"]["theatre"]) >= {"id", "name", "place"}
    after = client.get(f"/api/screenings/{screening['id']}").get_json()
    assert after["seats_left"] == 2 and after["houseful"] is False


def test_houseful_and_not_enough_seats(api, client, screening):
    user = api.new_user()
    book(client, user["headers"], screening["id"], 4)
    short = book(client, user["headers"], screening["id"], 2)
    assert short.status_code == 409
    assert short.get_json()["error"]["code"] == "not_enough_seats"
    assert short.get_json()["error"]["details"]["seats_left"] == 1
    assert book(client, user["headers"], screening["id"], 1).status_code == 201
    full = book(client, user["headers"], screening["id"], 1)
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "houseful"
    assert client.get(f"/api/screenings/{screening['id']}").get_json()["houseful"] is True


def test_quantity_limits_and_unknown_screening(api, client, screening):
    user = api.new_user()
    for quantity in (0, -1, 11, 1000):
        response = book(client, user["headers"], screening["id"], quantity)
        assert response.status_code == 422 and "quantity" in response.get_json()["error"]["details"]
    assert book(client, user["headers"], 99999, 1).status_code == 404
    assert book(client, {}, screening["id"], 1).status_code == 401


def test_started_screening_cannot_be_booked(api, client, admin):
    theatre, show = api.create_theatre(admin), api.create_show(admin)
    past = api.create_screening(admin, show["id"], theatre["id"], later(-1))
    response = book(client, api.new_user()["headers"], past["id"], 1)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "screening_started"


def test_idempotency_key_books_once(api, client, screening):
    user = api.new_user()
    first = book(client, user["headers"], screening["id"], 2, **{"Idempotency-Key": "abc-1"})
    again = book(client, user["headers"], screening["id"], 2, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert client.get(f"/api/screenings/{screening['id']}").get_json()["seats_left"] == 3
    other_user = api.new_user()
    separate = book(client, other_user["headers"], screening["id"], 1, **{"Idempotency-Key": "abc-1"})
    assert separate.status_code == 201 and separate.get_json()["id"] != first.get_json()["id"]


def test_idempotency_key_expires_after_24_hours(api, client, screening):
    user = api.new_user()
    first = book(client, user["headers"], screening["id"], 1, **{"Idempotency-Key": "k"}).get_json()
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=25)):
        token = api.login(user["username"], "user-Test-passw0rd")
        theatre_screening = client.get("/api/screenings/" + str(screening["id"])).get_json()
        assert theatre_screening["id"] == screening["id"]
        second = book(client, {"Authorization": f"Bearer {token}"}, screening["id"], 1, **{"Idempotency-Key": "k"})
    assert second.status_code == 201 and second.get_json()["id"] != first["id"]


def test_users_see_only_their_own_bookings(api, client, admin, screening):
    alice, bob = api.new_user(), api.new_user()
    mine = book(client, alice["headers"], screening["id"], 1).get_json()
    book(client, bob["headers"], screening["id"], 1)
    assert [b["id"] for b in client.get("/api/bookings", headers=alice["headers"]).get_json()["items"]] == [mine["id"]]
    assert client.get(f"/api/bookings/{mine['id']}", headers=bob["headers"]).status_code == 404
    assert client.post(f"/api/bookings/{mine['id']}/cancel", headers=bob["headers"]).status_code == 404
    everyone = client.get("/api/bookings", headers=admin).get_json()
    assert everyone["total"] == 2
    only_alice = client.get(f"/api/bookings?user_id={alice['id']}", headers=admin).get_json()
    assert [b["id"] for b in only_alice["items"]] == [mine["id"]]
    ignored = client.get(f"/api/bookings?user_id={bob['id']}", headers=alice["headers"]).get_json()
    assert [b["id"] for b in ignored["items"]] == [mine["id"]]  # a user cannot look at someone else's


def test_cancel_frees_seats_at_once_until_the_cutoff(api, client, admin, screening):
    user = api.new_user()
    booking = book(client, user["headers"], screening["id"], 5).get_json()
    assert book(client, user["headers"], screening["id"], 1).get_json()["error"]["code"] == "houseful"
    cancelled = client.post(f"/api/bookings/{booking['id']}/cancel", headers=user["headers"])
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.get(f"/api/screenings/{screening['id']}").get_json()["seats_left"] == 5
    assert book(client, user["headers"], screening["id"], 5).status_code == 201

    theatre, show = api.create_theatre(admin), api.create_show(admin)
    soon = api.create_screening(admin, show["id"], theatre["id"], later(0, hours=0.5))
    close = book(client, user["headers"], soon["id"], 1).get_json()
    refused = client.post(f"/api/bookings/{close['id']}/cancel", headers=user["headers"])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "cancellation_closed"
    assert client.get(f"/api/bookings/{close['id']}", headers=user["headers"]).get_json()["status"] == "confirmed"


def test_upcoming_and_past_lists(api, client, admin, screening):
    user = api.new_user()
    upcoming = book(client, user["headers"], screening["id"], 1).get_json()
    assert client.get("/api/bookings?when=past", headers=user["headers"]).get_json()["items"] == []
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=3)):
        headers = {"Authorization": f"Bearer {api.login(user['username'], 'user-Test-passw0rd')}"}
        past = client.get("/api/bookings?when=past", headers=headers).get_json()["items"]
        assert [b["id"] for b in past] == [upcoming["id"]] and past[0]["can_rate"] is True
        assert client.get("/api/bookings?when=upcoming", headers=headers).get_json()["items"] == []


def test_rating_needs_a_started_confirmed_booking(api, client, screening):
    user = api.new_user()
    show_id = screening["show"]["id"]
    assert client.put(f"/api/shows/{show_id}/rating", json={"score": 4}, headers=user["headers"]).status_code == 403
    booking = book(client, user["headers"], screening["id"], 1).get_json()
    assert client.put(f"/api/shows/{show_id}/rating", json={"score": 4}, headers=user["headers"]).status_code == 403
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=3)):
        headers = {"Authorization": f"Bearer {api.login(user['username'], 'user-Test-passw0rd')}"}
        first = client.put(f"/api/shows/{show_id}/rating", json={"score": 4}, headers=headers)
        assert first.status_code == 200 and first.get_json()["user_rating"] == {"average": 4.0, "count": 1}
        again = client.put(f"/api/shows/{show_id}/rating", json={"score": 2}, headers=headers)
        assert again.get_json()["user_rating"] == {"average": 2.0, "count": 1}
        assert client.get(f"/api/shows/{show_id}").get_json()["user_rating"] == {"average": 2.0, "count": 1}
        assert client.get(f"/api/bookings/{booking['id']}", headers=headers).get_json()["my_rating"] == 2
        for bad in (0, 6, 2.5, "5", None):
            response = client.put(f"/api/shows/{show_id}/rating", json={"score": bad}, headers=headers)
            assert response.status_code == 422


def test_cancelled_booking_does_not_allow_rating(api, client, screening):
    user = api.new_user()
    booking = book(client, user["headers"], screening["id"], 1).get_json()
    client.post(f"/api/bookings/{booking['id']}/cancel", headers=user["headers"])
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=3)):
        headers = {"Authorization": f"Bearer {api.login(user['username'], 'user-Test-passw0rd')}"}
        response = client.put(f"/api/shows/{screening['show']['id']}/rating", json={"score": 5}, headers=headers)
        assert response.status_code == 403
