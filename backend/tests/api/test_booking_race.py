"""Booking never oversells under real concurrency: gunicorn with several worker processes, 64 clients."""

import requests

from tests import race
from tests.conftest import ADMIN_PASSWORD, LiveServer

CLIENTS, SEATS = 64, 50


def test_race_never_oversells_and_never_refuses_wrongly(live_server):
    arena = race.prepare(live_server.url, ADMIN_PASSWORD, clients=CLIENTS, seats=SEATS)
    outcomes = race.fire(arena)
    assert len(outcomes) == CLIENTS
    assert sum(o.asked for o in outcomes) > SEATS  # demand exceeds supply, so the hall must fill
    problems = race.violations(arena, outcomes, live_server.data_dir / "ticketshow.sqlite3")
    assert problems == {"oversold": [], "counts_disagree": [], "wrongly_refused": [], "errors": []}
    confirmed = [o for o in outcomes if o.status == 201]
    assert sum(o.asked for o in confirmed) == SEATS  # filled to the last seat

    # (d) cancelled seats can be booked again
    screening_id = arena.screening_ids[0]
    victim = confirmed[0]
    booking_id = victim.body["id"]
    owner_token = next(
        t
        for t in arena.tokens
        if requests.get(
            f"{live_server.url}/api/bookings/{booking_id}", headers={"Authorization": f"Bearer {t}"}
        ).status_code
        == 200
    )
    owner = {"Authorization": f"Bearer {owner_token}"}
    assert requests.post(f"{live_server.url}/api/bookings/{booking_id}/cancel", headers=owner).status_code == 200
    again = requests.post(
        f"{live_server.url}/api/bookings", headers=owner, json={"screening_id": screening_id, "quantity": victim.asked}
    )
    assert again.status_code == 201
    assert requests.get(f"{live_server.url}/api/screenings/{screening_id}").json()["seats_left"] == 0


def test_control_the_race_catches_check_then_insert(tmp_path, redis_server):
    broken = LiveServer(tmp_path, redis_server["url"], app_module="tests.race_control_app:app").start()
    try:
        caught = False
        arena = race.prepare(broken.url, ADMIN_PASSWORD, clients=CLIENTS, seats=SEATS)
        for seed in range(5):  # a race is a race: give the broken version a few chances to show itself
            race.new_screenings(arena)
            problems = race.violations(arena, race.fire(arena, seed=seed), tmp_path / "ticketshow.sqlite3")
            if any(problems.values()):
                caught = True
                break
        assert caught, "the race test could not tell a check-then-insert booking from a safe one"
    finally:
        broken.stop()
