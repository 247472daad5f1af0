"""Every setting, read from the environment (and an optional .env file), with the defaults of API.md."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv


def _env(source: Mapping[str, str], name: str, default: str) -> str:
    value = source.get(name, "").strip()
    return value or default


def _int_env(source: Mapping[str, str], name: str, default: int) -> int:
    raw = source.get(name, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from exc


def _minutes_env(source: Mapping[str, str], name: str, default: float) -> float:
    """Minute settings accept decimals (API.md: `HOLD_MINUTES=0.25` is 15 seconds), never a negative."""
    raw = source.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError as exc:
        raise SystemExit(f"{name} must be a number of minutes, got {raw!r}") from exc
    if not 0 <= value < 24 * 60:
        raise SystemExit(f"{name} must be between 0 and 1440 minutes, got {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    redis_url: str
    port: int
    host: str
    demo_data: bool
    admin_username: str
    admin_password: str | None
    smtp_host: str | None
    smtp_port: int
    mail_from: str
    gchat_webhook_url: str | None
    app_timezone: str
    reminder_at: str
    cache_ttl_seconds: int = 300
    access_token_minutes: int = 12 * 60
    booking_max_quantity: int = 10
    cancellation_cutoff_minutes: int = 60
    hold_minutes: float = 8  # how long a hold keeps its seats (decimals allowed)
    # The door is open for check-in from this long before a screening's start until this long after it.
    checkin_opens_minutes: float = 120.0
    checkin_closes_minutes: float = 60.0
    hold_renewals: int = 1  # how many times a hold can be renewed
    offer_minutes: float = 30  # how long a waiting-list offer holds its seats (decimals allowed)
    # The waiting room (docs/waiting-room.md): how many buyers of one screening may be choosing seats at once
    # (0: no room), and how long an admitted buyer who neither holds seats nor asks again keeps its place.
    waiting_room_buyers: int = 32
    waiting_room_idle_minutes: float = 2
    login_window_seconds: int = 15 * 60
    login_address_max_failures: int = 100  # failed logins from one address per window (auth/throttle.py)
    changeover_minutes: float = 20.0  # between screenings in one theatre (API.md, CHANGEOVER_MINUTES)
    health_write_probe_seconds: float = 5.0  # /api/health probes a write at most this often per process
    # Celery's broker and result store; defaults to REDIS_URL (tests give Celery its own db number).
    celery_broker_url: str | None = None
    app_url: str = "http://127.0.0.1:5000"
    # Where job failures and beat jobs' alerts go when no admin user asked (ADMIN_EMAIL).
    admin_email: str = "admin@ticketshow.example"
    # Jobs (docs/jobs.md, retry.py): attempts and the waits between them; a running job whose heartbeat
    # is older than job_stale_minutes lost its worker and is requeued (or failed) by the watchdog.
    job_max_attempts: int = 8
    job_retry_first_minutes: int = 5
    job_retry_max_minutes: int = 240
    job_stale_minutes: int = 5
    job_heartbeat_seconds: int = 30
    # The processes `make run` starts (processes.py): gunicorn's workers and threads, the Celery worker's
    # concurrency; the request log line (observability.py: "" turns it off).
    web_concurrency: int = field(default_factory=lambda: (os.cpu_count() or 1) + 1)
    web_threads: int = 1
    access_log: str = "-"
    worker_concurrency: int = 2
    # Reverse proxies in front of gunicorn (docs/operations.md): with 1, the client address is the last
    # X-Forwarded-For entry the proxy added (login throttling, audit rows, logs); 0 trusts no header.
    trusted_proxies: int = 0
    # Redis Sentinel (docs/scaling.md): "host:port,..." of the sentinels; the app and Celery then follow the
    # primary of REDIS_SENTINEL_MASTER through failovers. REDIS_URL still gives the db number and password.
    redis_sentinels: str | None = None
    redis_sentinel_master: str = "ticketshow"
    # The built UI that the app serves; None: frontend/dist beside the backend.
    ui_dist: Path | None = None
    # argon2id cost (auth/passwords.py): RFC 9106's second recommended option by default. Lower it only
    # where hashing speed matters more than resistance to offline guessing (the test suite does).
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 64 * 1024
    testing: bool = False

    @property
    def database_path(self) -> Path:
        return self.data_dir / "ticketshow.sqlite3"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Every setting from `environ` (default: the process environment and a .env file), then `overrides`.
        scripts/run.py and the tests' live server read the settings of the processes they start this way."""
        if environ is None:
            load_dotenv(override=False)
            environ = os.environ
        source = environ
        values = dict(
            data_dir=Path(_env(source, "TICKETSHOW_DATA_DIR", "./instance")).resolve(),
            redis_url=_env(source, "REDIS_URL", "redis://127.0.0.1:6379/0"),
            port=_int_env(source, "PORT", 5000),
            host=_env(source, "HOST", "127.0.0.1"),
            demo_data=_env(source, "DEMO_DATA", "1") not in {"0", "false", "no", "off"},
            admin_username=_env(source, "ADMIN_USERNAME", "admin"),
            admin_password=source.get("ADMIN_PASSWORD") or None,
            smtp_host=source.get("SMTP_HOST") or None,
            smtp_port=_int_env(source, "SMTP_PORT", 8025),
            mail_from=_env(source, "MAIL_FROM", "Ticket Show <no-reply@ticketshow.local>"),
            gchat_webhook_url=source.get("GCHAT_WEBHOOK_URL") or None,
            app_timezone=_env(source, "APP_TIMEZONE", "Asia/Kolkata"),
            reminder_at=_env(source, "REMINDER_AT", "18:00"),
            access_token_minutes=_int_env(source, "ACCESS_TOKEN_MINUTES", 12 * 60),
            cache_ttl_seconds=_int_env(source, "CACHE_TTL_SECONDS", 300),
            booking_max_quantity=_int_env(source, "BOOKING_MAX_QUANTITY", 10),
            cancellation_cutoff_minutes=_int_env(source, "CANCELLATION_CUTOFF_MINUTES", 60),
            hold_minutes=_minutes_env(source, "HOLD_MINUTES", 8),
            hold_renewals=_int_env(source, "HOLD_RENEWALS", 1),
            checkin_opens_minutes=_minutes_env(source, "CHECKIN_OPENS_MINUTES", 120.0),
            checkin_closes_minutes=_minutes_env(source, "CHECKIN_CLOSES_MINUTES", 60.0),
            offer_minutes=_minutes_env(source, "OFFER_MINUTES", 30),
            waiting_room_buyers=max(_int_env(source, "WAITING_ROOM_BUYERS", 32), 0),
            waiting_room_idle_minutes=_minutes_env(source, "WAITING_ROOM_IDLE_MINUTES", 2),
            celery_broker_url=source.get("CELERY_BROKER_URL") or None,
            changeover_minutes=_minutes_env(source, "CHANGEOVER_MINUTES", 20.0),
            app_url=_env(source, "APP_URL", f"http://127.0.0.1:{_int_env(source, 'PORT', 5000)}"),
            admin_email=_env(source, "ADMIN_EMAIL", "admin@ticketshow.example"),
            job_max_attempts=max(_int_env(source, "JOB_MAX_ATTEMPTS", 8), 1),
            job_retry_first_minutes=max(_int_env(source, "JOB_RETRY_FIRST_MINUTES", 5), 1),
            job_retry_max_minutes=max(_int_env(source, "JOB_RETRY_MAX_MINUTES", 240), 1),
            job_stale_minutes=max(_int_env(source, "JOB_STALE_MINUTES", 5), 1),
            job_heartbeat_seconds=max(_int_env(source, "JOB_HEARTBEAT_SECONDS", 30), 1),
            web_concurrency=max(_int_env(source, "WEB_CONCURRENCY", (os.cpu_count() or 1) + 1), 1),
            web_threads=max(_int_env(source, "WEB_THREADS", 1), 1),
            access_log=source.get("ACCESS_LOG", "-"),
            worker_concurrency=max(_int_env(source, "WORKER_CONCURRENCY", 2), 1),
            trusted_proxies=max(_int_env(source, "TRUSTED_PROXIES", 0), 0),
            redis_sentinels=(source.get("REDIS_SENTINELS") or "").strip() or None,
            redis_sentinel_master=_env(source, "REDIS_SENTINEL_MASTER", "ticketshow"),
            password_hash_time_cost=max(_int_env(source, "PASSWORD_HASH_TIME_COST", 3), 1),
            # argon2 needs at least 8 KiB per lane (4 lanes)
            password_hash_memory_kib=max(_int_env(source, "PASSWORD_HASH_MEMORY_KIB", 64 * 1024), 32),
        )
        values.update(overrides)
        return cls(**values)


MIN_SECRET_KEY_BYTES = 32  # HS256 signs with it: RFC 7518 3.2 asks for a key of at least the hash size


def secure_data_dir(data_dir: Path, *, existing_files: bool = False) -> None:
    """The data dir is the owner's alone: created 0700, and from here on this process creates files 0600
    and directories 0700 (umask 077): the database, its WAL, uploads, exports, reports, the secret key.
    With `existing_files` (`flask prepare`, once before the servers start) files and folders already in
    it are tightened too."""
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    if existing_files:
        for root, folders, files in os.walk(data_dir):
            for name in folders:
                os.chmod(os.path.join(root, name), 0o700)
            for name in files:
                path = os.path.join(root, name)
                if not os.path.islink(path):
                    os.chmod(path, 0o600)


def load_secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept (mode 600) in the data dir.

    A key under 32 bytes is refused at start-up (SystemExit): tokens signed with a short key can be forged
    by guessing it offline."""
    if os.environ.get("SECRET_KEY"):
        key = os.environ["SECRET_KEY"]
        if len(key.encode("utf-8")) < MIN_SECRET_KEY_BYTES:
            raise SystemExit(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_BYTES} bytes (it signs login tokens); "
                f"unset it to have one generated, or use e.g. `python -c 'import secrets; "
                f"print(secrets.token_urlsafe(48))'`."
            )
        return key
    path = data_dir / "secret-key"
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        # O_EXCL: when several processes start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key.encode("utf-8")) < MIN_SECRET_KEY_BYTES:
            raise SystemExit(
                f"{path} holds a key under {MIN_SECRET_KEY_BYTES} bytes; delete it to have a new one "
                f"generated (everyone will have to log in again)."
            ) from None
        return key
    with os.fdopen(fd, "w") as fh:
        key = secrets.token_urlsafe(48)
        fh.write(key)
    return key


def load_ticket_key(data_dir: Path):
    """The Ed25519 private key that signs ticket codes: generated once into `<data dir>/ticket-signing-key`
    (PEM, PKCS#8, mode 600) and read from there afterwards; never in the repository. Several processes
    starting at once write it once (O_EXCL); the others read what it wrote."""
    import time

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = data_dir / "ticket-signing-key"
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it this very moment
            data = path.read_bytes()
            if data.strip().endswith(b"-----END PRIVATE KEY-----"):
                return serialization.load_pem_private_key(data, password=None)
            time.sleep(0.02)
        raise SystemExit(
            f"{path} is not a PEM Ed25519 private key; move it away to have a new one generated "
            f"(tickets already issued would then fail their signature)."
        ) from None
    key = Ed25519PrivateKey.generate()
    with os.fdopen(fd, "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return key
