"""Theatres, shows and screenings through the API, as the contract says."""

from datetime import datetime, timedelta, timezone

from tests.factories import book_seats


def later(days=1, hours=0) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days, hours=hours)).replace(microsecond=0).isoformat()


def test_theatre_create_edit_every_field_and_read(api, client, admin):
    theatre = api.create_theatre(
        admin,
        name="  Regal  ",
        place="Mumbai",
        capacity=250,
        address="Colaba",
        caption="Art deco",
        description="Since 1933",
    )
    assert theatre["name"] == "Regal"  # trimmed
    changes = {
        "name": "Regal Cinema",
        "place": "Mumbai South",
        "capacity": 300,
        "address": "Colaba Causeway",
        "caption": "Art deco landmark",
        "description": "Restored in 2026",
    }
    updated = client.patch(f"/api/theatres/{theatre['id']}", json=changes, headers=admin)
    assert updated.status_code == 200
    assert {k: updated.get_json()[k] for k in changes} == changes
    home = client.get(f"/api/theatres/{theatre['id']}").get_json()
    assert home["name"] == "Regal Cinema" and home["screenings"] == []


def test_theatre_names_are_unique_per_place(api, client, admin):
    api.create_theatre(admin, name="PVR", place="Pune")
    duplicate = client.post("/api/theatres", json={"name": "pvr", "place": "PUNE", "capacity": 10}, headers=admin)
    assert duplicate.status_code == 409 and duplicate.get_json()["error"]["code"] == "theatre_exists"
    assert api.create_theatre(admin, name="PVR", place="Delhi")["place"] == "Delhi"


def test_theatre_place_filter_is_case_and_accent_insensitive(api, client, admin):
    api.create_theatre(admin, name="One", place="São Paulo")
    api.create_theatre(admin, name="Two", place="Bengaluru")
    found = client.get("/api/theatres?place=SAO pa").get_json()
    assert [t["name"] for t in found["items"]] == ["One"] and found["total"] == 1
    assert client.get("/api/theatres?q=tw").get_json()["items"][0]["name"] == "Two"


def test_show_with_allocations_defaults_prices_and_lists_newest_first(api, client, admin):
    regal = api.create_theatre(admin, capacity=80)
    inox = api.create_theatre(admin, capacity=120)
    first = api.create_show(admin, name="Older")
    show = api.create_show(
        admin,
        name="Newer",
        ticket_price=250,
        screenings=[
            {"theatre_id": regal["id"], "starts_at": later(1)},
            {"theatre_id": inox["id"], "starts_at": later(2), "price": 310.5},
        ],
    )
    detail = client.get(f"/api/shows/{show['id']}").get_json()
    prices = {s["theatre"]["id"]: (s["price"], s["seats_total"]) for s in detail["screenings"]}
    assert prices == {regal["id"]: (250.0, 80), inox["id"]: (310.5, 120)}
    listing = client.get("/api/shows").get_json()
    assert [s["id"] for s in listing["items"]] == [show["id"], first["id"]]
    assert listing["total"] == 2 and listing["page"] == 1 and listing["per_page"] == 20
    assert b'"ticket_price": 250.00' in client.get(f"/api/shows/{show['id']}").data


def test_allocation_to_unknown_theatre_creates_nothing(client, admin):
    response = client.post(
        "/api/shows",
        json={
            "name": "X",
            "rating": 3,
            "tags": [],
            "ticket_price": 10,
            "screenings": [{"theatre_id": 999, "starts_at": later()}],
        },
        headers=admin,
    )
    assert response.status_code == 422
    assert "screenings.0.theatre_id" in response.get_json()["error"]["details"]
    assert client.get("/api/shows").get_json()["total"] == 0


def test_show_edit_every_field(api, client, admin):
    show = api.create_show(admin)
    changes = {
        "name": "Renamed",
        "caption": "A caption",
        "description": "Long text",
        "rating": 2.5,
        "tags": ["comedy", "family"],
        "ticket_price": 99.99,
        "duration_minutes": 150,
        "language": "Tamil",
    }
    response = client.patch(f"/api/shows/{show['id']}", json=changes, headers=admin)
    assert response.status_code == 200
    assert {k: response.get_json()[k] for k in changes} == changes


def test_show_search_parameters(api, client, admin):
    chennai = api.create_theatre(admin, place="Chennai")
    api.create_show(
        admin,
        name="Café Society",
        tags=["drama", "romance"],
        rating=4.5,
        screenings=[{"theatre_id": chennai["id"], "starts_at": later(2)}],
    )
    api.create_show(admin, name="Cafe Racer", tags=["action"], rating=2)
    names = lambda query: [s["name"] for s in client.get(f"/api/shows?{query}").get_json()["items"]]  # noqa: E731
    assert set(names("q=CAFÉ")) == {"Café Society", "Cafe Racer"}
    assert names("tag=drama&tag=romance") == ["Café Society"]
    assert names("tag=drama&tag=action") == []
    assert names("min_rating=3") == ["Café Society"]
    assert names("place=chennai") == ["Café Society"]
    assert names("sort=name") == ["Cafe Racer", "Café Society"]
    assert names("sort=rating")[0] == "Café Society"


def test_screenings_created_moved_and_removed_on_their_own(api, client, admin):
    theatre, show = api.create_theatre(admin), api.create_show(admin, ticket_price=120)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(3))
    assert screening["price"] == 120.0 and screening["seats_left"] == 100 and screening["houseful"] is False
    new_time = (datetime.now(timezone.utc) + timedelta(days=4)).replace(microsecond=0)
    moved = client.patch(
        f"/api/screenings/{screening['id']}", json={"starts_at": new_time.isoformat(), "price": 150}, headers=admin
    ).get_json()
    assert datetime.fromisoformat(moved["starts_at"]) == new_time and moved["price"] == 150.0
    assert moved["starts_at"].endswith("+05:30")  # shown in APP_TIMEZONE
    assert client.delete(f"/api/screenings/{screening['id']}", headers=admin).status_code == 204
    assert client.get(f"/api/screenings/{screening['id']}").status_code == 404
    listing = client.get(
        "/api/screenings?from=" + later(0).replace("+", "%2B") + "&to=" + later(10).replace("+", "%2B")
    )
    assert listing.get_json()["items"] == []


def test_past_screening_allowed_for_records(api, admin):
    theatre, show = api.create_theatre(admin), api.create_show(admin)
    assert api.create_screening(admin, show["id"], theatre["id"], later(-30))["id"]


def test_delete_with_future_bookings_needs_force_and_cancels_them(app, api, client, admin):
    theatre, show = api.create_theatre(admin), api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    booking = book_seats(user["id"], screening["id"], 3)
    refused = client.delete(f"/api/theatres/{theatre['id']}", headers=admin)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "has_bookings"
    assert refused.get_json()["error"]["details"] == {"bookings": 1, "seats": 3}
    assert client.get(f"/api/theatres/{theatre['id']}").status_code == 200  # nothing changed

    assert client.delete(f"/api/theatres/{theatre['id']}?force=true", headers=admin).status_code == 204
    assert client.get(f"/api/theatres/{theatre['id']}").status_code == 404
    from ticketshow.booking.models import Booking, Ticket
    from ticketshow.extensions import db

    db.session.expire_all()
    stored = db.session.get(Booking, booking.id)
    assert stored.status == "cancelled" and stored.cancel_reason == "theatre_removed"
    assert db.session.query(Ticket).filter_by(booking_id=booking.id).count() == 0


def test_show_and_screening_delete_follow_the_same_rule(app, api, client, admin):
    theatre, show = api.create_theatre(admin), api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    book_seats(api.new_user()["id"], screening["id"], 1)
    assert client.delete(f"/api/screenings/{screening['id']}", headers=admin).status_code == 409
    assert client.delete(f"/api/shows/{show['id']}", headers=admin).status_code == 409
    assert client.delete(f"/api/shows/{show['id']}?force=true", headers=admin).status_code == 204
    assert client.get(f"/api/shows/{show['id']}").status_code == 404


def test_past_bookings_do_not_block_delete(app, api, client, admin):
    theatre, show = api.create_theatre(admin), api.create_show(admin)
    past = api.create_screening(admin, show["id"], theatre["id"], later(-2))
    book_seats(api.new_user()["id"], past["id"], 2)
    assert client.delete(f"/api/theatres/{theatre['id']}", headers=admin).status_code == 204


def test_capacity_cannot_go_below_seats_sold(app, api, client, admin):
    theatre, show = api.create_theatre(admin, capacity=50), api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(1))
    book_seats(api.new_user()["id"], screening["id"], 30)
    refused = client.patch(f"/api/theatres/{theatre['id']}", json={"capacity": 29}, headers=admin)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "capacity_below_sold"
    assert client.get(f"/api/theatres/{theatre['id']}").get_json()["capacity"] == 50
    assert client.patch(f"/api/theatres/{theatre['id']}", json={"capacity": 30}, headers=admin).status_code == 200
    after = client.get(f"/api/screenings/{screening['id']}").get_json()
    assert after["seats_total"] == 30 and after["seats_left"] == 0 and after["houseful"] is True


def test_pagination_shape_and_cap(api, client, admin):
    for n in range(5):
        api.create_theatre(admin, name=f"T{n}")
    page = client.get("/api/theatres?page=2&per_page=2").get_json()
    assert page["total"] == 5 and page["page"] == 2 and page["per_page"] == 2 and len(page["items"]) == 2
    assert client.get("/api/theatres?per_page=1000").get_json()["per_page"] == 100
    assert client.get("/api/theatres?page=0").status_code == 422


def test_unknown_ids_are_404_json(client, admin):
    for path in ["/api/theatres/999", "/api/shows/999", "/api/screenings/999"]:
        response = client.get(path)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
        assert client.patch(path, json={}, headers=admin).status_code == 404
        assert client.delete(path, headers=admin).status_code == 404


def test_free_screenings_and_null_price_mean_the_default(api, client, admin):
    theatre = api.create_theatre(admin)
    show = api.create_show(
        admin,
        ticket_price=80,
        screenings=[
            {"theatre_id": theatre["id"], "starts_at": later(1), "price": 0},
            {"theatre_id": theatre["id"], "starts_at": later(2), "price": None},
        ],
    )
    prices = [s["price"] for s in client.get(f"/api/shows/{show['id']}").get_json()["screenings"]]
    assert prices == [0.0, 80.0]


def test_emptied_optional_text_clears_it(api, client, admin):
    theatre = api.create_theatre(admin, address="Old address")
    response = client.patch(f"/api/theatres/{theatre['id']}", json={"address": "  "}, headers=admin)
    assert response.status_code == 200 and response.get_json()["address"] is None
