"""Query shape: list endpoints do not grow their statement count with rows (no N+1), and the hot paths
(timeframe listing, booking) search screenings and tickets by index, never by a full scan."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.api.test_catalog import later
from tests.factories import book_seats


@contextmanager
def recorded_statements():
    """Every statement SQLite runs in the block, as SQLite's trace sees it (values inlined): those sent by
    SQLAlchemy and those the booking path sends on the driver connection alike."""
    from ticketshow.database import pooled_sqlite
    from ticketshow.extensions import db

    statements, traced = [], []

    def trace(connection):
        connection.set_trace_callback(lambda statement: statements.append((statement, ())))
        traced.append(connection)

    def on_checkout(dbapi_connection, _record, _proxy):
        trace(dbapi_connection)

    event.listen(db.engine, "checkout", on_checkout)
    with pooled_sqlite(db.engine) as sqlite:  # this thread's driver-SQL connection, kept between uses
        trace(sqlite)
    if db.session().in_transaction():  # the test's own session may already hold a connection
        trace(db.session.connection().connection.driver_connection)
    try:
        yield statements
    finally:
        event.remove(db.engine, "checkout", on_checkout)
        for connection in traced:
            connection.set_trace_callback(None)


def statement_count(client, path, headers=None) -> int:
    from ticketshow import cache

    cache.flush_all()
    with recorded_statements() as statements:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    # SELECTs only: the once-in-a-while "last seen" write of an authenticated request is not a read.
    return len([s for s, _ in statements if s.lstrip().upper().startswith("SELECT")])


def grow(api, admin, user, n):
    """n more theatres, shows with tags, screenings and bookings."""
    for _ in range(n):
        theatre = api.create_theatre(admin)
        show = api.create_show(
            admin,
            tags=["drama", "family"],
            screenings=[
                {"theatre_id": theatre["id"], "starts_at": later(1)},
                {"theatre_id": theatre["id"], "starts_at": later(2)},
            ],
        )
        screening_id = api.client.get(f"/api/shows/{show['id']}").get_json()["screenings"][0]["id"]
        book_seats(user["id"], screening_id, 2)
    return theatre, show


def test_list_endpoints_do_not_grow_with_rows(app, api, client, admin):
    user = api.new_user()
    theatre, show = grow(api, admin, user, 2)
    paths = [
        "/api/theatres",
        "/api/shows",
        "/api/shows?tag=drama&place=chennai",
        "/api/screenings",
        f"/api/theatres/{theatre['id']}",
        f"/api/shows/{show['id']}",
    ]
    small = {path: statement_count(client, path) for path in paths}
    small_bookings = statement_count(client, "/api/bookings", user["headers"])
    grow(api, admin, user, 6)
    for path in paths:
        assert statement_count(client, path) == small[path], path
    assert statement_count(client, "/api/bookings", user["headers"]) == small_bookings


def plans(statements):
    from ticketshow.extensions import db

    found = []
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
                continue
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            found.append((statement, [row[-1] for row in rows]))
    return found


def full_scans(found, tables=("screenings", "tickets")):
    # SEARCH is an index lookup; SCAN reads the whole table, or the whole of an index (still O(rows)).
    pattern = re.compile(r"^SCAN (%s)\b" % "|".join(tables))
    return [(statement[:120], detail) for statement, details in found for detail in details if pattern.match(detail)]


@pytest.fixture
def busy_catalogue(app, api, admin):
    user = api.new_user()
    grow(api, admin, user, 5)
    return user


def test_timeframe_listing_uses_indexes(app, client, busy_catalogue):
    from ticketshow import cache

    cache.flush_all()
    with recorded_statements() as statements:
        assert client.get(f"/api/screenings?from={later(0)}&to={later(3)}".replace("+", "%2B")).status_code == 200
    found = plans(statements)
    assert found and full_scans(found) == []


def test_booking_uses_indexes(app, api, client, admin, busy_catalogue):
    screening_id = client.get("/api/screenings").get_json()["items"][0]["id"]
    with recorded_statements() as statements:
        response = client.post(
            "/api/bookings", json={"screening_id": screening_id, "quantity": 2}, headers=busy_catalogue["headers"]
        )
    assert response.status_code == 201
    found = plans(statements)
    assert any("INSERT INTO tickets" in s for s, _ in found)
    assert full_scans(found) == []


def test_the_scan_check_can_fail(app, busy_catalogue):
    found = plans(
        [("SELECT count(*) FROM tickets WHERE seat_no = ?", (1,)), ("SELECT * FROM screenings WHERE price > ?", (0,))]
    )
    assert [statement.split()[3] for statement, _ in full_scans(found)] == ["tickets", "screenings"]


def test_show_cards_read_their_prices_from_the_index_alone(app, client, busy_catalogue):
    # Every show card's "from" price (catalog/listing.py prices_from) reads a show's upcoming screenings; with
    # price, theatre and removal in ix_screenings_show_prices it reads no screening's row (migration 0024).
    from ticketshow import cache

    cache.flush_all()
    with recorded_statements() as statements:
        assert client.get("/api/shows").status_code == 200
    found = plans(statements)
    prices = [details for statement, details in found if "min(s.price)" in statement]
    assert prices and all(
        any(detail.startswith("SEARCH s USING COVERING INDEX ix_screenings_show_prices") for detail in details)
        for details in prices
    ), prices
