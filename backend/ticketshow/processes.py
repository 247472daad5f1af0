"""Every process of Ticket Show, declared once, and the code that starts, watches and stops them.

`plan(settings)` is the list `make run` starts, in order: Redis (only when none answers), `flask prepare`
(migrate and seed, once, before anything forks), Litestream (continuous backup), the mail catcher (without SMTP_HOST), the Celery worker
with its queues, Celery beat, and gunicorn. scripts/run.py runs all of it under a `Supervisor`; the tests'
live server and the benchmarks start a subset through `LocalServer`. Adding a process (a backup shipper,
say) is one more `Process(...)` entry in `plan`.

Supervision (scripts/run.py): a failure while starting (a one-shot step failing, or a process dying
before everything is up) stops everything, as does Ctrl-C or SIGTERM. Once up, a process that dies is
started again after a wait that doubles with each crash in a row (1, 2, 4 ... 30 s; the count resets when
it has run for a minute), so a crashed worker, beat, mail catcher or Redis never takes the app down.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from .celery_app import QUEUES
from .config import Settings

BACKEND = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 30.0
HEALTHY_AFTER_SECONDS = 60.0  # a process that ran this long has its crash count reset


@dataclass(frozen=True)
class Process:
    """One process: how to start it, and how to tell it is up."""

    name: str
    argv: list[str]
    cwd: Path = BACKEND
    oneshot: bool = False  # runs to its end before the next one starts (and must succeed)
    port: int | None = None  # up when something accepts connections on 127.0.0.1:port
    restart: bool = True  # started again (with backoff) when it dies after start-up


def plan(
    settings: Settings,
    *,
    bin_dir: Path = VENV_BIN,
    redis_argv: list[str] | None = None,
    worker_name: str = "ticketshow@%h",
    log_level: str = "INFO",
) -> list[Process]:
    """The processes `make run` starts for `settings`, in order. `redis_argv`: a Redis to start first
    (scripts/redis_server.ensure_redis decides). Callers that need fewer pick them by name."""
    celery = [str(bin_dir / "celery"), "-A", "ticketshow.worker"]
    processes: list[Process] = []
    if redis_argv:
        processes.append(
            Process("redis", redis_argv, cwd=settings.data_dir, port=urlparse(settings.redis_url).port or 6379)
        )
    processes.append(Process("prepare", [str(bin_dir / "flask"), "--app", "ticketshow", "prepare"], oneshot=True))
    # Continuous backup to BACKUP_DIR (backups.py: writes litestream.yml, then becomes `litestream replicate`).
    processes.append(Process("backup", [str(bin_dir / "python"), "-m", "ticketshow.backups"]))
    if not settings.smtp_host:  # no mail server configured: keep mail in the data dir
        processes.append(
            Process(
                "mail",
                [
                    str(bin_dir / "python"),
                    "-m",
                    "ticketshow.notifications.mail_catcher",
                    "--port",
                    str(settings.smtp_port),
                    "--dir",
                    str(settings.data_dir / "mail"),
                ],
                port=settings.smtp_port,
            )
        )
    processes.append(
        Process(
            "worker",
            celery
            + [
                "worker",
                "-Q",
                ",".join(QUEUES),
                f"--loglevel={log_level}",
                f"--concurrency={settings.worker_concurrency}",
                f"--hostname={worker_name}",
            ],
        )
    )
    processes.append(Process("beat", celery + ["beat", f"--loglevel={log_level}"]))
    web = [
        str(bin_dir / "gunicorn"),
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"{settings.host}:{settings.port}",
        "--workers",
        str(settings.web_concurrency),
        "--threads",
        str(settings.web_threads),
    ]
    processes.append(Process("web", web + ["wsgi:app"], port=settings.port))
    return processes


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, chosen below Linux's ephemeral range.

    Asking the kernel for port 0 hands out a port from the ephemeral range (32768-60999), the same range
    every outgoing connection takes its local port from, so on a busy machine a client socket can take the
    port between choosing it and the server binding it. Ports 20000-32767 are never given to clients.
    """
    for _ in range(200):
        port = random.randrange(20000, 32768)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:  # the low range is crowded: let the kernel choose
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class _Running:
    process: Process
    popen: subprocess.Popen
    started: float
    crashes: int = 0  # crashes in a row (reset once it has run HEALTHY_AFTER_SECONDS)
    restart_at: float | None = None


class StartupFailed(RuntimeError):
    pass


@dataclass
class Supervisor:
    """Starts processes in order, restarts those that die (after start-up), and stops them all."""

    env: Mapping[str, str]
    log: Callable[[str], None] = print
    output: Callable[[Process], dict] = lambda process: {}  # Popen's stdout/stderr for each process
    running: dict[str, _Running] = field(default_factory=dict)

    def start_all(self, processes: Iterable[Process], ready_timeout: float = 120) -> None:
        """Start each in turn; a one-shot must succeed and a port must open. StartupFailed otherwise. A process
        that dies while starting fails at once; `ready_timeout` only bounds one that lives but never listens,
        and is generous because gunicorn binds its port after loading the app (preload_app), which takes a
        couple of seconds on an idle machine and took over 30 s on a test machine at load 15."""
        for process in processes:
            if process.oneshot:
                self.log(f"running {process.name}: {' '.join(process.argv)}")
                result = subprocess.run(process.argv, cwd=process.cwd, env=dict(self.env), **self.output(process))
                if result.returncode:
                    raise StartupFailed(f"{process.name} failed with exit code {result.returncode}")
                continue
            if process.port and listening(process.port):  # it would not be ours answering there
                raise StartupFailed(f"{process.name}: port {process.port} is already in use")
            self._spawn(process)
            if process.port:
                self._wait_for_port(process, ready_timeout)

    def _spawn(self, process: Process, crashes: int = 0) -> None:
        popen = subprocess.Popen(process.argv, cwd=process.cwd, env=dict(self.env), **self.output(process))
        self.running[process.name] = _Running(process, popen, time.monotonic(), crashes)
        self.log(f"started {process.name} (pid {popen.pid}): {' '.join(process.argv)}")

    def _wait_for_port(self, process: Process, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        running = self.running[process.name]
        while not listening(process.port):
            if running.popen.poll() is not None:
                raise StartupFailed(f"{process.name} exited with {running.popen.returncode} while starting")
            if time.monotonic() > deadline:
                raise StartupFailed(f"{process.name}: nothing listens on port {process.port} after {seconds:.0f} s")
            time.sleep(0.1)

    def check_started(self) -> None:
        """StartupFailed if any process already died (called until everything is up)."""
        for name, running in self.running.items():
            if running.popen.poll() is not None:
                raise StartupFailed(f"{name} exited with {running.popen.returncode} while starting")

    def wait_until(self, ready: Callable[[], bool], seconds: float, what: str) -> None:
        """Start-up is over when `ready()` holds; a process dying before then is a start-up failure."""
        deadline = time.monotonic() + seconds
        while not ready():
            self.check_started()
            if time.monotonic() > deadline:
                raise StartupFailed(f"{what} not ready after {seconds:.0f} s")
            time.sleep(0.2)

    def pid(self, name: str) -> int:
        return self.running[name].popen.pid

    def kill(self, name: str) -> None:
        """SIGKILL one process (fault tests); `tend` restarts it, or `start_again` does at once."""
        running = self.running[name]
        running.popen.kill()
        running.popen.wait()

    def start_again(self, name: str, ready_timeout: float = 120) -> None:
        process = self.running[name].process
        self._spawn(process)
        if process.port:
            self._wait_for_port(process, ready_timeout)

    def tend(self) -> None:
        """One round of supervision: note processes that died, restart those whose wait is over."""
        now = time.monotonic()
        for name, running in list(self.running.items()):
            if running.restart_at is not None:
                if now >= running.restart_at:
                    self.log(f"restarting {name} (crash {running.crashes} in a row)")
                    self._spawn(running.process, crashes=running.crashes)
                continue
            code = running.popen.poll()
            if code is None:
                if running.crashes and now - running.started >= HEALTHY_AFTER_SECONDS:
                    running.crashes = 0
                continue
            if not running.process.restart:
                raise StartupFailed(f"{name} exited with {code}")
            running.crashes += 1
            wait = min(RESTART_FIRST_SECONDS * 2 ** (running.crashes - 1), RESTART_MAX_SECONDS)
            running.restart_at = now + wait
            self.log(f"{name} exited with {code}; restarting in {wait:.0f} s")

    def stop_all(self, grace: float = 15) -> None:
        """SIGTERM in reverse order of start, then SIGKILL whatever is left after `grace` seconds."""
        alive = [r for r in reversed(list(self.running.values())) if r.restart_at is None and r.popen.poll() is None]
        for running in alive:
            running.popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for running in alive:
            try:
                running.popen.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self.log(f"{running.process.name} did not stop in time; killing it")
                running.popen.kill()
                running.popen.wait()
        self.running.clear()


class LocalServer:
    """The app as `make run` starts it, on free ports in `data_dir`: `flask prepare`, then gunicorn (and
    with `with_worker`, the mail catcher and a Celery worker), from the same `plan`. For the tests' live
    server and the benchmarks; nothing is supervised (a test wants to see a crash)."""

    def __init__(
        self,
        data_dir: Path,
        redis_url: str,
        app_module: str = "wsgi:app",
        with_worker: bool = False,
        admin_password: str | None = None,
        **env,
    ):
        self.data_dir, self.port = data_dir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "gunicorn.log"
        defaults = {
            "ADMIN_USERNAME": "admin",
            "DEMO_DATA": "0",
            "ACCESS_LOG": "",
            "SMTP_PORT": str(free_port()),
            "WORKER_CONCURRENCY": "1",
        }
        if admin_password:
            defaults["ADMIN_PASSWORD"] = admin_password
        self.env = {
            **os.environ,
            **defaults,
            "TICKETSHOW_DATA_DIR": str(data_dir),
            "REDIS_URL": redis_url,
            "PORT": str(self.port),
            **env,
        }
        self.app_module, self.with_worker = app_module, with_worker
        self.supervisor: Supervisor | None = None
        self.process = None  # gunicorn's master (its Popen), once started

    def __getitem__(self, key):  # fixtures hand out dict-like access: live_server["url"]
        return getattr(self, {"url": "url", "data_dir": "data_dir", "log": "log"}[key])

    def processes(self) -> list[Process]:
        wanted = {"prepare", "web"} | ({"mail", "worker"} if self.with_worker else set())
        chosen = [
            p
            for p in plan(Settings.from_env(self.env), worker_name=f"live-{self.port}@%h", log_level="WARNING")
            if p.name in wanted
        ]
        if self.app_module != "wsgi:app":  # a deliberately broken variant of the app (race controls)
            chosen = [
                Process(p.name, p.argv[:-1] + [self.app_module], port=p.port) if p.name == "web" else p for p in chosen
            ]
        return chosen

    def start(self) -> LocalServer:
        import requests

        logs = {
            "web": self.log,
            "worker": self.data_dir / "worker.log",
            "mail": self.data_dir / "mail.log",
            "prepare": self.data_dir / "prepare.log",
        }
        handles = {name: open(path, "ab") for name, path in logs.items()}  # noqa: SIM115  (closed in stop)
        self._handles = handles
        self.supervisor = Supervisor(
            self.env, log=lambda line: None, output=lambda p: {"stdout": handles[p.name], "stderr": subprocess.STDOUT}
        )
        try:
            self.supervisor.start_all(self.processes())
        except StartupFailed as exc:
            self.stop()
            raise RuntimeError(f"live server did not start ({exc}):\n{self.log.read_text()[-3000:]}") from exc
        self.process = self.supervisor.running["web"].popen
        deadline = time.monotonic() + 60  # a loaded 2-core machine boots several workers slowly
        while True:
            try:
                if requests.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:  # workers still booting
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"live server did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.supervisor:
            self.supervisor.stop_all(grace=20)
        for handle in getattr(self, "_handles", {}).values():
            handle.close()
