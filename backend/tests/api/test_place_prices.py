"""Issue 16, place-aware and honest prices: "from ₹X" is the lowest price now among a show's upcoming
screenings in the place in view, and a show's page groups its screenings by place with that place first."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def later(days: int, hour: int = 18) -> str:
    moment = datetime.now(timezone.utc).replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=days)
    return moment.isoformat()


def _world(api, admin):
    chennai = api.create_theatre(admin, name="Marina Hall", place="Chennai · சென்னை")
    madurai = api.create_theatre(admin, name="Vaigai Hall", place="Madurai · மதுரை")
    kolkata = api.create_theatre(admin, name="River Hall", place="Kolkata")
    show = api.create_show(
        admin,
        name="Mazhaikaalam",
        ticket_price=350,
        screenings=[
            {"theatre_id": madurai["id"], "starts_at": later(1), "price": 250},  # the soonest
            {"theatre_id": chennai["id"], "starts_at": later(2), "price": 460},
            {"theatre_id": chennai["id"], "starts_at": later(3), "price": 300},
            {"theatre_id": kolkata["id"], "starts_at": later(4), "price": 280},
        ],
    )
    other = api.create_show(admin, name="Elsewhere", screenings=[{"theatre_id": kolkata["id"], "starts_at": later(2)}])
    return show, other


def test_cards_say_from_the_lowest_price_in_the_place_in_view(api, client, admin):
    show, other = _world(api, admin)
    assert show["price_from"] == 250.0  # the create answer says it too
    prices = lambda q: {s["name"]: s["price_from"] for s in client.get(f"/api/shows?{q}").get_json()["items"]}  # noqa: E731
    assert prices("") == {"Mazhaikaalam": 250.0, "Elsewhere": 200.0}
    assert prices("place=chennai") == {"Mazhaikaalam": 300.0}  # not the show's ticket_price (350)
    assert prices("place=சென்னை") == {"Mazhaikaalam": 300.0}
    assert prices("place=kolkata") == {"Mazhaikaalam": 280.0, "Elsewhere": 200.0}
    # a price change shows at once, even from the cache
    chennai_cheap = client.get(f"/api/shows/{show['id']}?place=Chennai").get_json()["screenings_by_place"][0]
    screening_id = chennai_cheap["screenings"][1]["id"]
    assert client.patch(f"/api/screenings/{screening_id}", json={"price": 199}, headers=admin).status_code == 200
    assert prices("place=chennai") == {"Mazhaikaalam": 199.0}


def test_a_show_page_starts_with_the_place_in_view(api, client, admin):
    show, _ = _world(api, admin)
    page = client.get(f"/api/shows/{show['id']}", query_string={"place": "Chennai"}).get_json()
    groups = page["screenings_by_place"]
    assert [g["place"] for g in groups] == ["Chennai · சென்னை", "Madurai · மதுரை", "Kolkata"]
    assert [g["price_from"] for g in groups] == [300.0, 250.0, 280.0]
    assert [s["price"] for s in groups[0]["screenings"]] == [460.0, 300.0]  # soonest first within a place
    assert page["price_from"] == 300.0
    assert len(page["screenings"]) == 4 and page["screenings"][0]["theatre"]["place"] == "Madurai · மதுரை"
    anywhere = client.get(f"/api/shows/{show['id']}").get_json()
    assert [g["place"] for g in anywhere["screenings_by_place"]][0] == "Madurai · மதுரை"  # soonest first
    assert anywhere["price_from"] == 250.0
    nowhere = client.get(f"/api/shows/{show['id']}", query_string={"place": "Jaipur"}).get_json()
    assert nowhere["price_from"] is None and len(nowhere["screenings_by_place"]) == 3
    assert client.get(f"/api/shows/{show['id']}", query_string={"place": "x" * 121}).status_code == 422
