"""The hold and booking routes load their usual bodies without marshmallow (seating.schemas.hold_in,
booking.schemas.booking_in, through jsonbody.shortcut): for every body, the shortcut gives what the schema's
load gives or stands aside (None), and it never takes a body the schema refuses; the refused ones still get
the schema's 422 answers through the routes."""

import pytest
from marshmallow import ValidationError

from tests.api.test_catalog import later
from ticketshow.booking.schemas import BookingIn, booking_in
from ticketshow.fields import MAX_ROW_ID
from ticketshow.seating.schemas import HoldIn, hold_in

from .test_seat_maps_and_holds import hold

HOLD_BODIES = [
    {"quantity": 1},
    {"quantity": 10},
    {"quantity": 11},
    {"quantity": 1000},
    {"quantity": 0},
    {"quantity": 1001},
    {"quantity": -3},
    {"quantity": True},
    {"quantity": 2.0},
    {"quantity": "2"},
    {"quantity": None},
    {"quantity": 2, "category": "prime"},
    {"quantity": 2, "category": ""},
    {"quantity": 2, "category": "x" * 30},
    {"quantity": 2, "category": "x" * 31},
    {"quantity": 2, "category": 5},
    {"quantity": 2, "category": None},
    {"quantity": 2, "extra": 1},
    {"quantity": 2, "seats": ["A1"]},
    {"seats": ["A1", "A2"]},
    {"seats": []},
    {"seats": ["A1"] * 1000},
    {"seats": ["A1"] * 1001},
    {"seats": [""]},
    {"seats": ["x" * 16]},
    {"seats": ["x" * 17]},
    {"seats": [1]},
    {"seats": [None]},
    {"seats": "A1"},
    {"seats": ["A1"], "category": "prime"},
    {"category": "prime"},
    {},
]

BOOKING_BODIES = [
    {"hold_id": 1},
    {"hold_id": MAX_ROW_ID},
    {"hold_id": MAX_ROW_ID + 1},
    {"hold_id": 0},
    {"hold_id": True},
    {"hold_id": "7"},
    {"hold_id": 7.0},
    {"hold_id": None},
    {"hold_id": 7, "expected_total_price": 300},
    {"hold_id": 7, "quantity": 2},
    {"hold_id": 7, "screening_id": 3, "quantity": 2},
    {"hold_id": 7, "expected_unit_price": 100},
    {"screening_id": 3, "quantity": 1},
    {"screening_id": 3, "quantity": 10},
    {"screening_id": 3, "quantity": 11},
    {"screening_id": 3, "quantity": 0},
    {"screening_id": 3, "quantity": False},
    {"screening_id": 0, "quantity": 2},
    {"screening_id": MAX_ROW_ID + 1, "quantity": 2},
    {"screening_id": "3", "quantity": 2},
    {"screening_id": 3, "quantity": 2, "expected_unit_price": 100},
    {"screening_id": 3},
    {"quantity": 2},
    {"unknown": 1},
    {},
]


def loaded(schema, body):
    try:
        return schema().load(body)
    except ValidationError:
        return "refused"


@pytest.mark.parametrize(
    "fast_load, schema, body",
    [(hold_in, HoldIn, body) for body in HOLD_BODIES] + [(booking_in, BookingIn, body) for body in BOOKING_BODIES],
)
def test_the_shortcut_is_the_schemas_load_or_stands_aside(app, fast_load, schema, body):
    assert app.config["BOOKING_MAX_QUANTITY"] == 10  # the bodies above straddle it
    with app.test_request_context():
        fast, slow = fast_load(body), loaded(schema, body)
    assert fast is None or fast == slow
    assert slow != "refused" or fast is None


def test_the_usual_bodies_take_the_shortcut(app):
    with app.test_request_context():
        assert hold_in({"quantity": 2}) == {"quantity": 2}
        assert hold_in({"quantity": 2, "category": "prime"}) == {"quantity": 2, "category": "prime"}
        assert hold_in({"seats": ["A5", "A6"]}) == {"seats": ["A5", "A6"]}
        assert booking_in({"hold_id": 7}) == {"hold_id": 7}
        assert booking_in({"screening_id": 3, "quantity": 2}) == {"screening_id": 3, "quantity": 2}


def test_bodies_off_the_shortcut_get_the_schemas_answers(api, client, admin):
    theatre = api.create_theatre(admin, capacity=30)
    show = api.create_show(admin)
    sid = api.create_screening(admin, show["id"], theatre["id"], later(2))["id"]
    user = api.new_user()
    refused = hold(client, user["headers"], sid, quantity=True)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"] == {"quantity": ["Enter a whole number."]}
    both = hold(client, user["headers"], sid, quantity=2, seats=["A1"])
    assert both.status_code == 422
    assert both.get_json()["error"]["details"] == {"seats": ["Send either seats or quantity."]}
    unknown = client.post("/api/bookings", json={"hold_id": 1, "seat": "A1"}, headers=user["headers"])
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["details"] == {"seat": ["This field is not accepted here; remove it."]}
    assert hold(client, user["headers"], sid, quantity=2, category="standard").status_code == 201


def test_one_rule_and_one_message_for_a_quantity_and_a_hold_is_booked_alone(api, client, admin):
    """Found by a walkthrough: a hold of -1 seats said "Between 1 and 1,000." and of 11 "Hold between 1 and 10
    seats at a time."; a booking of {hold_id, screening_id, quantity} was 201, the quantity silently ignored."""
    theatre = api.create_theatre(admin, capacity=30)
    show = api.create_show(admin)
    sid = api.create_screening(admin, show["id"], theatre["id"], later(2))["id"]
    user = api.new_user()
    for quantity in (-1, 0, 11, 1000, 5000):
        refused = hold(client, user["headers"], sid, quantity=quantity)
        assert refused.status_code == 422, quantity
        assert refused.get_json()["error"]["details"] == {"quantity": ["Hold between 1 and 10 seats at a time."]}
    held = hold(client, user["headers"], sid, quantity=2).get_json()
    both = client.post(
        "/api/bookings", json={"hold_id": held["id"], "screening_id": sid, "quantity": 5}, headers=user["headers"]
    )
    assert both.status_code == 422
    assert both.get_json()["error"]["details"] == {
        "quantity": ["Send either hold_id or screening_id and quantity."],
        "screening_id": ["Send either hold_id or screening_id and quantity."],
    }
    assert client.get("/api/bookings", headers=user["headers"]).get_json()["items"] == []  # nothing booked
    booked = client.post("/api/bookings", json={"hold_id": held["id"]}, headers=user["headers"])
    assert booked.status_code == 201 and len(booked.get_json()["seats"]) == 2
