#!/usr/bin/env python3
"""Start everything `make run` promises, keep it running, and stop all of it on Ctrl-C or SIGTERM.

The processes and their order are declared once, in backend/ticketshow/processes.py (Redis only if none
answers at REDIS_URL, `flask prepare`, Litestream, the mail catcher without SMTP_HOST, the Celery worker
and beat, gunicorn); the settings come from ticketshow.config.Settings, as the app reads them. A failure while
starting stops everything; afterwards a process that dies is restarted with backoff (processes.Supervisor).
"""

from __future__ import annotations

import ctypes
import dataclasses
import fcntl
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "backend")]
os.chdir(ROOT / "backend")  # gunicorn.conf.py, wsgi.py and `flask --app ticketshow` live here

from redis_server import ensure_redis  # noqa: E402

from ticketshow.config import Settings  # noqa: E402
from ticketshow.processes import StartupFailed, Supervisor, plan  # noqa: E402


def log(message: str) -> None:
    print(f"[make run] {message}", flush=True)


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM us if `make` dies without passing its signal on."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _answers(settings) -> bool:
    """The web server answers HTTP (any status: /api/health may be 503 while Redis warms up)."""
    host = "127.0.0.1" if settings.host in {"0.0.0.0", "::", ""} else settings.host
    try:
        with urllib.request.urlopen(f"http://{host}:{settings.port}/api/health", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def main() -> int:
    _die_with_parent()
    parent = os.getppid()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: (_ for _ in ()).throw(KeyboardInterrupt(signum)))

    settings = Settings.from_env()  # the environment, then a .env file
    if not os.environ.get("TICKETSHOW_DATA_DIR"):  # the default is instance/ at the top of the checkout
        settings = dataclasses.replace(settings, data_dir=ROOT / "instance")
    os.environ["TICKETSHOW_DATA_DIR"] = str(settings.data_dir)  # absolute, for every child
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Held while we run: `make restore` refuses to replace the database under a running app, and a second
    # `make run` on the same data dir is refused.
    lock = open(settings.data_dir / "run.lock", "a+")  # noqa: SIM115  (held for the life of the process)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        log(f"another `make run` (pid {lock.read().strip() or '?'}) uses {settings.data_dir}; stop it first")
        return 1
    lock.seek(0)
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()
    supervisor = Supervisor(os.environ, log=log)
    try:
        try:
            supervisor.start_all(plan(settings, redis_argv=ensure_redis(settings.redis_url, settings.data_dir, log)))
            supervisor.wait_until(lambda: _answers(settings), 120, "the web server")
        except StartupFailed as exc:
            log(f"start-up failed: {exc}; see above")
            supervisor.stop_all()
            log("everything stopped")
            return 1
        log(f"Ticket Show is starting at http://{settings.host}:{settings.port}  (Ctrl-C stops everything)")
        while True:
            supervisor.tend()
            if os.getppid() != parent:
                log("stopping (make went away)")
                supervisor.stop_all()
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        log("stopping (signal received)")
        supervisor.stop_all()
        log("everything stopped")
        return 0
    except StartupFailed as exc:  # a process that must not be restarted died
        log(f"stopping ({exc})")
        supervisor.stop_all()
        return 1


if __name__ == "__main__":
    sys.exit(main())
