"""Dynamic pricing through the API: settings, moving prices, quotes, 409 price_changed and the history."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import time_machine

from tests.api.test_catalog import later
from ticketshow.pricing.service import reprice_upcoming


@pytest.fixture
def dynamic_screening(api, client, admin):
    theatre = api.create_theatre(admin, capacity=20)
    show = api.create_show(admin, ticket_price=200)
    response = client.patch(
        f"/api/shows/{show['id']}",
        headers=admin,
        json={"dynamic_pricing": {"enabled": True, "floor_pct": 80, "ceiling_pct": 150}},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["dynamic_pricing"] == {"enabled": True, "floor_pct": 80, "ceiling_pct": 150}
    return api.create_screening(admin, show["id"], theatre["id"], later(10))


def screening_now(client, screening_id):
    return client.get(f"/api/screenings/{screening_id}").get_json()


def book(client, headers, screening_id, quantity, expected=None):
    body = {"screening_id": screening_id, "quantity": quantity}
    if expected is not None:
        body["expected_unit_price"] = expected
    return client.post("/api/bookings", json=body, headers=headers)


def test_pricing_is_off_by_default_and_prices_stay_at_the_base(api, client, admin):
    theatre = api.create_theatre(admin, capacity=4)
    show = api.create_show(admin, ticket_price=200)
    assert show["dynamic_pricing"] == {"enabled": False, "floor_pct": 80, "ceiling_pct": 150}
    screening = api.create_screening(admin, show["id"], theatre["id"], later(1))
    book(client, api.new_user()["headers"], screening["id"], 3)
    after = screening_now(client, screening["id"])
    assert after["price"] == after["base_price"] == 200 and after["price_trend"] == "steady"


def test_prices_rise_with_demand_within_bounds_and_bookings_pay_the_quote(api, client, admin, dynamic_screening):
    sid = dynamic_screening["id"]
    assert dynamic_screening["base_price"] == 200 and dynamic_screening["price"] == 200
    user = api.new_user()
    quotes = []
    for _ in range(10):
        quote = screening_now(client, sid)["price"]
        response = book(client, user["headers"], sid, 2, expected=quote)
        assert response.status_code == 201, response.get_json()
        assert Decimal(str(response.get_json()["unit_price"])) == Decimal(str(quote))
        assert Decimal(str(response.get_json()["total_price"])) == Decimal(str(quote)) * 2
        quotes.append(quote)
    final = screening_now(client, sid)
    assert final["houseful"] is True
    assert quotes == sorted(quotes) and quotes[-1] > quotes[0]
    assert all(160 <= q <= 300 for q in quotes + [final["price"]])
    assert final["price"] == 300  # a full house after a rush: the ceiling
    assert final["base_price"] == 200 and final["price_trend"] == "rising"


def test_a_moved_price_gives_409_and_books_nothing(api, client, admin, dynamic_screening):
    sid = dynamic_screening["id"]
    first, second = api.new_user(), api.new_user()
    seen = screening_now(client, sid)["price"]
    assert book(client, first["headers"], sid, 4, expected=seen).status_code == 201
    moved = screening_now(client, sid)
    assert moved["price"] > seen
    response = book(client, second["headers"], sid, 2, expected=seen)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "price_changed" and error["details"]["unit_price"] == moved["price"]
    assert error["details"]["expected_unit_price"] == seen
    assert screening_now(client, sid)["seats_left"] == moved["seats_left"]
    assert client.get("/api/bookings", headers=second["headers"]).get_json()["items"] == []
    retry = book(client, second["headers"], sid, 2, expected=moved["price"])
    assert retry.status_code == 201 and retry.get_json()["unit_price"] == moved["price"]


def test_cancelling_lowers_the_price_again_and_the_admin_sees_each_change(api, client, admin, dynamic_screening):
    sid = dynamic_screening["id"]
    user = api.new_user()
    booking = book(client, user["headers"], sid, 6).get_json()
    raised = screening_now(client, sid)["price"]
    assert client.post(f"/api/bookings/{booking['id']}/cancel", headers=user["headers"]).status_code == 200
    lowered = screening_now(client, sid)
    assert lowered["price"] < raised and lowered["price_trend"] == "falling"

    history = client.get(f"/api/admin/screenings/{sid}/prices", headers=admin)
    assert history.status_code == 200
    body = history.get_json()
    assert body["base_price"] == 200 and body["price"] == lowered["price"]
    assert [c["reason"] for c in body["changes"]] == ["cancellation", "booking"]  # newest first
    assert body["changes"][1] == {**body["changes"][1], "price": raised, "previous_price": 200, "seats_sold": 6}
    assert body["changes"][0]["previous_price"] == raised and body["changes"][0]["seats_sold"] == 0


def test_cached_reads_show_the_live_price(api, client, admin, dynamic_screening):
    sid = dynamic_screening["id"]
    client.get(f"/api/screenings/{sid}")
    assert client.get(f"/api/screenings/{sid}").headers["X-Cache"] == "HIT"
    book(client, api.new_user()["headers"], sid, 5)
    cached = client.get(f"/api/screenings/{sid}")
    assert cached.headers["X-Cache"] == "HIT"
    assert cached.get_json()["price"] > 200 and cached.get_json()["price_trend"] == "rising"
    listed = client.get(f"/api/shows/{dynamic_screening['show']['id']}").get_json()["screenings"][0]
    assert listed["price"] == cached.get_json()["price"]


def test_time_moves_prices_in_the_beat_pass(app, api, client, admin, dynamic_screening):
    sid = dynamic_screening["id"]
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=9, hours=23)):  # in the app's context
        assert reprice_upcoming() == 1  # an hour before the start with every seat free: towards the floor
        assert reprice_upcoming() == 0  # nothing moved since
    after = screening_now(client, sid)
    assert 160 <= after["price"] < 200 and after["price_trend"] == "falling"
    reasons = [
        c["reason"] for c in client.get(f"/api/admin/screenings/{sid}/prices", headers=admin).get_json()["changes"]
    ]
    assert reasons == ["time"]


def test_admin_changes_reprice_at_once(api, client, admin, dynamic_screening):
    sid, show_id = dynamic_screening["id"], dynamic_screening["show"]["id"]
    book(client, api.new_user()["headers"], sid, 10)
    raised = screening_now(client, sid)["price"]
    assert client.patch(f"/api/screenings/{sid}", json={"price": 400}, headers=admin).status_code == 200
    doubled = screening_now(client, sid)
    assert doubled["base_price"] == 400 and doubled["price"] == raised * 2
    off = client.patch(f"/api/shows/{show_id}", json={"dynamic_pricing": {"enabled": False}}, headers=admin)
    assert off.status_code == 200 and off.get_json()["dynamic_pricing"]["enabled"] is False
    assert screening_now(client, sid)["price"] == 400


@pytest.mark.parametrize(
    "settings",
    [
        {"enabled": True, "floor_pct": 5},
        {"enabled": True, "ceiling_pct": 90},
        {"enabled": True, "floor_pct": 120},
        {"enabled": "yes"},
        {"enabled": True, "ceiling_pct": 100.5},
        [],
    ],
)
def test_bad_pricing_settings_are_422(api, client, admin, settings):
    show = api.create_show(admin)
    response = client.patch(f"/api/shows/{show['id']}", json={"dynamic_pricing": settings}, headers=admin)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_error"
    assert client.get(f"/api/shows/{show['id']}").get_json()["dynamic_pricing"]["enabled"] is False


def test_pricing_settings_and_history_are_admin_only(api, client, admin, dynamic_screening):
    user = api.new_user()
    show_id, sid = dynamic_screening["show"]["id"], dynamic_screening["id"]
    assert (
        client.patch(
            f"/api/shows/{show_id}", json={"dynamic_pricing": {"enabled": False}}, headers=user["headers"]
        ).status_code
        == 403
    )
    assert client.get(f"/api/admin/screenings/{sid}/prices", headers=user["headers"]).status_code == 403
    assert client.get(f"/api/admin/screenings/{sid}/prices").status_code == 401
    missing = client.get("/api/admin/screenings/999999/prices", headers=admin)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
