"""Two look-alikes signing up at the same moment, on gunicorn with several worker processes: exactly one
gets the name. Controls: with the check under the write lock forgotten, the unique index on the skeleton
still refuses the second (409, never 500); with the index dropped too, the test catches both getting in."""

import sqlite3
import threading

import requests

from tests.conftest import LiveServer

PASSWORD = "race-Passw0rd-long"
# The app's own argon2 cost (the suite lowers it in conftest): a sign-up hashes between its first check and
# its insert, and that is the window a check-then-insert version leaves open in production.
PRODUCTION_HASHING = {"PASSWORD_HASH_TIME_COST": "3", "PASSWORD_HASH_MEMORY_KIB": str(64 * 1024)}
# One pair of names per round (no digits: they have look-alikes of their own).
WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliett",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
]
CONTROL_WORDS = [
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "xray",
    "yankee",
    "zulu",
    "amber",
    "coral",
    "jade",
    "ruby",
]


def all_at_once(calls: list[dict]) -> list[tuple[int, dict]]:
    """Each call (keyword arguments of requests.request) made by its own thread, all released at once;
    (status, body) per call, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[int, dict] | None] = [None] * len(calls)

    def client(n: int) -> None:
        barrier.wait()
        response = requests.request(timeout=60, **calls[n])
        results[n] = (response.status_code, response.json())

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def sign_up_together(base_url: str, names: list[str]) -> list[tuple[int, dict]]:
    """Each name signed up at once (addresses of their own); (status, body) per name."""
    return all_at_once(
        [
            {
                "method": "POST",
                "url": f"{base_url}/api/auth/signup",
                "json": {"username": name, "email": f"racer{n}-{names[0]}@example.com", "password": PASSWORD},
            }
            for n, name in enumerate(names)
        ]
    )


def race(server: LiveServer, words: list[str]) -> list[str]:
    """Every round signs up "bill-<word>" and "biII-<word>" (capital I's) at once; what went wrong, per round."""
    problems = []
    for word in words:
        names = [f"bill-{word}", f"biII-{word}"]
        results = sign_up_together(server.url, names)
        statuses = sorted(status for status, _ in results)
        with sqlite3.connect(server.data_dir / "ticketshow.sqlite3") as connection:
            stored = connection.execute("SELECT count(*) FROM users WHERE username IN (?, ?)", names).fetchone()[0]
        refused = [body for status, body in results if status == 409]
        if statuses != [201, 409] or stored != 1 or refused[0]["error"]["code"] != "username_taken":
            problems.append(f"{names}: answers {statuses}, {stored} stored")
    return problems


def test_two_look_alikes_at_once_exactly_one_wins(tmp_path, redis_server):
    server = LiveServer(tmp_path, redis_server["url"], **PRODUCTION_HASHING).start()
    try:
        assert race(server, WORDS) == []
    finally:
        server.stop()


def test_control_the_index_refuses_and_the_race_catches_check_then_insert(tmp_path, redis_server):
    """Two requests reach two gunicorn workers at once only in some rounds (each worker serves one request
    at a time): rounds go on until each control has shown itself, at most len(CONTROL_WORDS) in all."""
    server = LiveServer(
        tmp_path, redis_server["url"], app_module="tests.account_race_control_app:app", **PRODUCTION_HASHING
    ).start()
    words = iter(CONTROL_WORDS)
    refusals = tmp_path / "index-refusals.log"
    try:
        # the check under the lock is gone: the unique index alone keeps the second look-alike out, as a 409
        problems = []
        for word in words:
            problems += race(server, [word])
            if refusals.exists():
                break
        assert problems == []
        assert refusals.exists(), "no round reached the unique index: the control proved nothing"
        print(f"the index refused {refusals.read_text().split()} by round {CONTROL_WORDS.index(word) + 1}")
        with sqlite3.connect(server.data_dir / "ticketshow.sqlite3") as connection:
            connection.execute("DROP INDEX ix_users_username_skeleton")
        # and without it, a check-then-insert lets both in: the race test must see it
        caught = []
        for word in words:
            caught += race(server, [word])
            if caught:
                break
        print(f"check-then-insert caught by round {CONTROL_WORDS.index(word) + 1}: {caught}")
        assert caught, "the race test could not tell a check-then-insert sign-up from a safe one"
    finally:
        server.stop()
