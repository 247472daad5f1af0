"""`make run` (scripts/run.py) as a user runs it, with real processes: a worker, beat, mail catcher or Redis
killed with SIGKILL is started again with backoff while the app keeps answering; a failure at start-up
stops everything; SIGTERM stops everything."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from ticketshow.config import Settings
from ticketshow.processes import free_port, listening, plan

from ..conftest import ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parents[3]


class MakeRun:
    def __init__(self, tmp_path: Path, **env):
        self.port, self.smtp_port, self.redis_port = free_port(), free_port(), free_port()
        self.log = tmp_path / "make-run.log"
        self.env = {
            **os.environ,
            "TICKETSHOW_DATA_DIR": str(tmp_path / "data"),
            "PORT": str(self.port),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SMTP_PORT": str(self.smtp_port),
            "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "DEMO_DATA": "0",
            "WEB_CONCURRENCY": "1",
            "WORKER_CONCURRENCY": "1",
            "ACCESS_LOG": "",
            **env,
        }
        self.env.pop("SMTP_HOST", None)
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "scripts" / "run.py")], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def pids(self) -> dict[str, int]:
        """The latest pid of each process, from run.py's "started <name> (pid N)" lines."""
        return {name: int(pid) for name, pid in re.findall(r"started (\w+) \(pid (\d+)\)", self.text())}

    def wait_for(self, predicate, what: str, timeout: float = 90):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert self.process.poll() is None or "exited" in what, (
                f"run.py exited while waiting for {what}:\n{self.text()[-3000:]}"
            )
            assert time.monotonic() < deadline, f"no {what} after {timeout} s:\n{self.text()[-3000:]}"
            time.sleep(0.2)

    def healthy(self) -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{self.port}/api/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_the_process_list_is_declared_once(tmp_path):
    settings = Settings.from_env({"TICKETSHOW_DATA_DIR": str(tmp_path), "PORT": "5123", "WEB_CONCURRENCY": "2"})
    names = [p.name for p in plan(settings, redis_argv=["redis-server"])]
    assert names == ["redis", "prepare", "backup", "mail", "worker", "beat", "web"]
    web = plan(settings)[-1]
    assert "127.0.0.1:5123" in web.argv and web.argv[web.argv.index("--workers") + 1] == "2" and web.port == 5123
    worker = next(p for p in plan(settings) if p.name == "worker")
    assert worker.argv[worker.argv.index("-Q") + 1] == "mail,reports,exports,default"
    with_smtp = Settings.from_env({"TICKETSHOW_DATA_DIR": str(tmp_path), "SMTP_HOST": "mail.example.org"})
    assert "mail" not in [p.name for p in plan(with_smtp)]


def test_crashed_processes_are_restarted_with_backoff_and_sigterm_stops_everything(tmp_path):
    run = MakeRun(tmp_path)
    try:
        run.wait_for(lambda: "Ticket Show is starting" in run.text() and run.healthy(), "start")
        first = run.pids()
        assert set(first) == {"redis", "backup", "mail", "worker", "beat", "web"}, run.text()

        for name in ("worker", "beat", "mail", "redis", "backup"):
            old = run.pids()[name]
            os.kill(old, signal.SIGKILL)
            run.wait_for(
                lambda name=name, old=old: run.pids()[name] != old and _alive(run.pids()[name]), f"{name} restarted"
            )
            assert f"{name} exited with -9; restarting in 1 s" in run.text()
        run.wait_for(lambda: listening(run.smtp_port) and listening(run.redis_port), "mail and redis listening")
        run.wait_for(run.healthy, "health with the new Redis")  # the app answered throughout; Redis is back
        assert _alive(first["web"]) and run.pids()["web"] == first["web"]  # the web server was never stopped

        # A second crash in a row waits twice as long.
        worker = run.pids()["worker"]
        os.kill(worker, signal.SIGKILL)
        run.wait_for(lambda: run.pids()["worker"] != worker, "worker restarted again")
        assert "worker exited with -9; restarting in 2 s" in run.text()

        last = run.pids()
    finally:
        code = run.stop()
    assert code == 0, run.text()[-3000:]
    assert "everything stopped" in run.text()
    assert [name for name, pid in last.items() if _alive(pid)] == []


def test_a_failure_at_start_up_stops_everything(tmp_path):
    with socket.socket() as taken:  # the web port is already in use: gunicorn cannot start
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = MakeRun(tmp_path, PORT=str(taken.getsockname()[1]))
        try:
            run.wait_for(lambda: run.process.poll() is not None, "run.py exited", timeout=120)
        finally:
            run.stop()
    assert run.process.returncode == 1, run.text()[-3000:]
    assert "start-up failed" in run.text() and "everything stopped" in run.text()
    assert [name for name, pid in run.pids().items() if _alive(pid)] == []
