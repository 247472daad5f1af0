"""Failed logins are throttled by (account, address) with progressive delays and a far higher ceiling per
address; no account's failures lock another account; the throttle keeps working while Redis is down."""

from datetime import datetime, timezone

import pytest
import time_machine

from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        "/api/auth/login", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


@pytest.fixture
def asha(client):
    assert (
        client.post(
            "/api/auth/signup", json={"username": "asha", "email": "a@example.com", "password": USER_PASSWORD}
        ).status_code
        == 201
    )


def fail(client, username, times, address="10.0.0.1"):
    for n in range(times):
        assert attempt(client, username, f"wrong-{n}", address).status_code == 401


def test_delays_grow_for_one_account_from_one_address(client, asha):
    with time_machine.travel(datetime.now(timezone.utc), tick=False) as clock:
        fail(client, "asha", 3)  # three free failures
        blocked = attempt(client, "asha", USER_PASSWORD)  # even the right password waits now
        assert blocked.status_code == 429 and blocked.get_json()["error"]["code"] == "too_many_attempts"
        waits = [int(blocked.headers["Retry-After"])]
        for _ in range(6):
            clock.shift(waits[-1])
            assert attempt(client, "asha", "wrong-again").status_code == 401
            waits.append(int(attempt(client, "asha", USER_PASSWORD).headers["Retry-After"]))
        assert waits == [1, 2, 4, 8, 16, 32, 64]  # doubling with each failure
        clock.shift(63)
        assert attempt(client, "asha", USER_PASSWORD).status_code == 429  # not a second early
        clock.shift(1)
        assert attempt(client, "asha", USER_PASSWORD).status_code == 200  # a success clears the pair
        assert attempt(client, "asha", "wrong-x").status_code == 401
        assert attempt(client, "asha", USER_PASSWORD).status_code == 200


def test_the_delay_is_capped_at_fifteen_minutes(client, asha):
    with time_machine.travel(datetime.now(timezone.utc), tick=False) as clock:
        for _ in range(20):
            response = attempt(client, "asha", "wrong")
            if response.status_code == 429:
                clock.shift(int(response.headers["Retry-After"]))
                response = attempt(client, "asha", "wrong")
            assert response.status_code == 401
        assert int(attempt(client, "asha", "wrong").headers["Retry-After"]) == 15 * 60


def test_failures_for_one_account_never_lock_another(client, asha):
    with time_machine.travel(datetime.now(timezone.utc), tick=False):
        fail(client, "ravi-does-not-exist", 3)
        fail(client, "asha", 3)
        for _ in range(10):
            attempt(client, "asha", "wrong")  # someone at this address keeps guessing asha's password
        assert attempt(client, "admin", ADMIN_PASSWORD).status_code == 200  # the admin, same address
        assert attempt(client, "ASHA", USER_PASSWORD, address="10.9.9.9").status_code == 200  # asha, elsewhere
        assert attempt(client, "asha", USER_PASSWORD).status_code == 429  # but not from the guesser's address


def test_an_account_cannot_be_locked_from_other_addresses(client, asha):
    for n in range(12):  # a distributed attempt to lock asha out
        attempt(client, "asha", "wrong", address=f"10.1.{n // 10}.{n % 10}")
    assert attempt(client, "asha", USER_PASSWORD, address="192.168.5.5").status_code == 200


def test_one_address_spraying_many_accounts_hits_the_ceiling(app, client, asha):
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 8
    for n in range(8):
        assert attempt(client, f"user{n}", "Password1").status_code == 401  # one guess per account
    blocked = attempt(client, "asha", USER_PASSWORD)
    assert blocked.status_code == 429 and 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert attempt(client, "asha", USER_PASSWORD, address="10.0.0.2").status_code == 200


def test_the_default_address_ceiling_is_far_above_one_account(app):
    assert app.config["LOGIN_ADDRESS_MAX_FAILURES"] >= 100


def test_throttling_continues_in_process_while_redis_is_down(app, client, asha):
    from tests.conftest import free_port
    from ticketshow.extensions import make_redis_client, redis_store

    real = redis_store.client
    # The app's own kind of client (short timeouts, no retries) on a port nothing listens on: Redis is away.
    # A plain redis.Redis retried each refused command with redis-py's backoff, 52 s of sleeping per run.
    redis_store.client = make_redis_client(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with time_machine.travel(datetime.now(timezone.utc), tick=False) as clock:
            fail(client, "asha", 3)
            blocked = attempt(client, "asha", USER_PASSWORD)
            assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) == 1
            assert attempt(client, "admin", ADMIN_PASSWORD).status_code == 200  # others unaffected
            clock.shift(1)
            assert attempt(client, "asha", USER_PASSWORD).status_code == 200
    finally:
        redis_store.client = real
