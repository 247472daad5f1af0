"""A theatre is one hall: overlapping screenings in one theatre are 409 theatre_busy, on every path that
sets a screening's time, theatre or length; existing overlaps are resolved by migration 0005."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import requests

from tests.conftest import ADMIN_PASSWORD, LiveServer

BASE = (datetime.now(timezone.utc) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)


def at(minutes: float) -> str:
    return (BASE + timedelta(minutes=minutes)).isoformat()


@pytest.fixture
def hall(api, admin):
    theatre = api.create_theatre(admin, name="Prithvi", capacity=40)
    two_hours = api.create_show(admin, name="Two hours", duration_minutes=120)
    unknown = api.create_show(admin, name="Unknown length")  # no duration: 180 minutes
    first = api.create_screening(admin, two_hours["id"], theatre["id"], at(0))
    return {"theatre": theatre, "two_hours": two_hours, "unknown": unknown, "first": first}


def post_screening(client, admin, show, theatre, starts_at):
    return client.post(
        "/api/screenings",
        json={"show_id": show["id"], "theatre_id": theatre["id"], "starts_at": starts_at},
        headers=admin,
    )


def assert_busy(response, clashing_id):
    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "theatre_busy"
    assert error["details"]["screening"]["id"] == clashing_id
    return error["details"]


def screenings_in(client, theatre):
    return client.get(f"/api/theatres/{theatre['id']}").get_json()["screenings"]


def test_the_same_minute_twice_is_refused_naming_the_other(client, admin, hall):
    details = assert_busy(post_screening(client, admin, hall["two_hours"], hall["theatre"], at(0)), hall["first"]["id"])
    assert details["screening"]["show"]["name"] == "Two hours"
    assert datetime.fromisoformat(details["screening"]["busy_until"]) == BASE + timedelta(minutes=140)
    assert len(screenings_in(client, hall["theatre"])) == 1  # 40 seats are on sale once, not twice


@pytest.mark.parametrize(
    "show_key, start, busy",
    [
        ("two_hours", 139, True),
        ("two_hours", 140, False),  # after: 120 min + 20 changeover
        ("two_hours", -139, True),
        ("two_hours", -140, False),  # before: the new one's own 120 + 20
        ("unknown", -199, True),
        ("unknown", -200, False),  # unknown length: 180 + 20
        ("unknown", 30, True),
        ("two_hours", 0.5, True),
        ("unknown", 100, True),
    ],
)
def test_overlap_uses_duration_and_changeover(client, admin, hall, show_key, start, busy):
    response = post_screening(client, admin, hall[show_key], hall["theatre"], at(start))
    if busy:
        assert_busy(response, hall["first"]["id"])
    else:
        assert response.status_code == 201, response.get_json()


def test_changeover_setting_with_decimals(app, client, admin, hall):
    app.config["CHANGEOVER_MINUTES"] = 2.5
    assert post_screening(client, admin, hall["two_hours"], hall["theatre"], at(122)).status_code == 409
    assert post_screening(client, admin, hall["two_hours"], hall["theatre"], at(122.5)).status_code == 201
    app.config["CHANGEOVER_MINUTES"] = 0
    assert post_screening(client, admin, hall["unknown"], hall["theatre"], at(-180)).status_code == 201


def test_other_theatres_and_removed_screenings_do_not_block(api, client, admin, hall):
    elsewhere = api.create_theatre(admin, name="Elsewhere")
    assert post_screening(client, admin, hall["two_hours"], elsewhere, at(0)).status_code == 201
    assert client.delete(f"/api/screenings/{hall['first']['id']}", headers=admin).status_code == 204
    assert post_screening(client, admin, hall["unknown"], hall["theatre"], at(10)).status_code == 201


def test_moving_a_screening_is_checked_but_not_against_itself(api, client, admin, hall):
    second = api.create_screening(admin, hall["unknown"]["id"], hall["theatre"]["id"], at(300))
    assert (
        client.patch(f"/api/screenings/{second['id']}", json={"starts_at": at(310)}, headers=admin).status_code == 200
    )
    response = client.patch(f"/api/screenings/{second['id']}", json={"starts_at": at(100)}, headers=admin)
    assert_busy(response, hall["first"]["id"])
    first_moved = client.patch(f"/api/screenings/{hall['first']['id']}", json={"starts_at": at(200)}, headers=admin)
    assert_busy(first_moved, second["id"])
    moved = client.get(f"/api/screenings/{second['id']}").get_json()["starts_at"]
    assert datetime.fromisoformat(moved) == BASE + timedelta(minutes=310)  # the refused moves changed nothing
    price_only = client.patch(f"/api/screenings/{second['id']}", json={"price": 99}, headers=admin)
    assert price_only.status_code == 200


def test_a_show_created_with_screenings_is_checked_against_the_hall_and_itself(client, admin, hall):
    count = client.get("/api/shows").get_json()["total"]
    body = {
        "name": "Festival",
        "rating": 3,
        "tags": [],
        "ticket_price": 100,
        "duration_minutes": 60,
        "screenings": [
            {"theatre_id": hall["theatre"]["id"], "starts_at": at(400)},
            {"theatre_id": hall["theatre"]["id"], "starts_at": at(100)},
        ],
    }
    response = client.post("/api/shows", json=body, headers=admin)
    details = assert_busy(response, hall["first"]["id"])
    assert details["field"] == "screenings.1"
    body["screenings"] = [
        {"theatre_id": hall["theatre"]["id"], "starts_at": at(400)},
        {"theatre_id": hall["theatre"]["id"], "starts_at": at(479)},
    ]
    siblings = client.post("/api/shows", json=body, headers=admin)
    assert siblings.status_code == 409 and siblings.get_json()["error"]["details"]["screening"]["index"] == 0
    assert client.get("/api/shows").get_json()["total"] == count  # nothing created
    body["screenings"][1]["starts_at"] = at(480)
    assert client.post("/api/shows", json=body, headers=admin).status_code == 201


def test_a_longer_show_must_still_fit_its_screenings(api, client, admin, hall):
    second = api.create_screening(admin, hall["two_hours"]["id"], hall["theatre"]["id"], at(150))
    longer = client.patch(f"/api/shows/{hall['two_hours']['id']}", json={"duration_minutes": 135}, headers=admin)
    details = assert_busy(longer, second["id"])
    assert details["field"] == "duration_minutes"
    assert client.get(f"/api/shows/{hall['two_hours']['id']}").get_json()["duration_minutes"] == 120
    unknown = client.patch(f"/api/shows/{hall['two_hours']['id']}", json={"duration_minutes": None}, headers=admin)
    assert unknown.status_code == 409  # unknown means 180 minutes
    assert (
        client.patch(f"/api/shows/{hall['two_hours']['id']}", json={"duration_minutes": 130}, headers=admin).status_code
        == 200
    )
    assert (
        client.patch(f"/api/shows/{hall['two_hours']['id']}", json={"duration_minutes": 45}, headers=admin).status_code
        == 200
    )


def test_migration_shifts_free_upcoming_overlaps_and_keeps_booked_or_past_ones(tmp_path, redis_server):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import make_settings
    from ticketshow import create_app
    from ticketshow.extensions import db

    app = create_app(make_settings(tmp_path, redis_server["url"]))
    with app.app_context():
        upgrade(revision="0004")
        now = datetime.utcnow().replace(microsecond=0)
        future = (now + timedelta(days=2)).replace(hour=6, minute=0, second=0)
        past = (now - timedelta(days=2)).replace(hour=6, minute=0, second=0)
        s = lambda moment: moment.isoformat(sep=" ", timespec="microseconds")  # noqa: E731
        statements = [
            "INSERT INTO users (id, username, username_key, email, password_hash, role, created_at, report_format, "
            "reminders) VALUES (1, 'u', 'u', 'u@example.com', 'x', 'user', '2026-01-01', 'html', 1)",
            "INSERT INTO theatres (id, name, name_folded, place, place_folded, capacity, created_at, updated_at) "
            "VALUES (1, 'T', 't', 'P', 'p', 40, '2026-01-01', '2026-01-01')",
            "INSERT INTO shows (id, name, name_folded, rating, ticket_price, duration_minutes, created_at, updated_at, "
            "dynamic_pricing, price_floor_pct, price_ceiling_pct) VALUES (1, 'S', 's', 3, 10000, 60, '2026-01-01', "
            "'2026-01-01', 0, 80, 150)",
        ]
        rows = [(1, future), (2, future), (3, future + timedelta(minutes=30)), (4, future), (5, past), (6, past)]
        for screening_id, starts in rows:
            statements.append(
                f"INSERT INTO screenings (id, show_id, theatre_id, starts_at, base_price, price, "
                f"seats_total, created_at) VALUES ({screening_id}, 1, 1, '{s(starts)}', 10000, 10000, 40, "
                f"'2026-01-01')"
            )
        statements.append(
            "INSERT INTO bookings (id, user_id, screening_id, quantity, unit_price, total_price, status, "
            "created_at) VALUES (1, 1, 4, 1, 10000, 10000, 'confirmed', '2026-01-01')"
        )
        for statement in statements:
            db.session.execute(text(statement))
        db.session.commit()
        upgrade()
        times = dict(db.session.execute(text("SELECT id, starts_at FROM screenings")).all())
        db.session.remove()
        db.engine.dispose()
    moved = {k: datetime.fromisoformat(v) for k, v in times.items()}
    assert moved[1] == future and moved[4] == future  # 4 has a booking: kept (and reported)
    assert moved[5] == past and moved[6] == past  # history is not rewritten
    assert moved[2] == future + timedelta(minutes=90)  # 60 + 20, on the next quarter hour
    assert moved[3] == future + timedelta(minutes=180)  # after 2 (which now ends at +150 + 20 = +170)


@pytest.fixture(scope="module")
def servers(tmp_path_factory, redis_server):
    return tmp_path_factory, redis_server


def race_creates(server, clients=12) -> list[int]:
    token = requests.post(
        f"{server.url}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30
    ).json()["access_token"]
    admin = {"Authorization": f"Bearer {token}"}
    theatre = requests.post(
        f"{server.url}/api/theatres",
        json={"name": f"Race {datetime.now().timestamp()}", "place": "X", "capacity": 40},
        headers=admin,
        timeout=30,
    ).json()
    show = requests.post(
        f"{server.url}/api/shows",
        json={"name": "Race show", "rating": 1, "tags": [], "ticket_price": 1, "duration_minutes": 90},
        headers=admin,
        timeout=30,
    ).json()

    def create(n):
        return requests.post(
            f"{server.url}/api/screenings",
            headers=admin,
            timeout=60,
            json={"show_id": show["id"], "theatre_id": theatre["id"], "starts_at": at(n * 7)},
        ).status_code

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(create, range(clients)))


def test_race_two_creates_never_both_succeed(tmp_path, redis_server):
    server = LiveServer(tmp_path, redis_server["url"]).start()
    try:
        for _ in range(3):
            statuses = race_creates(server)
            assert statuses.count(201) == 1 and statuses.count(409) == len(statuses) - 1, statuses
    finally:
        server.stop()


def test_control_the_race_catches_a_check_outside_the_write_transaction(tmp_path, redis_server):
    broken = LiveServer(tmp_path, redis_server["url"], app_module="tests.theatre_busy_control_app:app").start()
    try:
        caught = any(race_creates(broken).count(201) > 1 for _ in range(5))
        assert caught, "the race test could not tell an unlocked overlap check from a safe one"
    finally:
        broken.stop()
