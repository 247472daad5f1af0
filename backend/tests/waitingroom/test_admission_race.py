"""The waiting room never lets in more buyers than it holds, under real concurrency: gunicorn with several
worker processes and many clients asking at one instant; with a control that shows the test catches a
check-then-add version of the admission."""

from __future__ import annotations

import threading

import pytest
import redis
import requests

from tests import race
from tests.conftest import ADMIN_PASSWORD, LiveServer
from ticketshow.waitingroom.service import _keys

PLACES, CLIENTS = 6, 40


def fire(arena: race.Arena, screening_id: int, methods: list[str]) -> list[tuple[int, dict]]:
    """Client n sends methods[n] ("POST": ask, "DELETE": leave, None: nothing) to
    /api/screenings/{id}/admission, all released at the same instant; the answers in client order."""
    plan = [(n, method) for n, method in enumerate(methods) if method]
    answers: list = [None] * len(methods)
    barrier = threading.Barrier(len(plan))

    def client(n: int, method: str):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {arena.tokens[n]}"
        barrier.wait()
        response = session.request(method, f"{arena.base_url}/api/screenings/{screening_id}/admission", timeout=60)
        answers[n] = (response.status_code, race._json(response) if response.content else {})

    threads = [threading.Thread(target=client, args=item) for item in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def inside(server: LiveServer, screening_id: int) -> int:
    return redis.Redis.from_url(server.redis_url).zcard(_keys(screening_id)[0])


@pytest.fixture(scope="module")
def room_server(tmp_path_factory, redis_server):
    server = LiveServer(tmp_path_factory.mktemp("room"), redis_server["url"], WAITING_ROOM_BUYERS=str(PLACES)).start()
    yield server
    server.stop()


def test_40_clients_at_once_never_more_inside_than_the_room_holds(room_server):
    arena = race.prepare(room_server.url, ADMIN_PASSWORD, clients=CLIENTS, seats=50, screenings=3)
    for screening_id in arena.screening_ids:  # three rounds, a fresh room each
        answers = fire(arena, screening_id, ["POST"] * CLIENTS)
        assert sorted(status for status, _ in answers) == [200] * PLACES + [202] * (CLIENTS - PLACES), answers
        position = {n: body["position"] for n, (status, body) in enumerate(answers) if status == 202}
        assert sorted(position.values()) == list(range(1, CLIENTS - PLACES + 1))  # one line, no place twice
        assert inside(room_server, screening_id) == PLACES
        # Those inside leave while everyone in line asks again, at one instant: never more than the room
        # holds, and the places go to the front of the line.
        methods = ["DELETE" if status == 200 else "POST" for status, _ in answers]
        again = fire(arena, screening_id, methods)
        let_in = [n for n in position if again[n][0] == 200]
        assert len(let_in) <= PLACES and inside(room_server, screening_id) <= PLACES
        assert all(position[n] <= PLACES for n in let_in), {n: position[n] for n in let_in}
        # Asked once more, the front of the line is all in and the room is exactly full.
        last = fire(arena, screening_id, [None if status == 200 else "POST" for status, _ in answers])
        assert sorted(n for n in position if last[n][0] == 200) == sorted(n for n in position if position[n] <= PLACES)
        assert inside(room_server, screening_id) == PLACES


def test_control_the_race_catches_check_then_add(tmp_path, redis_server):
    broken = LiveServer(
        tmp_path, redis_server["url"], app_module="tests.waitingroom_control_app:app", WAITING_ROOM_BUYERS=str(PLACES)
    ).start()
    try:
        arena = race.prepare(broken.url, ADMIN_PASSWORD, clients=CLIENTS, seats=50)
        caught = False
        for round_ in range(10):  # a race is a race: give the broken version chances to show itself
            if round_:
                race.new_screenings(arena)
            answers = fire(arena, arena.screening_ids[0], ["POST"] * CLIENTS)
            admitted = sum(status == 200 for status, _ in answers)
            if admitted > PLACES or inside(broken, arena.screening_ids[0]) > PLACES:
                caught = True
                break
        assert caught, "the admission race test could not tell a check-then-add room from an atomic one"
    finally:
        broken.stop()
