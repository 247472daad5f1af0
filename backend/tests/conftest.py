"""Real parts for every test: a fresh SQLite file per test (copied from one migrated template), a real
Redis server started on a free port for the session, and helpers to make users and log in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from redis_server import redis_server_binary  # noqa: E402

# Cheap argon2 for the whole suite, in-process apps and every server it starts (they inherit os.environ):
# the default cost (RFC 9106, ~0.15 s of CPU per hash here) made a sign-up and a login cost 0.3 s each time.
# tests/api/test_auth.py checks the defaults and the upgrade of hashes made with other parameters.
os.environ.setdefault("PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("PASSWORD_HASH_MEMORY_KIB", "1024")

from tests import documented  # noqa: E402
from ticketshow import create_app  # noqa: E402
from ticketshow.config import Settings  # noqa: E402
from ticketshow.processes import LocalServer, free_port  # noqa: E402,F401  (free_port: tests import it from here)

ADMIN_PASSWORD = "Admin-Test-Passw0rd!"
USER_PASSWORD = "user-Test-passw0rd"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A private redis-server on a free port; stopped at the end of the session."""
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.time() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.time() > deadline:
                raise
            time.sleep(0.05)
    yield {"url": url, "port": port, "process": process}
    process.terminate()
    process.wait(timeout=10)


def make_settings(data_dir: Path, redis_url: str, **fields) -> Settings:
    return Settings.from_env(
        **{
            "data_dir": data_dir,
            "redis_url": redis_url,
            "admin_username": "admin",
            "admin_password": ADMIN_PASSWORD,
            "demo_data": False,
            "testing": True,
            **fields,
        }
    )


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, redis_server):
    """Migrate once with Alembic and seed the admin; each test copies the file."""
    from flask_migrate import upgrade

    from ticketshow.auth import service as auth_service

    data_dir = tmp_path_factory.mktemp("template")
    app = create_app(make_settings(data_dir, redis_server["url"]))
    with app.app_context():
        upgrade()
        auth_service.ensure_admin(data_dir, "admin", ADMIN_PASSWORD)
        from ticketshow.extensions import db

        db.session.remove()
        db.engine.dispose()
    return data_dir / "ticketshow.sqlite3"


@pytest.fixture
def data_dir(tmp_path, migrated_template):
    shutil.copy(migrated_template, tmp_path / "ticketshow.sqlite3")
    return tmp_path


@pytest.fixture
def app_redis_url(redis_server):
    """The Redis database the in-process app uses; a test file may override it to get one of its own."""
    return redis_server["url"]


@pytest.fixture
def app(data_dir, app_redis_url):
    redis.Redis.from_url(app_redis_url).flushdb()
    application = create_app(make_settings(data_dir, app_redis_url))
    documented.watch(application)  # every answer must be one the OpenAPI document promises
    ctx = application.app_context()
    ctx.push()
    yield application
    from ticketshow.extensions import db

    db.session.remove()
    db.engine.dispose()
    ctx.pop()
    documented.assert_documented(application)


@pytest.fixture
def client(app):
    return app.test_client()


class Api:
    """A small helper around the Flask test client that speaks the contract."""

    def __init__(self, client):
        self.client = client
        self._counter = 0

    def login(self, username: str, password: str) -> str:
        response = self.client.post("/api/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["access_token"]

    def admin_headers(self) -> dict:
        return {"Authorization": f"Bearer {self.login('admin', ADMIN_PASSWORD)}"}

    def new_user(self, username: str | None = None) -> dict:
        self._counter += 1
        username = username or f"user{self._counter}-{os.urandom(3).hex()}"
        response = self.client.post(
            "/api/auth/signup",
            json={
                "username": username,
                "email": f"{self._counter}-{os.urandom(3).hex()}@example.com",
                "password": USER_PASSWORD,
            },
        )
        assert response.status_code == 201, response.get_json()
        token = self.login(username, USER_PASSWORD)
        return {**response.get_json(), "headers": {"Authorization": f"Bearer {token}"}}

    def create_theatre(self, headers, **fields) -> dict:
        body = {"name": f"Theatre {os.urandom(3).hex()}", "place": "Chennai", "capacity": 100, **fields}
        response = self.client.post("/api/theatres", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def create_show(self, headers, **fields) -> dict:
        body = {"name": f"Show {os.urandom(3).hex()}", "rating": 4, "tags": ["drama"], "ticket_price": 200, **fields}
        response = self.client.post("/api/shows", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def create_screening(self, headers, show_id: int, theatre_id: int, starts_at: str, **fields) -> dict:
        response = self.client.post(
            "/api/screenings",
            json={"show_id": show_id, "theatre_id": theatre_id, "starts_at": starts_at, **fields},
            headers=headers,
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def admin(api):
    return api.admin_headers()


class RedisDatabases:
    """Redis database numbers handed to live servers, one each while it runs, per Redis server.

    A live server's Celery worker takes whatever task is in its broker's queues: two servers on one database
    (and under xdist --dist loadfile, the session's live server runs on beside another file's own server)
    took each other's tasks and looked for the job in the wrong SQLite file. So every LiveServer gets a
    database of its own for its cache, broker and results, flushed before use; a stopped server's number
    is reused. Numbers other tests pick by hand are never handed out: 0 (the in-process `app`, flushed by
    each test), 1 (tasks/conftest.py's Celery broker), 7 (ops/test_backups.py's stack), 9 (ops/test_metrics.py).
    The count is the server's own `databases` setting (16 unless configured)."""

    RESERVED = frozenset({0, 1, 7, 9})

    def __init__(self):
        self.taken: dict[str, set[int]] = {}  # "host:port" -> numbers in use

    @staticmethod
    def _server(url: str) -> str:
        parsed = urlsplit(url)
        return f"{parsed.hostname}:{parsed.port or 6379}"

    def allocate(self, url: str) -> str:
        """`url` on a free database of the same server, flushed; RuntimeError when every one is in use."""
        client = redis.Redis.from_url(url)
        count = int(client.config_get("databases")["databases"])
        taken = self.taken.setdefault(self._server(url), set())
        free = [n for n in range(count) if n not in self.RESERVED and n not in taken]
        if not free:
            raise RuntimeError(f"every Redis database of {self._server(url)} is in use by a live server")
        taken.add(free[0])
        own = urlunsplit(urlsplit(url)._replace(path=f"/{free[0]}"))
        redis.Redis.from_url(own).flushdb()  # nothing of a stopped server's (or an earlier session's) is left
        return own

    def release(self, url: str) -> None:
        self.taken.get(self._server(url), set()).discard(int(urlsplit(url).path.strip("/") or 0))


REDIS_DATABASES = RedisDatabases()


class LiveServer(LocalServer):
    """The app as `make run` starts it (ticketshow.processes: `flask prepare`, then gunicorn with several
    worker processes; with_worker adds the mail catcher and a Celery worker), with the tests' admin.

    It runs on the Redis server of `redis_url` but on a database of its own (RedisDatabases), `redis_url`
    after start: the app's cache, its Celery broker and results, its worker. `redis_db` pins a number
    instead (controls that must share one); an explicit CELERY_BROKER_URL is kept."""

    def __init__(self, *args, redis_db: int | None = None, **env):
        """LocalServer's (data_dir, redis_url, app_module="wsgi:app", with_worker=False, **env)."""
        env.setdefault("CELERY_BROKER_URL", "")  # not one inherited from the environment: REDIS_URL's database
        super().__init__(*args, admin_password=ADMIN_PASSWORD, **env)
        self.given_redis_url, self.redis_db, self.redis_url = self.env["REDIS_URL"], redis_db, None

    def start(self) -> LiveServer:
        if self.redis_url is None:
            if self.redis_db is None:
                self.redis_url = REDIS_DATABASES.allocate(self.given_redis_url)
            else:
                self.redis_url = urlunsplit(urlsplit(self.given_redis_url)._replace(path=f"/{self.redis_db}"))
            self.env["REDIS_URL"] = self.redis_url
        try:
            return super().start()
        except BaseException:
            self._release()
            raise

    def stop(self) -> None:
        try:
            super().stop()
        finally:
            self._release()

    def _release(self) -> None:
        if self.redis_url is not None and self.redis_db is None:
            REDIS_DATABASES.release(self.redis_url)
        self.redis_url = None


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, redis_server):
    # The shared server's waiting room admits 1,000 buyers of a screening at once: its race tests send up to
    # 64 at one screening at one instant, which a room of 32 would rightly put in line. The room's own tests
    # (tests/waitingroom, e2e/test_waiting_room_journey.py) start servers with small rooms.
    server = LiveServer(
        tmp_path_factory.mktemp("live"),
        redis_server["url"],
        with_worker=True,
        SMTP_PORT=str(free_port()),
        WAITING_ROOM_BUYERS="1000",
    ).start()
    yield server
    server.stop()
