"""Shared by the job benchmarks: an app on a fresh SQLite file in a temp dir, migrated like `make run` does."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend")]

from flask_migrate import upgrade  # noqa: E402

from ticketshow import create_app  # noqa: E402
from ticketshow.config import Settings  # noqa: E402

# One argon2 hash reused for every seeded user: hashing 2,000 passwords would time the seeding, not the job.
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2VlZHNlZWRzZWVk$ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"


def bench_app(data_dir: Path | None = None):
    """The app on `data_dir` (default: a new temp dir), with its app context pushed."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="ticketshow-bench-"))
    # Redis is never reached by these benchmarks (no request, no enqueue); any URL does.
    app = create_app(
        Settings.from_env(
            data_dir=data_dir, redis_url="redis://127.0.0.1:1/0", demo_data=False, smtp_host="127.0.0.1", testing=True
        )
    )
    context = app.app_context()
    context.push()
    upgrade()
    return app, data_dir
