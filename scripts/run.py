#!/usr/bin/env python3
"""Start everything `make run` promises and stop all of it on Ctrl-C or SIGTERM.

Order: Redis (only if none answers at REDIS_URL), then `flask prepare` (migrate, seed; once, before any
worker forks), then gunicorn. A child that dies takes the others down with it, so a half-started app
never lingers. Then the mail catcher (when SMTP_HOST is not set), the Celery worker and beat.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BACKEND = ROOT / "backend"
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "scripts"))

from redis_server import ensure_redis  # noqa: E402

children: list[tuple[str, subprocess.Popen]] = []
stopping = False


def log(message: str) -> None:
    print(f"[make run] {message}", flush=True)


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM us if `make` dies without passing its signal on."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def start(name: str, argv: list[str], **kwargs) -> subprocess.Popen:
    log(f"starting {name}: {' '.join(argv)}")
    process = subprocess.Popen(argv, cwd=kwargs.pop("cwd", BACKEND), **kwargs)
    children.append((name, process))
    return process


def stop_all(reason: str) -> None:
    global stopping
    if stopping:
        return
    stopping = True
    log(f"stopping ({reason})")
    for name, process in reversed(children):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.time() + 15
    for name, process in reversed(children):
        try:
            process.wait(timeout=max(deadline - time.time(), 0.1))
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in time; killing it")
            process.kill()
            process.wait()
    log("everything stopped")


def main() -> int:
    _die_with_parent()
    parent = os.getppid()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: (_ for _ in ()).throw(KeyboardInterrupt(signum)))

    data_dir = Path(os.environ.get("TICKETSHOW_DATA_DIR") or ROOT / "instance").resolve()
    os.environ["TICKETSHOW_DATA_DIR"] = str(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    port = os.environ.get("PORT") or "5000"
    host = os.environ.get("HOST") or "127.0.0.1"

    try:
        redis_argv = ensure_redis(redis_url, data_dir, log)
        if redis_argv:
            start("redis", redis_argv, cwd=data_dir, stdout=subprocess.DEVNULL)
            _wait_for_port(urlparse(redis_url).hostname or "127.0.0.1", urlparse(redis_url).port or 6379, 20)

        flask = [str(VENV_BIN / "flask"), "--app", "ticketshow"]
        prepared = subprocess.run(flask + ["prepare"], cwd=BACKEND)
        if prepared.returncode:
            log("database preparation failed; see above")
            stop_all("preparation failed")
            return prepared.returncode

        if not os.environ.get("SMTP_HOST"):  # no mail server configured: keep mail in the data dir
            start("mail", [str(VENV_BIN / "python"), "-m", "ticketshow.notifications.mail_catcher",
                           "--port", os.environ.get("SMTP_PORT") or "8025", "--dir", str(data_dir / "mail")])
        celery = [str(VENV_BIN / "celery"), "-A", "ticketshow.worker"]
        start("worker", celery + ["worker", "-Q", "mail,reports,exports,default", "--loglevel=INFO",
                                  "--concurrency=2", "--hostname=ticketshow@%h"])
        start("beat", celery + ["beat", "--loglevel=INFO"])
        start("web", [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"{host}:{port}",
                      "wsgi:app"])
        log(f"Ticket Show is starting at http://{host}:{port}  (Ctrl-C stops everything)")
        while True:
            for name, process in children:
                if process.poll() is not None:
                    stop_all(f"{name} exited with {process.returncode}")
                    return 1
            if os.getppid() != parent:
                stop_all("make went away")
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop_all("signal received")
        return 0


def _wait_for_port(host: str, port: int, seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {host}:{port} after {seconds}s")


if __name__ == "__main__":
    sys.exit(main())
