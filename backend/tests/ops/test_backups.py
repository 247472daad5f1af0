"""Continuous backups: `make run` (scripts/run.py) replicates with Litestream; `make restore` brings the
database back after every process was killed and the file deleted, or to a point in time before a mistake."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from ..conftest import ADMIN_PASSWORD, ROOT, USER_PASSWORD, free_port

IST = timezone(timedelta(hours=5, minutes=30))
DB = "ticketshow.sqlite3"


class Stack:
    """scripts/run.py exactly as `make run` starts it, on a temp data dir and the tests' Redis."""

    def __init__(self, data_dir: Path, redis_url: str):
        self.data_dir, self.port = data_dir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            TICKETSHOW_DATA_DIR=str(data_dir),
            REDIS_URL=redis_url,
            PORT=str(self.port),
            SMTP_PORT=str(free_port()),
            ADMIN_USERNAME="admin",
            ADMIN_PASSWORD=ADMIN_PASSWORD,
            DEMO_DATA="0",
            ACCESS_LOG="",
            WEB_CONCURRENCY="2",
        )
        self.env.pop("BACKUP_DIR", None)
        self.process = None

    def start(self) -> Stack:
        self.log = open(self.data_dir / "run.log", "ab")  # noqa: SIM115  (closed in stop())
        # Its own session: the test can SIGKILL run.py and every child at once, as a power cut would.
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "run.py")],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 150  # a loaded 2-core machine can take a minute to boot the whole stack
        while True:
            try:
                if requests.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline or self.process.poll() is not None:
                self.kill()
                raise RuntimeError((self.data_dir / "run.log").read_text()[-3000:])
            time.sleep(0.2)
        while not any(p.name == "litestream" for p in self.children()):
            time.sleep(0.1)
        return self

    def children(self) -> list[Path]:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and os.getpgid(int(proc.name)) == self.process.pid:
                    found.append(Path((proc / "exe").resolve()))
            except OSError:
                continue
        return found

    def kill(self) -> None:
        """SIGKILL run.py and everything it started: no process gets to sync or clean up."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        deadline = time.time() + 10
        while self.children() and time.time() < deadline:
            time.sleep(0.05)
        self.log.close()

    def api(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{self.url}{path}", headers=headers, timeout=10, **kwargs)

    def login(self, username: str, password: str) -> str:
        return self.api("POST", "/api/auth/login", json={"username": username, "password": password}).json()[
            "access_token"
        ]


@pytest.fixture
def stack(tmp_path, redis_server):
    # A Redis database of its own, so other tests' flushes never eat this app's queued tasks.
    running = Stack(tmp_path, redis_server["url"].rsplit("/", 1)[0] + "/7").start()
    yield running
    if running.process.poll() is None:
        running.kill()


def book_something(stack: Stack) -> tuple[str, dict, dict]:
    admin = stack.login("admin", ADMIN_PASSWORD)
    theatre = stack.api(
        "POST", "/api/theatres", admin, json={"name": "Prithvi", "place": "Mumbai", "capacity": 40}
    ).json()
    show = stack.api(
        "POST", "/api/shows", admin, json={"name": "Backup Night", "rating": 4, "tags": ["drama"], "ticket_price": 250}
    ).json()
    starts = (datetime.now(IST) + timedelta(days=3)).replace(microsecond=0).isoformat()
    screening = stack.api(
        "POST", "/api/screenings", admin, json={"show_id": show["id"], "theatre_id": theatre["id"], "starts_at": starts}
    ).json()
    assert (
        stack.api(
            "POST",
            "/api/auth/signup",
            json={"username": "asha", "email": "asha@example.com", "password": USER_PASSWORD},
        ).status_code
        == 201
    )
    user = stack.login("asha", USER_PASSWORD)
    booked = stack.api("POST", "/api/bookings", user, json={"screening_id": screening["id"], "quantity": 3})
    assert booked.status_code == 201, booked.text
    return admin, screening, booked.json()


def restored_copy(data_dir: Path, out: Path) -> sqlite3.Connection | None:
    """What the backup holds now: a fresh restore into `out` (None while there is nothing to restore)."""
    out.unlink(missing_ok=True)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "litestream"),
            "restore",
            "-config",
            str(data_dir / "litestream.yml"),
            "-no-expand-env",
            "-o",
            str(out),
            str(data_dir / DB),
        ],
        capture_output=True,
    )
    return sqlite3.connect(out) if done.returncode == 0 and out.exists() else None


def wait_until_backed_up(data_dir: Path, booking_id: int, status: str, within: float) -> float:
    """Poll the real backup until the booking is in it with this status; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        copy = restored_copy(data_dir, data_dir.parent / f"{data_dir.name}-probe.sqlite3")
        if copy is not None:
            with copy:
                row = copy.execute("SELECT status FROM bookings WHERE id = ?", (booking_id,)).fetchone()
            copy.close()
            if row and row[0] == status:
                return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"booking {booking_id} was not {status} in the backup within {within} s")


def make_restore(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, TICKETSHOW_DATA_DIR=str(data_dir))
    env.pop("BACKUP_DIR", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "restore.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tickets_of(database: Path, booking_id: int) -> tuple[str, list[int]]:
    with sqlite3.connect(database) as db:
        status = db.execute("SELECT status FROM bookings WHERE id = ?", (booking_id,)).fetchone()
        seats = [
            seat
            for (seat,) in db.execute(
                "SELECT seat_no FROM tickets WHERE booking_id = ? ORDER BY seat_no", (booking_id,)
            )
        ]
    return (status[0] if status else None), seats


def test_killed_and_deleted_database_comes_back_from_the_backup(stack):
    admin, screening, booking = book_something(stack)
    took = wait_until_backed_up(stack.data_dir, booking["id"], "confirmed", within=10)
    print(f"booking {booking['id']} was in the backup {took:.2f} s after it was confirmed")
    assert took <= 10

    refused = make_restore(stack.data_dir)  # the app is running on this data dir: nothing may change
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "make run" in refused.stdout and "Nothing was changed" in refused.stdout
    assert tickets_of(stack.data_dir / DB, booking["id"])[0] == "confirmed"

    stack.kill()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{stack.data_dir / DB}{suffix}").unlink(missing_ok=True)
    assert not (stack.data_dir / DB).exists()

    done = make_restore(stack.data_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "restored" in done.stdout and "1 bookings (1 confirmed, 3 tickets)" in done.stdout
    status, seats = tickets_of(stack.data_dir / DB, booking["id"])
    assert status == "confirmed" and len(seats) == 3 and len(set(seats)) == 3

    # The restored database serves again, and the booking is there through the API.
    stack.start()
    user = stack.login("asha", USER_PASSWORD)
    again = stack.api("GET", f"/api/bookings/{booking['id']}", user)
    assert again.status_code == 200 and again.json()["status"] == "confirmed" and again.json()["quantity"] == 3


def test_restore_to_a_point_in_time_before_a_forced_deletion(stack):
    admin, screening, booking = book_something(stack)
    wait_until_backed_up(stack.data_dir, booking["id"], "confirmed", within=10)
    # Backup files carry whole seconds: let one pass on each side of the moment we restore to.
    _wait_for_next_second()
    before_mistake = datetime.now(timezone.utc)
    _wait_for_next_second()

    removed = stack.api("DELETE", f"/api/shows/{screening['show']['id']}", admin, params={"force": "true"})
    assert removed.status_code == 204, removed.text
    assert stack.api("GET", f"/api/screenings/{screening['id']}").status_code == 404
    wait_until_backed_up(stack.data_dir, booking["id"], "cancelled", within=10)
    stack.kill()

    at = before_mistake.astimezone(IST).isoformat()  # an offset other than UTC: restore converts it
    done = make_restore(stack.data_dir, "--at", at)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the state at" in done.stdout
    kept = [p for p in stack.data_dir.iterdir() if p.name.startswith("pre-restore-")]
    assert len(kept) == 1 and (kept[0] / DB).exists()  # the database with the mistake is kept aside
    assert tickets_of(kept[0] / DB, booking["id"])[0] == "cancelled"
    status, seats = tickets_of(stack.data_dir / DB, booking["id"])
    assert status == "confirmed" and len(seats) == 3
    with sqlite3.connect(stack.data_dir / DB) as db:
        assert db.execute("SELECT removed_at FROM shows WHERE id = ?", (screening["show"]["id"],)).fetchone() == (None,)


def test_restore_says_what_is_wrong_and_changes_nothing(tmp_path):
    (tmp_path / DB).write_bytes(b"")
    bad = make_restore(tmp_path, "--at", "2026-11-29T18:05:00")
    assert bad.returncode != 0 and "has no offset" in (bad.stdout + bad.stderr)
    empty = make_restore(tmp_path)  # no backup was ever made here
    assert empty.returncode == 1 and "nothing was changed" in empty.stdout
    assert (tmp_path / DB).exists() and not [p for p in tmp_path.iterdir() if p.name.startswith("pre-restore-")]


def _wait_for_next_second() -> None:
    target = int(time.time()) + 1.05
    while time.time() < target:
        time.sleep(0.05)
