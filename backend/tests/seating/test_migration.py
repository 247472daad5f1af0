"""Revision 0011_seat_maps on a database with sales: every theatre gets a default layout, every screening
its layout, every ticket the label of its seat number, and nothing sold changes."""

import sqlite3
from datetime import datetime, timedelta, timezone

from flask_migrate import upgrade

from tests.conftest import make_settings
from ticketshow import create_app
from ticketshow.extensions import db


def stored(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def test_existing_sales_get_seat_labels_and_keep_everything(tmp_path, redis_server):
    app = create_app(make_settings(tmp_path, redis_server["url"]))
    with app.app_context():
        upgrade(revision="0010_precis_usernames")
        db.session.remove()
        db.engine.dispose()
    now = datetime.now(timezone.utc)
    later, now_s = stored(now + timedelta(days=2)), stored(now)
    with sqlite3.connect(tmp_path / "ticketshow.sqlite3") as c:
        c.execute(
            "INSERT INTO users (id, username, username_key, email, password_hash, role, created_at, "
            "report_format, reminders) VALUES (1, 'u', 'u', 'u@example.com', 'x', 'user', ?, 'html', 1)",
            (now_s,),
        )
        c.execute(
            "INSERT INTO theatres (id, name, name_folded, place, place_folded, capacity, created_at, updated_at) "
            "VALUES (1, 'Regal', 'regal', 'Pune', 'pune', 45, ?, ?)",
            (now_s, now_s),
        )
        c.execute(
            "INSERT INTO shows (id, name, name_folded, rating, ticket_price, created_at, updated_at) "
            "VALUES (1, 'Sholay', 'sholay', 4, 15050, ?, ?)",
            (now_s, now_s),
        )
        # Screening 1 has the theatre's capacity; screening 2 was made when the theatre held 30 seats.
        for sid, seats in ((1, 45), (2, 30)):
            c.execute(
                "INSERT INTO screenings (id, show_id, theatre_id, starts_at, price, base_price, seats_total, "
                "created_at) VALUES (?, 1, 1, ?, 15050, 15050, ?, ?)",
                (sid, later, seats, now_s),
            )
        c.executemany(
            "INSERT INTO bookings (id, user_id, screening_id, quantity, unit_price, total_price, status, "
            "created_at) VALUES (?, 1, ?, ?, ?, ?, 'confirmed', ?)",
            [(1, 1, 3, 15050, 45150, now_s), (2, 1, 2, 16000, 32000, now_s), (3, 2, 1, 15050, 15050, now_s)],
        )
        c.executemany(
            "INSERT INTO tickets (id, booking_id, screening_id, seat_no) VALUES (?, ?, ?, ?)",
            [(1, 1, 1, 1), (2, 1, 1, 2), (3, 1, 1, 3), (4, 2, 1, 21), (5, 2, 1, 45), (6, 3, 2, 30)],
        )
        before = c.execute("SELECT id, booking_id, screening_id, seat_no FROM tickets ORDER BY id").fetchall()
        bookings_before = c.execute("SELECT * FROM bookings ORDER BY id").fetchall()

    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()

    with sqlite3.connect(tmp_path / "ticketshow.sqlite3") as c:
        assert c.execute("SELECT id, booking_id, screening_id, seat_no FROM tickets ORDER BY id").fetchall() == before
        assert c.execute("SELECT * FROM bookings ORDER BY id").fetchall() == bookings_before
        labels = c.execute("SELECT seat_label, price FROM tickets ORDER BY id").fetchall()
        assert labels == [("A1", 15050), ("A2", 15050), ("A3", 15050), ("B1", 16000), ("C5", 16000), ("B10", 15050)]
        layouts = c.execute("SELECT id, theatre_id, seat_count, is_default FROM seat_layouts ORDER BY id").fetchall()
        assert [(t, n, d) for _, t, n, d in layouts] == [(1, 30, 1), (1, 45, 1)]  # the theatre's own is the newest
        screenings = dict(c.execute("SELECT id, layout_id FROM screenings").fetchall())
        assert screenings == {1: layouts[1][0], 2: layouts[0][0]}
        assert c.execute("SELECT seats_total FROM screenings ORDER BY id").fetchall() == [(45,), (30,)]

    client = app.test_client()
    with app.app_context():
        seat_map = client.get("/api/screenings/1/seats").get_json()
        states = {s["label"]: s["state"] for r in seat_map["rows"] for s in r["seats"] if s}
        assert {label for label, state in states.items() if state == "sold"} == {"A1", "A2", "A3", "B1", "C5"}
        assert seat_map["seats_left"] == 40 and seat_map["categories"][0]["price"] == 150.5
        assert client.get("/api/screenings/2").get_json()["seats_left"] == 29
        layout = client.get("/api/theatres/1/layout").get_json()
        assert layout["seat_count"] == 45 and layout["is_default"] is True
        db.session.remove()
        db.engine.dispose()
