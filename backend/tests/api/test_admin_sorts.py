"""Issue 16 (paged and sortable admin tables): the `sort` parameter of the lists the admin pages through.
Each list keeps its old order when `sort` is absent, orders by every key it names, breaks ties by id (so
pages of a tie neither repeat nor skip a row), and answers 422 naming the keys for any other `sort`."""

import os
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from tests.factories import book_seats

SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=2)


def at(hours: int) -> str:
    return (SOON + timedelta(hours=hours)).isoformat()


def window() -> str:
    return f"from={quote(at(-1))}&to={quote(at(100))}"


def refused(client, url, headers=None):
    response = client.get(url, headers=headers)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    message = error["details"]["sort"]
    return " ".join(message) if isinstance(message, list) else str(message)


def every_page(client, url, headers=None, key="id"):
    """The ids (`key`) of each row over pages of one, in order."""
    ids, page = [], 1
    while True:
        body = client.get(f"{url}&per_page=1&page={page}", headers=headers).get_json()
        ids += [item[key] for item in body["items"]]
        if page * 1 >= body["total"]:
            return ids
        page += 1


# ---- screenings -----------------------------------------------------------------------------------


@pytest.fixture
def screenings(api, admin):
    """Four screenings: Zinnia at Bharat at +0h and +6h, Ashoka at Ébène (folded: Ebene) at +3h, and Ashoka
    at Apsara at +6h (the same time as Zinnia's second: a tie for the time sorts)."""
    bharat = api.create_theatre(admin, name="Bharat")
    ebene = api.create_theatre(admin, name="Ébène")
    apsara = api.create_theatre(admin, name="Apsara")
    zinnia, ashoka = api.create_show(admin, name="Zinnia"), api.create_show(admin, name="Ashoka")
    made = [
        api.create_screening(admin, zinnia["id"], bharat["id"], at(0)),
        api.create_screening(admin, ashoka["id"], ebene["id"], at(3)),
        api.create_screening(admin, zinnia["id"], bharat["id"], at(6)),
        api.create_screening(admin, ashoka["id"], apsara["id"], at(6)),
    ]
    return [s["id"] for s in made]


def screening_ids(client, sort=None):
    url = f"/api/screenings?{window()}" + (f"&sort={sort}" if sort else "")
    return [s["id"] for s in client.get(url).get_json()["items"]]


def test_screenings_sort_by_each_key(client, screenings):
    z0, a3, z6, a6 = screenings
    assert screening_ids(client, "starts_at") == [z0, a3, z6, a6]  # the +6h tie by id
    assert screening_ids(client, "-starts_at") == [a6, z6, a3, z0]  # the tie by id too, newest id first
    assert screening_ids(client, "show") == [a3, a6, z0, z6]  # Ashoka, then Zinnia; each soonest first
    assert screening_ids(client, "theatre") == [a6, z0, z6, a3]  # Apsara, Bharat, Ébène (as E)


def test_screenings_default_order_is_unchanged(client, screenings):
    assert screening_ids(client) == screening_ids(client, "starts_at") == screenings


@pytest.mark.parametrize("sort", ["starts_at", "-starts_at", "show", "theatre"])
def test_screenings_pages_through_a_tie_without_repeats(client, screenings, sort):
    ids = every_page(client, f"/api/screenings?{window()}&sort={sort}")
    assert ids == screening_ids(client, sort) and sorted(ids) == sorted(screenings)


@pytest.mark.parametrize("sort", ["price", "STARTS_AT", "", "name"])
def test_screenings_unknown_sort_is_422(client, sort):
    message = refused(client, f"/api/screenings?sort={sort}")
    assert "starts_at, -starts_at, show, theatre" in message


# ---- a theatre's bookings -------------------------------------------------------------------------


@pytest.fixture
def bookings(app, api, admin):
    """Four bookings at one theatre, as (b1, b2, b3, b4): on the screening at +30h (₹300 a seat) alice's 1
    seat (₹300, booked 3 h ago); on the one at +6h (₹100 a seat) carol's 2 (₹200, 1 h ago), bob's 1 (₹100,
    2 h ago) and alice's 3 (₹300, 1 h ago: a tie with carol's on the time, with b1 on the total)."""
    from ticketshow.booking.models import Booking
    from ticketshow.extensions import db

    theatre, show = api.create_theatre(admin), api.create_show(admin)
    early = api.create_screening(admin, show["id"], theatre["id"], at(6), price=100)
    late = api.create_screening(admin, show["id"], theatre["id"], at(30), price=300)
    suffix = os.urandom(2).hex()
    alice, bob, carol = (api.new_user(f"{name}{suffix}") for name in ("alice", "bob", "carol"))
    now = datetime.now(timezone.utc).replace(microsecond=0)
    made = []
    for user, screening, seats, hours_ago in (
        (alice, late, 1, 3),
        (carol, early, 2, 1),
        (bob, early, 1, 2),
        (alice, early, 3, 1),
    ):
        booking = book_seats(user["id"], screening["id"], seats)
        db.session.get(Booking, booking.id).created_at = now - timedelta(hours=hours_ago)
        db.session.commit()
        made.append(booking.id)
    return theatre["id"], made


def booking_ids(client, admin, theatre_id, params=""):
    body = client.get(f"/api/theatres/{theatre_id}/bookings?{params}", headers=admin).get_json()
    return [b["id"] for b in body["items"]]


def test_theatre_bookings_sort_by_each_key(client, admin, bookings):
    theatre_id, (b1, b2, b3, b4) = bookings
    expected = {
        "starts_at": [b2, b3, b4, b1],  # the +6h screening's three by id, then +30h
        "-starts_at": [b1, b4, b3, b2],
        "-created_at": [b4, b2, b3, b1],  # 1 h ago twice (the newer id first), 2 h, 3 h
        "created_at": [b1, b3, b2, b4],
        "-total_price": [b4, b1, b2, b3],  # ₹300 twice (the newer id first), ₹200, ₹100
        "customer": [b4, b1, b3, b2],  # alice (newest first), bob, carol
    }
    for sort, ids in expected.items():
        assert booking_ids(client, admin, theatre_id, f"sort={sort}") == ids, sort


def test_theatre_bookings_default_order_is_unchanged(client, admin, bookings):
    theatre_id, (b1, b2, b3, b4) = bookings
    assert booking_ids(client, admin, theatre_id) == [b4, b2, b3, b1]  # newest booked first
    assert booking_ids(client, admin, theatre_id, "when=upcoming") == [b2, b3, b4, b1]  # soonest screening first
    assert booking_ids(client, admin, theatre_id, "when=past") == []


@pytest.mark.parametrize("sort", ["-created_at", "-total_price", "customer", "starts_at"])
def test_theatre_bookings_page_through_a_tie_without_repeats(client, admin, bookings, sort):
    theatre_id, made = bookings
    ids = every_page(client, f"/api/theatres/{theatre_id}/bookings?sort={sort}", admin)
    assert ids == booking_ids(client, admin, theatre_id, f"sort={sort}") and sorted(ids) == sorted(made)


@pytest.mark.parametrize("sort", ["total_price", "username", "CREATED_AT"])
def test_theatre_bookings_unknown_sort_is_422(client, admin, sort):
    message = refused(client, f"/api/theatres/1/bookings?sort={sort}", headers=admin)
    assert "starts_at, -starts_at, -created_at, created_at, -total_price, customer" in message


# ---- staff ----------------------------------------------------------------------------------------


@pytest.fixture
def people(api, client, admin):
    """Made in this order, names sharing a suffix (found with q=suffix): zed (manager), an (scanner), Bea (a
    plain user), mo (manager). Returns (suffix, {name: user id})."""
    theatre = api.create_theatre(admin)
    suffix = os.urandom(2).hex()
    ids = {}
    for name, role in (("zed", "manager"), ("an", "scanner"), ("Bea", None), ("mo", "manager")):
        ids[name] = api.new_user(f"{name}{suffix}")["id"]
        if role:
            body = {"role": role, "theatre_ids": [theatre["id"]]}
            assert client.put(f"/api/admin/staff/{ids[name]}", json=body, headers=admin).status_code == 200
    return suffix, ids


def staff_ids(client, admin, params=""):
    return [p["user_id"] for p in client.get(f"/api/admin/staff?{params}", headers=admin).get_json()["items"]]


def test_staff_sort_by_each_key(client, admin, people):
    suffix, ids = people
    expected = {
        "username": ["an", "Bea", "mo", "zed"],  # case-mapped: Bea between an and mo
        "-username": ["zed", "mo", "Bea", "an"],
        "role": ["mo", "zed", "an", "Bea"],  # managers A to Z, the scanner, the user
        "-created_at": ["mo", "Bea", "an", "zed"],  # newest first (one second: by id, newest first)
    }
    for sort, names in expected.items():
        assert staff_ids(client, admin, f"q={suffix}&sort={sort}") == [ids[n] for n in names], sort


def test_staff_default_order_is_unchanged(client, admin, people):
    suffix, ids = people
    assert staff_ids(client, admin, f"q={suffix}") == [ids[n] for n in ("an", "Bea", "mo", "zed")]
    listed = client.get("/api/admin/staff", headers=admin).get_json()["items"]  # admins and staff, by name
    assert [p["username"] for p in listed] == sorted((p["username"] for p in listed), key=str.casefold)
    listed_ids = {p["user_id"] for p in listed}
    assert {ids["an"], ids["mo"], ids["zed"]} <= listed_ids and ids["Bea"] not in listed_ids


@pytest.mark.parametrize("sort", ["role", "-created_at", "username"])
def test_staff_pages_through_a_tie_without_repeats(client, admin, people, sort):
    suffix, ids = people
    got = every_page(client, f"/api/admin/staff?q={suffix}&sort={sort}", admin, key="user_id")
    assert got == staff_ids(client, admin, f"q={suffix}&sort={sort}") and sorted(got) == sorted(ids.values())


@pytest.mark.parametrize("sort", ["email", "-role", "created_at"])
def test_staff_unknown_sort_is_422(client, admin, sort):
    assert "username, -username, role, -created_at" in refused(client, f"/api/admin/staff?sort={sort}", admin)


# ---- audit log ------------------------------------------------------------------------------------


@pytest.fixture
def audited(api, client, admin):
    """Five audit rows, oldest first: the admin creates a theatre and a show and grants mgr… the theatre,
    mgr… creates a screening there, the admin renames the show. Returns {(entity, action): row id}."""
    theatre, show = api.create_theatre(admin), api.create_show(admin)
    manager = api.new_user(f"mgr{os.urandom(2).hex()}")
    body = {"role": "manager", "theatre_ids": [theatre["id"]]}
    assert client.put(f"/api/admin/staff/{manager['id']}", json=body, headers=admin).status_code == 200
    api.create_screening(manager["headers"], show["id"], theatre["id"], at(0))
    assert client.patch(f"/api/shows/{show['id']}", json={"name": "Renamed"}, headers=admin).status_code == 200
    rows = client.get("/api/admin/audit?per_page=100", headers=admin).get_json()["items"]
    rows = {(row["entity"], row["action"]): row["id"] for row in rows}
    newest_first = [("show", "update"), ("screening", "create"), ("staff", "grant"), ("show", "create")]
    assert list(rows) == [*newest_first, ("theatre", "create")]
    return rows


def audit_ids(client, admin, params=""):
    return [
        row["id"] for row in client.get(f"/api/admin/audit?per_page=100&{params}", headers=admin).get_json()["items"]
    ]


def test_audit_sort_by_each_key(client, admin, audited):
    theatre, show, grant = audited["theatre", "create"], audited["show", "create"], audited["staff", "grant"]
    screening, rename = audited["screening", "create"], audited["show", "update"]
    expected = {
        "-at": [rename, screening, grant, show, theatre],
        "at": [theatre, show, grant, screening, rename],
        "actor": [rename, grant, show, theatre, screening],  # admin's newest first, then mgr…
        "entity": [screening, rename, show, grant, theatre],  # the show's two rows newest first
        "action": [screening, show, theatre, grant, rename],  # create ×3 newest first, grant, update
    }
    for sort, ids in expected.items():
        assert audit_ids(client, admin, f"sort={sort}") == ids, sort


def test_audit_default_order_is_unchanged(client, admin, audited):
    assert audit_ids(client, admin) == sorted(audited.values(), reverse=True)  # newest first, by id


@pytest.mark.parametrize("sort", ["actor", "action", "entity", "-at"])
def test_audit_pages_through_a_tie_without_repeats(client, admin, audited, sort):
    ids = every_page(client, f"/api/admin/audit?sort={sort}", admin)
    assert ids == audit_ids(client, admin, f"sort={sort}") and sorted(ids) == sorted(audited.values())


@pytest.mark.parametrize("sort", ["-actor", "id", "when"])
def test_audit_unknown_sort_is_422(client, admin, sort):
    assert "-at, at, actor, entity, action" in refused(client, f"/api/admin/audit?sort={sort}", admin)
