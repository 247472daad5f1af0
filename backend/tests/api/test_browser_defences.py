"""Browser-side defences: strict CSP (the theme snippet allowed by its hash), nosniff, no framing, a
referrer policy; /api/docs from pinned local files; the report sandboxed and its PDF cached; the data dir
the owner's alone; /api/health naming a database that cannot be written; short SECRET_KEYs refused."""

import base64
import hashlib
import os
import re
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.api.test_catalog import later
from tests.conftest import make_settings


def theme_snippet_hash(app) -> str:
    index = (Path(app.config["UI_DIST"]) / "index.html").read_text("utf-8")
    inline = re.findall(r"<script>(.*?)</script>", index, re.S)
    assert len(inline) == 1 and "data-bs-theme" in inline[0]
    return "'sha256-" + base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode() + "'"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/shows/12",
        "/admin",
        "/api/shows",
        "/api/no/such",
        "/api/health",
        "/api/openapi.json",
        "/api/docs",
        "/manifest.webmanifest",
    ],
)
def test_every_answer_carries_the_defences(app, client, path):
    response = client.get(path)
    csp = directives(response)
    assert csp["script-src"] == ["'self'", theme_snippet_hash(app)], csp["script-src"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"] and csp["base-uri"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Server" not in response.headers


def test_the_ui_page_has_no_inline_script_but_the_hashed_one(client):
    page = client.get("/").get_data(as_text=True)
    assert len(re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)) == 1
    assert not re.search(r"\son[a-z]+=", page)  # no inline event handlers either


def test_api_docs_come_from_pinned_local_files(client):
    import flask_swagger_ui

    page = client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html), "the docs page has an inline script"
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/api/docs/assets/") for s in sources), sources
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200 and len(asset.data) > 100, source
    bundle = client.get("/api/docs/assets/swagger-ui-bundle.js").data
    dist = Path(flask_swagger_ui.__file__).parent / "dist"
    assert bundle == (dist / "swagger-ui-bundle.js").read_bytes()
    assert (dist / "VERSION").read_text().strip() == "v5.34.0"  # pinned by requirements.lock
    init = client.get("/api/docs/assets/init.js").get_data(as_text=True)
    assert "/api/openapi.json" in init and "http" not in init
    assert client.get("/api/docs/assets/../../config.py").status_code == 404


def book_now(api, client, admin):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin, name="Report Show")
    screening = api.create_screening(admin, show["id"], theatre["id"], later(3))
    user = api.new_user()
    assert (
        client.post(
            "/api/bookings", json={"screening_id": screening["id"], "quantity": 2}, headers=user["headers"]
        ).status_code
        == 201
    )
    return user, screening


def test_the_report_page_is_sandboxed_and_its_pdf_cached(app, api, client, admin, data_dir):
    user, screening = book_now(api, client, admin)
    month = datetime.now(timezone(timedelta(hours=5, minutes=30))).strftime("%Y-%m")
    page = client.get(f"/api/reports/monthly?month={month}", headers=user["headers"])
    assert page.status_code == 200
    csp = directives(page)
    assert csp["sandbox"] == ["allow-popups", "allow-popups-to-escape-sandbox"] and csp["default-src"] == ["'none'"]
    assert "script-src" not in csp  # with default-src 'none', no script at all

    first = client.get(f"/api/reports/monthly?month={month}&format=pdf", headers=user["headers"])
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    cached = list((data_dir / "report-cache" / str(user["id"])).glob(f"{month}-*.pdf"))
    assert len(cached) == 1 and stat.S_IMODE(cached[0].stat().st_mode) == 0o600
    stamp = cached[0].stat().st_mtime_ns
    again = client.get(f"/api/reports/monthly?month={month}&format=pdf", headers=user["headers"])
    assert again.data == first.data and cached[0].stat().st_mtime_ns == stamp  # served from the cache
    client.post("/api/bookings", json={"screening_id": screening["id"], "quantity": 1}, headers=user["headers"])
    changed = client.get(f"/api/reports/monthly?month={month}&format=pdf", headers=user["headers"])
    now_cached = list((data_dir / "report-cache" / str(user["id"])).glob(f"{month}-*.pdf"))
    assert changed.data != first.data and len(now_cached) == 1 and now_cached[0] != cached[0]


def test_the_data_dir_is_the_owners_alone(tmp_path, redis_server):
    from ticketshow import create_app
    from ticketshow.config import secure_data_dir
    from ticketshow.extensions import db

    os.umask(0o022)  # as a shell would start it
    data = tmp_path / "fresh"
    app = create_app(make_settings(data, redis_server["url"]))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.session.remove()
        db.engine.dispose()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in data.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert {p.name for p in data.iterdir()} >= {"ticketshow.sqlite3", "secret-key"}
    loose = data / "media" / "old.webp"  # a file an older version left readable
    loose.parent.mkdir(exist_ok=True)
    loose.write_bytes(b"x")
    os.chmod(loose, 0o644)
    os.chmod(loose.parent, 0o755)
    secure_data_dir(data, existing_files=True)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600 and stat.S_IMODE(loose.parent.stat().st_mode) == 0o700


@pytest.fixture
def probing(app):
    app.config["HEALTH_WRITE_PROBE_SECONDS"] = 0  # probe on every call
    yield app


def test_health_names_a_database_that_is_locked(probing, client, data_dir):
    assert client.get("/api/health").get_json()["database"] == "ok"
    holder = sqlite3.connect(data_dir / "ticketshow.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        response = client.get("/api/health")
        assert response.status_code == 503
        assert response.get_json() == {"status": "failing", "database": "locked", "redis": "ok"}
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.get("/api/health").status_code == 200


def test_health_names_a_read_only_database(probing, client):
    from ticketshow.extensions import db

    def read_only(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA query_only = 1")  # as a read-only file or mount behaves

    db.engine.dispose()
    event.listen(db.engine, "connect", read_only)
    try:
        response = client.get("/api/health")
        assert response.status_code == 503 and response.get_json()["database"] == "read_only"
    finally:
        event.remove(db.engine, "connect", read_only)
        db.engine.dispose()
    assert client.get("/api/health").status_code == 200


def test_the_write_probe_is_rate_limited_per_process(app, client, data_dir):
    app.config["HEALTH_WRITE_PROBE_SECONDS"] = 0
    assert client.get("/api/health").status_code == 200
    app.config["HEALTH_WRITE_PROBE_SECONDS"] = 3600
    holder = sqlite3.connect(data_dir / "ticketshow.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert client.get("/api/health").status_code == 200  # the last probe's answer, no new lock taken
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize(
    "key, ok", [("short", False), ("x" * 31, False), ("é" * 16, True), ("k" * 32, True), ("ü" * 15 + "ab", True)]
)
def test_a_secret_key_under_32_bytes_is_refused_at_start_up(tmp_path, redis_server, monkeypatch, key, ok):
    from ticketshow import create_app

    monkeypatch.setenv("SECRET_KEY", key)
    if ok:
        assert create_app(make_settings(tmp_path, redis_server["url"])).config["SECRET_KEY"] == key
    else:
        with pytest.raises(SystemExit, match="at least 32 bytes"):
            create_app(make_settings(tmp_path, redis_server["url"]))
