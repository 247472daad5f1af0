"""REDIS_SENTINELS: the app and Celery follow a Sentinel failover. A primary, a replica and a sentinel
(`redis-server --sentinel`, the program Debian's redis-sentinel package runs), all real; the primary is
killed with SIGKILL and the app keeps caching and running jobs on the promoted replica."""

from __future__ import annotations

import subprocess

import pytest
import redis
import requests

from ticketshow.celery_app import broker_settings
from ticketshow.config import Settings
from ticketshow.extensions import parse_sentinels

from ..conftest import LiveServer, free_port, redis_server_binary
from .test_redis_down import seed, wait_for

MASTER = "ticketshow"


def test_sentinel_settings_reach_redis_py_and_celery():
    settings = Settings.from_env(
        {
            "REDIS_URL": "redis://:s3cret@ignored:6379/2",
            "REDIS_SENTINELS": "10.0.0.1:26379, 10.0.0.2",
            "REDIS_SENTINEL_MASTER": "tix",
        }
    )
    assert parse_sentinels(settings.redis_sentinels) == [("10.0.0.1", 26379), ("10.0.0.2", 26379)]
    url, transport = broker_settings(settings)
    assert url == "sentinel://:s3cret@10.0.0.1:26379/2;sentinel://:s3cret@10.0.0.2:26379/2"
    assert transport == {"master_name": "tix"}
    plain = Settings.from_env({"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert broker_settings(plain) == ("redis://127.0.0.1:6379/0", {})


class Node:
    def __init__(self, workdir, *args: str):
        self.port = free_port()
        workdir.mkdir()
        self.args, self.workdir = args, workdir
        self.process = None

    def start(self, *extra: str) -> Node:
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                *extra,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.workdir),
                *self.args,
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        wait_for(lambda: _pings(client), 10, f"redis on {self.port}")
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.RedisError:
        return False


@pytest.fixture
def cluster(tmp_path):
    primary = Node(tmp_path / "primary", "--save", "", "--appendonly", "no").start()
    replica = Node(
        tmp_path / "replica", "--save", "", "--appendonly", "no", "--replicaof", "127.0.0.1", str(primary.port)
    ).start()
    sentinel_dir = tmp_path / "sentinel"
    sentinel = Node(sentinel_dir)
    (sentinel_dir / "sentinel.conf").write_text(
        f"sentinel monitor {MASTER} 127.0.0.1 {primary.port} 1\n"
        f"sentinel down-after-milliseconds {MASTER} 1000\n"
        f"sentinel failover-timeout {MASTER} 10000\n"
        f"sentinel parallel-syncs {MASTER} 1\n"
    )
    sentinel.start(str(sentinel_dir / "sentinel.conf"), "--sentinel")
    wait_for(
        lambda: redis.Redis(port=replica.port).info("replication").get("master_link_status") == "up",
        20,
        "the replica to sync",
    )
    yield primary, replica, sentinel
    for node in (sentinel, replica, primary):
        node.kill()


def test_app_and_jobs_follow_a_failover(tmp_path, cluster):
    primary, replica, sentinel = cluster
    (tmp_path / "app").mkdir()
    server = LiveServer(
        tmp_path / "app",
        f"redis://127.0.0.1:{primary.port}/0",
        with_worker=True,
        REDIS_SENTINELS=f"127.0.0.1:{sentinel.port}",
        REDIS_SENTINEL_MASTER=MASTER,
    ).start()
    try:
        url, data = server.url, seed(server.url)
        requests.get(f"{url}/api/shows")
        assert requests.get(f"{url}/api/shows").headers["X-Cache"] == "HIT"
        export = requests.post(f"{url}/api/theatres/{data['theatre']['id']}/export", headers=data["admin"])
        assert export.status_code == 202
        wait_for(
            lambda: (
                requests.get(f"{url}{export.json()['status_url']}", headers=data["admin"]).json()["state"] == "done"
            ),
            90,
            "the export before the failover",
        )

        primary.kill()
        asked = redis.Redis(port=sentinel.port)
        wait_for(
            lambda: int(asked.sentinel_get_master_addr_by_name(MASTER)[1]) == replica.port,
            60,
            "Sentinel to promote the replica",
        )

        wait_for(lambda: requests.get(f"{url}/api/health").status_code == 200, 30, "health on the new primary")
        # the server's own database (tests/conftest.py gives every LiveServer one), on the promoted replica
        promoted = redis.Redis(port=replica.port, db=int(server.redis_url.rsplit("/", 1)[1]))
        assert promoted.info("replication")["role"] == "master"
        before = int(promoted.get("cache:catalog-generation") or 0)
        assert requests.delete(f"{url}/api/admin/cache", headers=data["admin"]).status_code == 204
        assert int(promoted.get("cache:catalog-generation") or 0) == before + 1  # the app writes to the new primary
        requests.get(f"{url}/api/shows")
        assert requests.get(f"{url}/api/shows").headers["X-Cache"] == "HIT"
        export = requests.post(f"{url}/api/theatres/{data['theatre']['id']}/export", headers=data["admin"])
        assert export.status_code == 202, export.text
        job = wait_for(
            lambda: (lambda j: j if j["state"] == "done" else None)(
                requests.get(f"{url}{export.json()['status_url']}", headers=data["admin"]).json()
            ),
            120,
            "the export after the failover (the worker found the new primary)",
        )
        assert job["progress"] == 100
    finally:
        server.stop()
