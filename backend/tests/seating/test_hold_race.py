"""Holds never give one seat to two people and a seat is never sold twice, under real concurrency:
gunicorn with several worker processes and many clients released at once; with a control that shows the
test catches a check-then-insert version without the unique key."""

import sqlite3

import requests

from tests import hold_race, race
from tests.conftest import ADMIN_PASSWORD, LiveServer


def labels_of(base_url: str, screening_id: int) -> list[str]:
    seat_map = requests.get(f"{base_url}/api/screenings/{screening_id}/seats").json()
    return [seat["label"] for row in seat_map["rows"] for seat in row["seats"] if seat]


def test_24_clients_on_one_seat_exactly_one_hold(live_server):
    arena = race.prepare(live_server.url, ADMIN_PASSWORD, clients=24, seats=20)
    outcomes = hold_race.fire_holds(arena, [["A10"]] * 24)
    assert sorted(o.status for o in outcomes) == [201] + [409] * 23
    assert all(o.body["error"]["details"]["seats"] == ["A10"] for o in outcomes if o.status == 409)
    database = live_server.data_dir / "ticketshow.sqlite3"
    assert hold_race.hold_violations(outcomes, database, arena.screening_ids[0]) == {
        "double_held": [],
        "sold_twice": [],
        "wrongly_refused": [],
        "errors": [],
    }
    seat_map = requests.get(f"{live_server.url}/api/screenings/{arena.screening_ids[0]}/seats").json()
    assert seat_map["seats_left"] == 19


def test_overlapping_holds_then_bookings_never_share_a_seat(live_server):
    arena = race.prepare(live_server.url, ADMIN_PASSWORD, clients=48, seats=30)
    database = live_server.data_dir / "ticketshow.sqlite3"
    for round_ in range(3):
        if round_:
            race.new_screenings(arena)
        labels = labels_of(live_server.url, arena.screening_ids[0])
        outcomes = hold_race.fire_holds(arena, hold_race.overlapping_plans(labels, 48, seed=round_), book=True)
        problems = hold_race.hold_violations(outcomes, database, arena.screening_ids[0])
        assert problems == {"double_held": [], "sold_twice": [], "wrongly_refused": [], "errors": []}
        held = [o for o in outcomes if o.status == 201]
        assert held and len(held) < 48  # the wants overlap: some win, some are refused
        with sqlite3.connect(database) as connection:
            sold = connection.execute(
                "SELECT count(*) FROM tickets WHERE screening_id = ?", (arena.screening_ids[0],)
            ).fetchone()[0]
        assert sold == sum(len(o.body["seats"]) for o in held)  # every hold was booked, seat for seat
        left = requests.get(f"{live_server.url}/api/screenings/{arena.screening_ids[0]}").json()["seats_left"]
        assert left == 30 - sold


def test_control_the_race_catches_check_then_insert(tmp_path, redis_server):
    broken = LiveServer(tmp_path, redis_server["url"], app_module="tests.hold_race_control_app:app").start()
    try:
        hold_race.forget_the_unique_key(tmp_path / "ticketshow.sqlite3")
        arena = race.prepare(broken.url, ADMIN_PASSWORD, clients=24, seats=20)
        caught = False
        for round_ in range(10):  # a race is a race: give the broken version chances to show itself
            if round_:
                race.new_screenings(arena)
            outcomes = hold_race.fire_holds(arena, [["A10", "A11"]] * 24)
            problems = hold_race.hold_violations(outcomes, tmp_path / "ticketshow.sqlite3", arena.screening_ids[0])
            if problems["double_held"]:
                caught = True
                break
        assert caught, "the hold race test could not tell a check-then-insert hold from a safe one"
    finally:
        broken.stop()
