"""Live servers on one Redis server keep to their own databases (tests/conftest.py, RedisDatabases): a server's
Celery worker never takes another server's task. Control: two servers pinned to one database, where the
worker takes the stranger's task, which the check below must see."""

import pytest
import redis
import requests

from tests.conftest import REDIS_DATABASES, LiveServer
from tests.ops.test_redis_down import seed, wait_for


def queue_export(server: LiveServer) -> dict:
    """POST an export on `server` (a job and its Celery message on the "exports" queue); the 202 body."""
    data = seed(server.url)
    export = requests.post(f"{server.url}/api/theatres/{data['theatre']['id']}/export", headers=data["admin"])
    assert export.status_code == 202, export.text
    return {**export.json(), "admin": data["admin"]}


def state(server: LiveServer, export: dict) -> str:
    return requests.get(f"{server.url}{export['status_url']}", headers=export["admin"]).json()["state"]


def waiting(server: LiveServer) -> int:
    """Messages on the server's own "exports" queue, not yet taken by any worker."""
    return redis.Redis.from_url(server.redis_url).llen("exports")


def test_a_live_servers_worker_takes_only_its_own_servers_tasks(tmp_path_factory, redis_server):
    busy = LiveServer(tmp_path_factory.mktemp("busy"), redis_server["url"], with_worker=True).start()
    quiet = stranger = None
    try:
        quiet = LiveServer(tmp_path_factory.mktemp("quiet"), redis_server["url"]).start()  # no worker of its own
        assert busy.env["REDIS_URL"] == busy.redis_url and quiet.env["REDIS_URL"] == quiet.redis_url
        assert len({busy.redis_url, quiet.redis_url, redis_server["url"]}) == 3  # neither on the suite's db 0
        assert busy.env["CELERY_BROKER_URL"] == "" == quiet.env["CELERY_BROKER_URL"]  # the broker is REDIS_URL's db

        mine = queue_export(quiet)  # first in line: on a shared queue, busy's worker would take it first
        assert waiting(quiet) == 1
        theirs = queue_export(busy)
        wait_for(lambda: state(busy, theirs) == "done", 90, "the busy server's own export")
        assert waiting(quiet) == 1 and state(quiet, mine) == "pending"  # nobody else's worker took it

        # Control: a server pinned to busy's database; busy's worker takes its task, and the check sees it.
        number = int(busy.redis_url.rsplit("/", 1)[1])
        stranger = LiveServer(tmp_path_factory.mktemp("stranger"), redis_server["url"], redis_db=number).start()
        queue_export(stranger)
        wait_for(lambda: waiting(stranger) == 0, 90, "busy's worker taking the stranger's task")
    finally:
        for server in (stranger, quiet, busy):
            if server is not None:
                server.stop()
    assert number not in REDIS_DATABASES.taken[REDIS_DATABASES._server(redis_server["url"])]  # free again


def test_database_numbers_are_distinct_reused_and_flushed(redis_server):
    databases = type(REDIS_DATABASES)()
    databases.taken = {server: set(numbers) for server, numbers in REDIS_DATABASES.taken.items()}  # running servers'
    first, second = databases.allocate(redis_server["url"]), databases.allocate(redis_server["url"])
    numbers = {int(url.rsplit("/", 1)[1]) for url in (first, second)}
    assert len(numbers) == 2 and numbers.isdisjoint(databases.RESERVED)
    redis.Redis.from_url(first).set("left-behind", "1")
    databases.release(first)
    again = databases.allocate(redis_server["url"])
    assert again == first  # the lowest free number is reused...
    assert redis.Redis.from_url(again).get("left-behind") is None  # ...and flushed first
    count = int(redis.Redis.from_url(redis_server["url"]).config_get("databases")["databases"])
    with pytest.raises(RuntimeError, match="in use"):  # more live servers than databases: refused, not doubled up
        for _ in range(count):
            databases.allocate(redis_server["url"])
