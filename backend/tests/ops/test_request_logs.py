"""One JSON line per request with its id; the id is answered in X-Request-ID and reaches the worker."""

from __future__ import annotations

import json
import logging
import time

import pytest
import requests

from ticketshow.observability import access_log


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def lines():
    handler = Lines()
    access_log.addHandler(handler)
    level, disabled = access_log.level, access_log.disabled
    access_log.setLevel(logging.INFO)
    access_log.disabled = False  # Alembic's fileConfig (the migrated template) disables existing loggers
    yield handler.lines
    access_log.removeHandler(handler)
    access_log.setLevel(level)
    access_log.disabled = disabled


def test_each_request_logs_one_json_line_with_its_id(client, api, admin, lines):
    theatre = api.create_theatre(admin)
    user = api.new_user()
    lines.clear()
    response = client.get(f"/api/theatres/{theatre['id']}", headers={**user["headers"], "X-Request-ID": "edge-42.a"})
    assert response.headers["X-Request-ID"] == "edge-42.a"  # a sane incoming id is kept
    me = client.get("/api/auth/me", headers=user["headers"])
    assert len(lines) == 2
    first, second = lines
    assert first["request_id"] == "edge-42.a" and first["route"] == "/api/theatres/<int:theatre_id>"
    assert first["status"] == 200 and first["method"] == "GET" and isinstance(first["duration_ms"], float)
    assert second["user_id"] == user["id"] and second["route"] == "/api/auth/me"
    assert second["request_id"] == me.headers["X-Request-ID"] and len(second["request_id"]) == 32
    assert first["user_id"] is None  # a public read does not look at the token


@pytest.mark.parametrize("incoming", ["", "x" * 129, "bad id with spaces", 'inject"}{', "é"])
def test_an_insane_incoming_id_is_replaced(client, lines, incoming):
    response = client.get("/api/health", headers={"X-Request-ID": incoming})
    rid = response.headers["X-Request-ID"]
    assert rid != incoming and len(rid) == 32 and int(rid, 16) >= 0
    assert lines[-1]["request_id"] == rid


def test_errors_and_unknown_paths_are_logged_with_a_bounded_route(client, lines):
    assert client.get("/api/no/such/thing/123").status_code == 404
    assert lines[-1]["route"] == "unmatched" and lines[-1]["status"] == 404
    assert client.post("/api/bookings", json={}).status_code == 401
    assert lines[-1]["route"] == "/api/bookings" and lines[-1]["status"] == 401


def test_request_id_reaches_the_worker_and_the_tasks_it_starts(live_server, api):
    session = requests.Session()
    from ..conftest import ADMIN_PASSWORD

    token = session.post(
        f"{live_server.url}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    theatre = session.post(
        f"{live_server.url}/api/theatres", headers=headers, json={"name": "Trace Hall", "place": "Pune", "capacity": 10}
    ).json()
    rid = f"trace-{time.time_ns()}"
    started = session.post(
        f"{live_server.url}/api/theatres/{theatre['id']}/export", headers={**headers, "X-Request-ID": rid}
    )
    assert started.status_code == 202 and started.headers["X-Request-ID"] == rid
    log = live_server.data_dir / "worker.log"
    deadline = time.time() + 30
    seen: list[dict] = []
    while time.time() < deadline:
        seen = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{") and rid in line]
        if {(e["task"], e["state"]) for e in seen} >= {("exports.theatre_csv", "success"), ("mail.send", "success")}:
            break
        time.sleep(0.1)
    states = {(entry["task"], entry["state"]) for entry in seen}
    assert ("exports.theatre_csv", "started") in states and ("exports.theatre_csv", "success") in states, seen
    assert ("mail.send", "success") in states, seen  # the export's notice, started by the task, carries it too
    assert all(entry["request_id"] == rid for entry in seen)


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(data_dir, redis_server, lines):
    from ticketshow import create_app

    from ..conftest import make_settings

    app = create_app(make_settings(data_dir, redis_server["url"], trusted_proxies=1))
    with app.app_context():
        client = app.test_client()
        forwarded = {"X-Forwarded-For": "198.51.100.9", "X-Forwarded-Proto": "https"}
        assert client.get("/api/health", headers=forwarded).status_code == 200
        assert lines[-1]["remote_addr"] == "198.51.100.9"
        # The proxy runs on this machine, but a visitor through it is not local: metrics need the token.
        assert client.get("/api/metrics", headers=forwarded).status_code == 401
        assert client.get("/api/metrics").status_code == 200  # a scrape on 127.0.0.1, past the proxy
        spoofed = client.get("/api/health", headers={"X-Forwarded-For": "10.0.0.1, 198.51.100.10"})
        assert spoofed.status_code == 200 and lines[-1]["remote_addr"] == "198.51.100.10"  # only the proxy's entry
        from ticketshow.extensions import db

        db.session.remove()
        db.engine.dispose()
