"""An Idempotency-Key stands for one request: an identical retry returns the first booking, the same key
with any other request is 422 idempotency_key_reused and books nothing (IETF Idempotency-Key draft)."""

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import text

from tests.api.test_catalog import later
from tests.conftest import USER_PASSWORD


@pytest.fixture
def two_screenings(api, admin):
    theatre = api.create_theatre(admin, capacity=20)
    show = api.create_show(admin, ticket_price=120)
    return [api.create_screening(admin, show["id"], theatre["id"], later(days)) for days in (2, 3)]


def post(client, headers, key, **body):
    return client.post("/api/bookings", json=body, headers={**headers, "Idempotency-Key": key})


def seats_left(client, screening):
    return client.get(f"/api/screenings/{screening['id']}").get_json()["seats_left"]


@pytest.mark.parametrize(
    "changed",
    [
        {"quantity": 3},  # another quantity
        {"screening": 1},  # another screening
        {"expected_unit_price": 120},  # the same seats, but now with a price expectation
        {"quantity": 2, "expected_unit_price": 999},  # several fields at once
    ],
)
def test_the_same_key_with_another_request_is_refused_and_books_nothing(api, client, two_screenings, changed):
    user = api.new_user()
    first = post(client, user["headers"], "order-7", screening_id=two_screenings[0]["id"], quantity=2)
    assert first.status_code == 201
    body = {"screening_id": two_screenings[changed.pop("screening", 0)]["id"], "quantity": 2, **changed}
    before = [seats_left(client, s) for s in two_screenings]
    reused = post(client, user["headers"], "order-7", **body)
    assert reused.status_code == 422
    error = reused.get_json()["error"]
    assert error["code"] == "idempotency_key_reused" and "Idempotency-Key" in error["details"]
    assert [seats_left(client, s) for s in two_screenings] == before
    assert client.get("/api/bookings", headers=user["headers"]).get_json()["total"] == 1


def test_identical_retries_return_the_first_booking(api, client, two_screenings):
    user = api.new_user()
    body = {"screening_id": two_screenings[1]["id"], "quantity": 4, "expected_unit_price": 120}
    first = post(client, user["headers"], "k-1", **body)
    # the same request written differently: other key order, the price as 120.00 in a string-free float
    retries = [
        post(
            client, user["headers"], "k-1", quantity=4, expected_unit_price=120.0, screening_id=two_screenings[1]["id"]
        )
        for _ in range(3)
    ]
    assert first.status_code == 201 and {r.status_code for r in retries} == {200}
    assert {r.get_json()["id"] for r in retries} == {first.get_json()["id"]}
    assert seats_left(client, two_screenings[1]) == 16


def test_other_users_and_other_keys_are_independent(api, client, two_screenings):
    alice, bob = api.new_user(), api.new_user()
    assert post(client, alice["headers"], "same", screening_id=two_screenings[0]["id"], quantity=1).status_code == 201
    assert post(client, bob["headers"], "same", screening_id=two_screenings[0]["id"], quantity=5).status_code == 201
    assert post(client, alice["headers"], "other", screening_id=two_screenings[0]["id"], quantity=5).status_code == 201


def test_after_24_hours_a_key_may_carry_a_new_request(api, client, two_screenings):
    user = api.new_user()
    first = post(client, user["headers"], "old", screening_id=two_screenings[0]["id"], quantity=1).get_json()
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=25)):
        headers = {"Authorization": f"Bearer {api.login(user['username'], USER_PASSWORD)}"}
        again = post(client, headers, "old", screening_id=two_screenings[1]["id"], quantity=3)
    assert again.status_code == 201 and again.get_json()["id"] != first["id"]


def test_bookings_from_before_fingerprints_still_replay(api, client, two_screenings):
    from ticketshow.extensions import db

    user = api.new_user()
    first = post(client, user["headers"], "legacy", screening_id=two_screenings[0]["id"], quantity=1).get_json()
    db.session.execute(text("UPDATE bookings SET request_fingerprint = NULL WHERE id = :id"), {"id": first["id"]})
    db.session.commit()
    replay = post(client, user["headers"], "legacy", screening_id=two_screenings[0]["id"], quantity=1)
    assert replay.status_code == 200 and replay.get_json()["id"] == first["id"]


def test_a_key_used_for_a_hold_cannot_book_another_hold_or_a_quantity(api, client, two_screenings):
    user = api.new_user()
    holds = []
    for screening in two_screenings:
        response = client.post(
            f"/api/screenings/{screening['id']}/holds", json={"quantity": 2}, headers=user["headers"]
        )
        assert response.status_code == 201, response.get_json()
        holds.append(response.get_json())
    first = post(client, user["headers"], "hold-key", hold_id=holds[0]["id"])
    assert first.status_code == 201
    for body in (
        {"hold_id": holds[1]["id"]},
        {"screening_id": two_screenings[0]["id"], "quantity": 2},
        {"hold_id": holds[0]["id"], "expected_total_price": 1},
    ):
        reused = post(client, user["headers"], "hold-key", **body)
        assert reused.status_code == 422 and reused.get_json()["error"]["code"] == "idempotency_key_reused", body
    assert client.get("/api/bookings", headers=user["headers"]).get_json()["total"] == 1
    replay = post(client, user["headers"], "hold-key", hold_id=holds[0]["id"])
    assert replay.status_code == 200 and replay.get_json()["id"] == first.get_json()["id"]
