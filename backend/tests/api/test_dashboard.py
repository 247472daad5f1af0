"""The admin dashboard's figures match what was booked."""

from tests.api.test_catalog import later


def test_dashboard_figures(api, client, admin):
    regal = api.create_theatre(admin, name="Regal", capacity=10)
    inox = api.create_theatre(admin, name="Inox", capacity=20)
    show = api.create_show(
        admin,
        name="Sholay",
        ticket_price=100,
        screenings=[
            {"theatre_id": regal["id"], "starts_at": later(1)},
            {"theatre_id": inox["id"], "starts_at": later(2)},
        ],
    )
    other = api.create_show(
        admin, name="Deewaar", ticket_price=50, screenings=[{"theatre_id": regal["id"], "starts_at": later(3)}]
    )
    screenings = {s["theatre"]["id"]: s["id"] for s in client.get(f"/api/shows/{show['id']}").get_json()["screenings"]}
    other_screening = client.get(f"/api/shows/{other['id']}").get_json()["screenings"][0]["id"]
    user = api.new_user()

    def book(screening_id, quantity):
        response = client.post(
            "/api/bookings", json={"screening_id": screening_id, "quantity": quantity}, headers=user["headers"]
        )
        assert response.status_code == 201
        return response.get_json()

    book(screenings[regal["id"]], 5)
    book(screenings[inox["id"]], 2)
    book(other_screening, 1)
    cancelled = book(other_screening, 3)
    client.post(f"/api/bookings/{cancelled['id']}/cancel", headers=user["headers"])

    response = client.get("/api/admin/dashboard?days=7", headers=admin)
    assert response.status_code == 200
    data = response.get_json()
    assert data["totals"] == {
        "bookings": 3,
        "tickets": 8,
        "revenue": 750.0,
        "cancellations": 1,
        "users": 1,
        "theatres": 2,
        "shows": 2,
        "upcoming_screenings": 3,
    }
    theatres = {t["name"]: t for t in data["per_theatre"]}
    # Regal offers 10 + 10 seats (two screenings) and sold 5 + 1; Inox 20 seats, 2 sold.
    assert (theatres["Regal"]["tickets"], theatres["Regal"]["revenue"], theatres["Regal"]["occupancy"]) == (
        6,
        550.0,
        0.3,
    )
    assert (theatres["Inox"]["tickets"], theatres["Inox"]["occupancy"]) == (2, 0.1)
    assert [s["name"] for s in data["top_shows"]] == ["Sholay", "Deewaar"]
    assert data["top_shows"][0]["tickets"] == 7 and data["top_shows"][0]["revenue"] == 700.0
    assert len(data["over_time"]) == 8 and sum(d["tickets"] for d in data["over_time"]) == 8
    assert data["over_time"][-1]["bookings"] == 3


def test_dashboard_is_admin_only_and_validates(api, client, admin):
    assert client.get("/api/admin/dashboard").status_code == 401
    assert client.get("/api/admin/dashboard", headers=api.new_user()["headers"]).status_code == 403
    for bad in ("0", "400", "x"):
        response = client.get(f"/api/admin/dashboard?days={bad}", headers=admin)
        assert response.status_code == 422 and "days" in response.get_json()["error"]["details"]
