"""Two cases of one address written at the same moment, on gunicorn with several worker processes: exactly one
account gets it, whether by sign-up ("A.x@x.in" and "a.x@x.in") or by PATCH /api/auth/me. Controls: with the
check under the write lock forgotten, the unique index on users.email_key still refuses the second (409
`email_taken`, never 500); with the index dropped too, the test catches both getting in."""

import sqlite3

import requests

from tests.api.test_username_race import PASSWORD, PRODUCTION_HASHING, all_at_once
from tests.conftest import LiveServer

WORDS = ["amber", "basil", "cedar", "dune", "ember", "fern", "grove", "heath"]
CONTROL_WORDS = ["iris", "juniper", "kelp", "larch", "maple", "nettle", "olive", "pine", "quill", "reed", "sage"]
CONTROL_WORDS += ["thyme", "umber", "vetch"]


def holders(server: LiveServer, address: str) -> int:
    """Accounts whose address is `address` in any case (ASCII here, so SQLite's lower() is exact)."""
    with sqlite3.connect(server.data_dir / "ticketshow.sqlite3") as connection:
        return connection.execute("SELECT count(*) FROM users WHERE lower(email) = lower(?)", (address,)).fetchone()[0]


def judge(server: LiveServer, address: str, results: list[tuple[int, dict]], won: int) -> list[str]:
    """What went wrong with one round: anything but one `won` and one 409 email_taken, one holder."""
    statuses = sorted(status for status, _ in results)
    refused = [body for status, body in results if status == 409]
    stored = holders(server, address)
    if statuses != [won, 409] or stored != 1 or refused[0]["error"]["code"] != "email_taken":
        return [f"{address}: answers {statuses}, {stored} holders"]
    return []


def sign_up_race(server: LiveServer, words: list[str]) -> list[str]:
    """Every round signs up "<word>-one" with "A.<word>@x.in" and "<word>-two" with "a.<word>@x.in" at once."""
    problems = []
    for word in words:
        calls = [
            {
                "method": "POST",
                "url": f"{server.url}/api/auth/signup",
                "json": {"username": f"{word}-{n}", "email": f"{case}.{word}@x.in", "password": PASSWORD},
            }
            for n, case in (("one", "A"), ("two", "a"))
        ]
        problems += judge(server, f"a.{word}@x.in", all_at_once(calls), 201)
    return problems


def change_race(server: LiveServer, words: list[str]) -> list[str]:
    """Every round makes two accounts, then both PATCH /api/auth/me to "B.<word>@x.in" / "b.<word>@x.in" at once."""
    problems = []
    for word in words:
        calls = []
        for n, case in (("three", "B"), ("four", "b")):
            name = f"{word}-{n}"
            made = requests.post(
                f"{server.url}/api/auth/signup",
                json={"username": name, "email": f"{name}@example.com", "password": PASSWORD},
                timeout=60,
            )
            assert made.status_code == 201, made.text
            token = requests.post(
                f"{server.url}/api/auth/login", json={"username": name, "password": PASSWORD}, timeout=60
            ).json()["access_token"]
            calls.append(
                {
                    "method": "PATCH",
                    "url": f"{server.url}/api/auth/me",
                    "json": {"email": f"{case}.{word}@x.in"},
                    "headers": {"Authorization": f"Bearer {token}"},
                }
            )
        problems += judge(server, f"b.{word}@x.in", all_at_once(calls), 200)
    return problems


def test_two_cases_of_one_address_at_once_exactly_one_account_gets_it(tmp_path, redis_server):
    server = LiveServer(tmp_path, redis_server["url"], **PRODUCTION_HASHING).start()
    try:
        assert sign_up_race(server, WORDS) == []
        assert change_race(server, WORDS[:3]) == []
    finally:
        server.stop()


def test_control_the_index_refuses_and_the_races_catch_unguarded_writes(tmp_path, redis_server):
    """Two sign-ups overlap between their check and their insert only in some rounds: rounds go on until each
    control has shown itself, at most len(CONTROL_WORDS) in all. An address change has no check outside the
    lock, so with it forgotten the index refuses every second change, and without the index both get in."""
    server = LiveServer(
        tmp_path, redis_server["url"], app_module="tests.account_race_control_app:app", **PRODUCTION_HASHING
    ).start()
    words = iter(CONTROL_WORDS)
    refusals = tmp_path / "index-refusals.log"
    try:

        def refused_by_index(call: str) -> bool:
            return refusals.exists() and any(
                line.startswith("email_taken") and call in line for line in refusals.read_text().splitlines()
            )

        # the checks under the lock are gone: the unique index alone keeps the second address out, as a 409
        problems = []
        for word in words:
            problems += sign_up_race(server, [word])
            if refused_by_index("@x.in"):
                break
        assert problems == []
        assert refused_by_index("@x.in"), "no sign-up round reached the unique index: the control proved nothing"
        print(f"the index refused {refusals.read_text().splitlines()} by round {CONTROL_WORDS.index(word) + 1}")
        word = next(words)
        assert change_race(server, [word]) == []
        assert refused_by_index(f".{word}@x.in")  # PATCH's write, refused by the index, answered 409
        with sqlite3.connect(server.data_dir / "ticketshow.sqlite3") as connection:
            connection.execute("DROP INDEX ix_users_email_key")
        # and without it, unguarded writes let both in: the race tests must see it
        assert change_race(server, [next(words)]) != []
        caught = []
        for word in words:
            caught += sign_up_race(server, [word])
            if caught:
                break
        print(f"check-then-insert sign-up caught by round {CONTROL_WORDS.index(word) + 1}: {caught}")
        assert caught, "the race test could not tell a check-then-insert sign-up from a safe one"
    finally:
        server.stop()
