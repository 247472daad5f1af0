"""POST /api/bookings answers BookingOut's JSON dumped by hand (booking.schemas.booking_out), and POST
/api/screenings/{id}/holds and the seat map's my_hold HoldOut's (seating.schemas.hold_out): the same bytes as
the schemas give, for bookings made from a hold, by quantity, replayed, for holds, and for values at the edges."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from tests.api.test_catalog import later
from ticketshow.booking.schemas import BookingOut, booking_out
from ticketshow.catalog.schemas import TheatreRef
from ticketshow.seating.schemas import HoldOut, hold_out

from .test_seat_maps_and_holds import MULTIPLEX, hold


@pytest.fixture
def screening_id(api, admin, client):
    theatre = api.create_theatre(admin, capacity=30)
    assert client.put(f"/api/theatres/{theatre['id']}/layout", json=MULTIPLEX, headers=admin).status_code == 200
    show = api.create_show(admin, ticket_price=150.5)
    return api.create_screening(admin, show["id"], theatre["id"], later(2))["id"]


def schema_fields(schema) -> dict:
    """{field name: its nested schema's fields, or None}, recursively."""
    return {
        name: schema_fields(field.schema) if hasattr(field, "schema") else None for name, field in schema.fields.items()
    }


def key_tree(value) -> dict:
    return {
        key: key_tree(item) if isinstance(item, dict) and key != "seat_prices" else None for key, item in value.items()
    }


def a_booking(**changes) -> dict:
    booking = {
        "id": 7,
        "user_id": 3,
        "screening_id": 11,
        "quantity": 2,
        "unit_price": Decimal("150.5"),
        "total_price": Decimal("301.00"),
        "status": "confirmed",
        "idempotency_key": None,
        "created_at": datetime(2026, 11, 29, 22, 5, 9, 123456, tzinfo=timezone.utc),
        "seat_numbers": [5, 6],
        "seats": ["A5", "A6"],
        "seat_prices": {"A5": Decimal("150.50"), "A6": Decimal("150.5")},
        "cancelled_at": None,
        "cancel_reason": None,
        "can_cancel": True,
        "can_rate": False,
        "my_rating": None,
        "screening": {
            "id": 11,
            "starts_at": datetime(2026, 12, 1, 13, 0, tzinfo=timezone.utc),
            "show": {"id": 4, "name": "நாடகம் “Play”", "image_url": None},
            "theatre": {"id": 2, "name": "Hall <b>", "place": "Chennai"},
        },
    }
    booking.update(changes)
    return booking


def test_the_hand_dump_is_the_schemas_dump(app):
    assert set(TheatreRef().fields) == {"id", "name", "place"}
    cases = [
        a_booking(),
        a_booking(
            status="cancelled",
            cancelled_at=datetime(2026, 11, 30, 1, 2, 3, tzinfo=timezone.utc),
            cancel_reason="You cancelled it.",
            can_cancel=False,
            can_rate=True,
            my_rating=4,
            idempotency_key="k-1",
        ),
        a_booking(
            unit_price=Decimal("99.995"), total_price=Decimal("1000000"), seat_prices={}, seats=[], seat_numbers=[]
        ),
    ]
    cases[2]["screening"]["show"]["image_url"] = "/api/images/x.webp"
    with app.app_context():
        for booking in cases:
            fast, slow = booking_out(booking), BookingOut().dump(booking)
            assert app.json.dumps(fast) == app.json.dumps(slow)
            assert key_tree(fast) == schema_fields(BookingOut())  # every field of the schema, no other


def test_bookings_answer_as_the_schema_does(api, client, screening_id):
    sid = screening_id
    buyer = api.new_user()
    held = hold(client, buyer["headers"], sid, quantity=3).get_json()
    answers = [client.post("/api/bookings", json={"hold_id": held["id"]}, headers=buyer["headers"])]
    keyed = {**buyer["headers"], "Idempotency-Key": "answer-1"}
    answers.append(client.post("/api/bookings", json={"screening_id": sid, "quantity": 2}, headers=keyed))
    answers.append(client.post("/api/bookings", json={"screening_id": sid, "quantity": 2}, headers=keyed))  # replay
    assert [answer.status_code for answer in answers] == [201, 201, 200]
    assert answers[1].get_data() == answers[2].get_data()
    for answer in answers:
        body = answer.get_json()
        through_schema = client.get(f"/api/bookings/{body['id']}", headers=buyer["headers"])
        assert answer.get_data() == through_schema.get_data()  # GET /api/bookings/{id} dumps with BookingOut
    assert answers[0].get_json()["seats"] == held["seats"]


def test_the_hand_dumped_hold_is_the_schemas_dump(app):
    base = {
        "id": 9,
        "screening_id": 11,
        "seats": ["B3", "B4"],
        "unit_prices": {"B3": Decimal("180.9"), "B4": Decimal("150.50")},
        "total_price": Decimal("331.4"),
        "expires_at": datetime(2026, 11, 29, 22, 13, 9, tzinfo=timezone.utc),
        "renewals_left": 1,
        "state": "live",
    }
    cases = [
        base,
        {
            **base,
            "state": "expired",
            "renewals_left": 0,
            "expires_at": datetime(2026, 12, 31, 19, 0, tzinfo=timezone.utc),
        },
        {**base, "seats": [], "unit_prices": {}, "total_price": Decimal("1000000")},
        {**base, "unit_prices": {"B3": Decimal("99.995"), "B4": Decimal("0")}, "total_price": Decimal("99.995")},
    ]
    with app.app_context():
        for held in cases:
            fast, slow = hold_out(held), HoldOut().dump(held)
            assert app.json.dumps(fast) == app.json.dumps(slow)
            assert list(fast) == list(HoldOut().fields)  # every field of the schema, in its order, no other


def test_holds_answer_as_the_schema_does(api, client, screening_id):
    buyer = api.new_user()
    for body in ({"quantity": 3}, {"quantity": 2, "category": "recliner"}, {"seats": ["A1", "A2"]}):
        made = hold(client, buyer["headers"], screening_id, **body)
        assert made.status_code == 201 and made.mimetype == "application/json"
        # GET /api/holds/{id} dumps with HoldOut, and so did the seat map's my_hold before
        again = client.get(f"/api/holds/{made.get_json()['id']}", headers=buyer["headers"])
        assert made.get_data() == again.get_data()
        seat_map = client.get(f"/api/screenings/{screening_id}/seats", headers=buyer["headers"]).get_json()
        assert seat_map["my_hold"] == made.get_json()
