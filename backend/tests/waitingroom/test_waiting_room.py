"""The waiting room through the API (docs/waiting-room.md): admitted at once while there is room, in line
first come first served when it is full, 429 `waiting_room` for a hold out of turn, and the ways out
(booking, the idle limit, a hold lapsing, leaving, houseful). Time is moved with time-machine, never slept;
the room runs on the tests' real Redis."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.api.test_catalog import later
from tests.conftest import Api, make_settings
from ticketshow import create_app
from ticketshow.extensions import redis_store
from ticketshow.processes import free_port


@pytest.fixture
def clock():
    """The fake clock, stopped at the real now (tokens were issued just before; it only moves forward)."""
    with time_machine.travel(datetime.now(timezone.utc), tick=False) as traveller:
        yield traveller


@pytest.fixture
def screening(api, admin):
    theatre = api.create_theatre(admin, capacity=40)
    show = api.create_show(admin)
    return api.create_screening(admin, show["id"], theatre["id"], later(2))


def room(app, buyers: int) -> None:
    app.config["WAITING_ROOM_BUYERS"] = buyers


def ask(client, user, screening_id, **headers):
    return client.post(f"/api/screenings/{screening_id}/admission", headers={**user["headers"], **headers})


def hold(client, user, screening_id, **body):
    return client.post(f"/api/screenings/{screening_id}/holds", json=body or {"quantity": 1}, headers=user["headers"])


def book(client, user, hold_id):
    return client.post("/api/bookings", json={"hold_id": hold_id}, headers=user["headers"])


def two_in_two_waiting(app, api, client, screening_id: int) -> tuple:
    """A room of two, full (a and b inside), with c then d in line; the four users."""
    room(app, 2)
    a, b, c, d = (api.new_user() for _ in range(4))
    assert ask(client, a, screening_id).status_code == 200
    assert ask(client, b, screening_id).status_code == 200
    waiting(ask(client, c, screening_id), 1)
    waiting(ask(client, d, screening_id), 2)
    return a, b, c, d


def waiting(response, position: int) -> None:
    """A 202: in line at `position`, told when to ask again (body and header agree)."""
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body == {"admitted": False, "position": position, "retry_after": body["retry_after"]}
    assert 1 <= body["retry_after"] <= 10 and response.headers["Retry-After"] == str(body["retry_after"])


def test_a_quiet_screening_lets_everyone_in_at_once(app, api, client, screening, clock):
    room(app, 2)
    a, b, c = api.new_user(), api.new_user(), api.new_user()
    answer = ask(client, a, screening["id"])
    assert answer.status_code == 200
    now = datetime.now(timezone.utc).replace(microsecond=0)
    assert answer.get_json() == {"admitted": True, "expires_at": answer.get_json()["expires_at"]}
    assert datetime.fromisoformat(answer.get_json()["expires_at"]) == now + timedelta(minutes=2)
    # A client that never asks holds as it always did while there is room, and takes a place.
    assert hold(client, b, screening["id"]).status_code == 201
    waiting(ask(client, c, screening["id"]), 1)


def test_a_full_room_keeps_a_line_first_come_first_served(app, api, client, screening, clock):
    a, _, c, d = two_in_two_waiting(app, api, client, screening["id"])
    waiting(ask(client, c, screening["id"]), 1)  # asking again keeps the place
    # A hold out of turn: 429 with the place in line; the admitted hold as usual.
    refused = hold(client, d, screening["id"])
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "waiting_room" and error["details"]["position"] == 2
    assert refused.headers["Retry-After"] == str(error["details"]["retry_after"])
    held = hold(client, a, screening["id"], quantity=2)
    assert held.status_code == 201
    # d asking before its turn does not jump c, who is let in at its next question once a has booked.
    assert book(client, a, held.get_json()["id"]).status_code == 201
    waiting(ask(client, d, screening["id"]), 2)
    assert ask(client, c, screening["id"]).status_code == 200
    waiting(ask(client, d, screening["id"]), 1)
    assert hold(client, c, screening["id"]).status_code == 201


def test_an_idle_buyer_loses_its_place_a_question_keeps_it(app, api, client, screening, clock):
    a, _, c, d = two_in_two_waiting(app, api, client, screening["id"])
    for second in range(20, 120, 20):  # the waiting ask every 20 s, as told (they would lapse after 30 s)
        clock.shift(timedelta(seconds=20))
        if second == 60:
            assert ask(client, a, screening["id"]).status_code == 200  # a is still choosing: 2 minutes more
        waiting(ask(client, c, screening["id"]), 1)
        waiting(ask(client, d, screening["id"]), 2)
    clock.shift(timedelta(seconds=20))  # 2 minutes: b said nothing since it came in; a asked at 60 s
    assert ask(client, c, screening["id"]).status_code == 200
    waiting(ask(client, d, screening["id"]), 1)


def test_a_waiting_entry_that_stops_asking_lapses(app, api, client, screening, clock):
    room(app, 1)
    a, c, d = (api.new_user() for _ in range(3))
    assert ask(client, a, screening["id"]).status_code == 200
    waiting(ask(client, c, screening["id"]), 1)
    waiting(ask(client, d, screening["id"]), 2)
    clock.shift(timedelta(seconds=20))
    waiting(ask(client, d, screening["id"]), 2)
    clock.shift(timedelta(seconds=20))  # c silent for 40 s: gone
    waiting(ask(client, d, screening["id"]), 1)
    waiting(ask(client, c, screening["id"]), 2)  # back, at the end of the line


def test_a_hold_keeps_the_place_until_it_lapses(app, api, client, screening, clock):
    room(app, 1)
    a, b = api.new_user(), api.new_user()
    expires_at = datetime.fromisoformat(hold(client, a, screening["id"]).get_json()["expires_at"])
    waiting(ask(client, b, screening["id"]), 1)
    while datetime.now(timezone.utc) + timedelta(seconds=20) < expires_at:  # past the idle limit, within the hold
        clock.shift(timedelta(seconds=20))
        waiting(ask(client, b, screening["id"]), 1)
    clock.shift(expires_at - datetime.now(timezone.utc))
    assert ask(client, b, screening["id"]).status_code == 200


def test_leaving_gives_the_place_to_the_next_in_line(app, api, client, screening, clock):
    room(app, 1)
    a, b, c = (api.new_user() for _ in range(3))
    assert ask(client, a, screening["id"]).status_code == 200
    waiting(ask(client, b, screening["id"]), 1)
    waiting(ask(client, c, screening["id"]), 2)
    assert client.delete(f"/api/screenings/{screening['id']}/admission", headers=b["headers"]).status_code == 204
    waiting(ask(client, c, screening["id"]), 1)  # b left the line
    assert client.delete(f"/api/screenings/{screening['id']}/admission", headers=a["headers"]).status_code == 204
    assert ask(client, c, screening["id"]).status_code == 200
    # Leaving twice, or without having come, is fine; leaving a screening that does not exist is a 404.
    assert client.delete(f"/api/screenings/{screening['id']}/admission", headers=a["headers"]).status_code == 204
    assert client.delete("/api/screenings/999999/admission", headers=a["headers"]).status_code == 404


def test_told_houseful_a_buyer_leaves_so_the_line_learns_it_too(app, api, admin, client, clock):
    theatre = api.create_theatre(admin, capacity=2)
    show = api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    room(app, 1)
    a, b, c = (api.new_user() for _ in range(3))
    held = hold(client, a, screening["id"], quantity=2)
    waiting(ask(client, b, screening["id"]), 1)
    assert book(client, a, held.get_json()["id"]).status_code == 201
    assert ask(client, b, screening["id"]).status_code == 200
    waiting(ask(client, c, screening["id"]), 1)
    refused = hold(client, b, screening["id"])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "houseful"
    assert ask(client, c, screening["id"]).status_code == 200


def test_with_no_room_nobody_waits_and_redis_is_not_asked(app, api, client, screening, clock):
    room(app, 0)
    users = [api.new_user() for _ in range(4)]
    for user in users:
        assert ask(client, user, screening["id"]).get_json()["admitted"] is True
        assert hold(client, user, screening["id"]).status_code == 201
    assert redis_store.client.keys("waitingroom:*") == []


def test_the_room_leaves_nothing_behind_in_redis(app, api, client, screening, clock):
    room(app, 1)
    a, b = api.new_user(), api.new_user()
    assert hold(client, a, screening["id"]).status_code == 201
    waiting(ask(client, b, screening["id"]), 1)
    keys = redis_store.client.keys(f"waitingroom:{{{screening['id']}}}:*")
    assert len(keys) == 4  # in, line, seen, seq
    # Every key outlives the longest stay (the 8-minute hold) and then goes by itself.
    assert all(8 * 60 * 1000 < redis_store.client.pttl(key) <= 20 * 60 * 1000 for key in keys)


def test_unknown_and_started_screenings(app, api, admin, client, clock):
    room(app, 2)
    user = api.new_user()
    missing = client.post("/api/screenings/999999/admission", headers=user["headers"])
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    theatre = api.create_theatre(admin, capacity=10)
    show = api.create_show(admin)
    soon = api.create_screening(admin, show["id"], theatre["id"], later(0, hours=1))
    assert ask(client, user, soon["id"]).status_code == 200
    clock.shift(timedelta(hours=1, minutes=1))
    started = ask(client, user, soon["id"])
    assert started.status_code == 409 and started.get_json()["error"]["code"] == "screening_started"
    assert client.post(f"/api/screenings/{soon['id']}/admission").status_code == 401


def test_the_waiting_message_speaks_the_callers_language(app, api, client, screening):
    room(app, 1)
    a, b = api.new_user(), api.new_user()
    assert ask(client, a, screening["id"]).status_code == 200
    english = hold(client, b, screening["id"]).get_json()["error"]["message"]
    hindi = client.post(
        f"/api/screenings/{screening['id']}/holds",
        json={"quantity": 1},
        headers={**b["headers"], "Accept-Language": "hi"},
    ).get_json()["error"]["message"]
    assert english.startswith("Many people are choosing seats") and hindi != english and "कतार" in hindi


def test_without_redis_the_room_opens_and_sqlite_still_refuses_a_seat_twice(tmp_path, migrated_template):
    """Redis unreachable: everyone is admitted (the room paces, it never guards seats); two buyers of one
    seat still get one hold between them, from SQLite."""
    shutil.copy(migrated_template, tmp_path / "ticketshow.sqlite3")
    down = create_app(make_settings(tmp_path, f"redis://127.0.0.1:{free_port()}/0", waiting_room_buyers=1))
    client = down.test_client()
    api = Api(client)
    admin = api.admin_headers()
    theatre = api.create_theatre(admin, capacity=10)
    show = api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    a, b = api.new_user(), api.new_user()
    assert ask(client, a, screening["id"]).status_code == 200
    assert ask(client, b, screening["id"]).status_code == 200  # the room of one is open to both
    first = hold(client, a, screening["id"], seats=["A1"])
    second = hold(client, b, screening["id"], seats=["A1"])
    assert first.status_code == 201
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "seats_unavailable"
    with down.app_context():
        from ticketshow.extensions import db

        db.session.remove()
        db.engine.dispose()
