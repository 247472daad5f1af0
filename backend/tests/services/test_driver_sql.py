"""The driver-SQL seam (database.py, booking/ledger.py, pricing/repricing.py): named rows, a connection kept
per thread outside the pool, and a guard against a driver write transaction inside the session's own."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.api.test_catalog import later
from ticketshow.auth.models import User
from ticketshow.booking import ledger
from ticketshow.booking.models import Booking
from ticketshow.database import (
    DriverTransactionConflict,
    driver_write_transaction,
    immediate_transaction,
    pooled_sqlite,
    session_write_connection,
)
from ticketshow.extensions import db
from ticketshow.pricing import repricing


def bookings_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Booking))


def test_driver_write_transaction_is_refused_inside_the_session_write_transaction(app):
    with pytest.raises(DriverTransactionConflict, match="inside the ORM session's write transaction"):
        with immediate_transaction(db.session):
            with driver_write_transaction(db.session):
                pass  # pragma: no cover  (never reached)


def test_driver_write_transaction_is_refused_while_the_session_has_unwritten_changes(app):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    admin.preferred_place = "Pune"  # a change the old code would have committed half-way
    with pytest.raises(DriverTransactionConflict), driver_write_transaction(db.session):
        pass  # pragma: no cover
    db.session.rollback()
    assert db.session.scalar(select(User.preferred_place).where(User.username == "admin")) != "Pune"


def test_driver_write_transaction_ends_a_read_transaction_and_commits_or_rolls_back(app):
    before = bookings_count()  # the session now holds a read transaction
    with driver_write_transaction(db.session) as sqlite:
        assert sqlite.in_transaction
        sqlite.execute("UPDATE users SET preferred_place = 'Agra' WHERE username = 'admin'")
    assert db.session.scalar(select(User.preferred_place).where(User.username == "admin")) == "Agra"
    with pytest.raises(ZeroDivisionError), driver_write_transaction(db.session) as sqlite:
        sqlite.execute("UPDATE users SET preferred_place = 'Goa' WHERE username = 'admin'")
        1 / 0  # noqa: B018
    db.session.commit()
    assert db.session.scalar(select(User.preferred_place).where(User.username == "admin")) == "Agra"
    assert bookings_count() == before


def test_session_write_connection_only_inside_immediate_transaction(app):
    with pytest.raises(RuntimeError, match="outside immediate_transaction"):
        session_write_connection(db.session)
    with pytest.raises(RuntimeError):
        repricing.reprice([1], "admin")
    with immediate_transaction(db.session):
        assert session_write_connection(db.session).in_transaction


def test_a_thread_keeps_its_driver_connection_outside_the_pool(app):
    pool = db.engine.pool
    out = pool.checkedout()
    with pooled_sqlite(db.engine) as sqlite:
        assert sqlite.execute("SELECT 1").fetchone() == (1,)
        assert pool.checkedout() == out  # detached: never counts against the pool's size
        sqlite.execute("BEGIN")  # left in a transaction, as after an error escaped its block
    with pooled_sqlite(db.engine) as again:
        assert again is sqlite  # the same connection next time
        assert not again.in_transaction  # rolled back before it is handed out again
        assert again.execute("PRAGMA foreign_keys").fetchone() == (1,)  # the engine's pragmas
    others, engine = [], db.engine

    def other_thread():
        with pooled_sqlite(engine) as theirs:
            others.append(theirs)

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert others and others[0] is not sqlite  # one per thread
    db.engine.dispose()  # a new pool (a restored file): a new connection
    with pooled_sqlite(db.engine) as fresh:
        assert fresh is not sqlite and fresh.execute("SELECT 1").fetchone() == (1,)


def screening_layout_id(screening_id: int) -> int:
    from ticketshow.catalog.models import Screening

    return db.session.get(Screening, screening_id).layout_id


def test_ledger_rows_are_named_and_decoded(app, api, admin):
    theatre = api.create_theatre(admin, capacity=5)
    show = api.create_show(admin, ticket_price=250)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    with pooled_sqlite(db.engine) as sqlite:
        row = ledger.screening_for_sale(sqlite, user["id"], screening["id"])
        assert (row.seats_total, row.show_id, row.theatre_id, row.my_rating) == (5, show["id"], theatre["id"], None)
        assert str(row.unit_price) == "250.00"
        assert row.starts_at_utc.tzinfo is timezone.utc
        assert ledger.seats_taken_count(sqlite, screening["id"], datetime.now(timezone.utc)) == 0
        assert (row.layout_id, row.id) == (screening_layout_id(screening["id"]), screening["id"])
        assert ledger.screening_for_sale(sqlite, user["id"], screening["id"] + 1000) is None


def test_cancel_and_free_seats_leaves_cancelled_bookings_alone(app, api, admin):
    theatre = api.create_theatre(admin, capacity=5)
    show = api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    booked = api.client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": 2}, headers=user["headers"]
    ).get_json()
    first = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with immediate_transaction(db.session):
        sqlite = session_write_connection(db.session)
        ledger.cancel_and_free_seats(sqlite, [booked["id"]], reason="show_removed", now=first)
        ledger.cancel_and_free_seats(sqlite, [booked["id"]], reason="cancelled_by_user", now=first + timedelta(hours=1))
        assert ledger.taken(sqlite, screening["id"], first) == {}
    booking = db.session.get(Booking, booked["id"])
    assert (booking.status, booking.cancel_reason, booking.cancelled_at) == ("cancelled", "show_removed", first)


def test_book_inside_the_session_write_transaction_joins_it(app, api, admin):
    """The demo loader books inside its one transaction: the booking commits or rolls back with it."""
    from ticketshow.booking import service as booking_service

    theatre = api.create_theatre(admin, capacity=5)
    show = api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    before = bookings_count()
    with pytest.raises(LookupError), immediate_transaction(db.session):
        booking_service.book(user["id"], screening["id"], 2)
        raise LookupError("the rest of the caller's work failed")
    assert bookings_count() == before
    with immediate_transaction(db.session):
        answer, created = booking_service.book(user["id"], screening["id"], 2)
        admin_user = db.session.scalar(select(User).where(User.username == "admin"))
        admin_user.preferred_place = "Kochi"
    assert created and answer["seats"] == ["A2", "A3"]  # the middle of the one row of 5
    assert bookings_count() == before + 1
    assert db.session.scalar(select(User.preferred_place).where(User.username == "admin")) == "Kochi"
