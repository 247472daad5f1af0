#!/usr/bin/env python3
"""`make restore [AT=<ISO time>]`: rebuild the database from the Litestream backup in BACKUP_DIR.

1. Refuses (and changes nothing) while anything has this data dir's database open: `make run` (its lock
   file), gunicorn, a worker, Litestream itself. Stop the app first; this script stops nothing.
2. Restores the latest state, or the state at AT (an ISO 8601 time with an offset, e.g.
   `2026-11-29T18:05:00+05:30` or `...Z`), into a new file beside the database and checks it.
3. Only then keeps the current database (with its -wal, -shm and Litestream's local state) aside in
   `$TICKETSHOW_DATA_DIR/pre-restore-<UTC time>/` and moves the restored file into place.
4. Says what it did: from where, to which time, what the restored database holds, where the old one went.
"""

from __future__ import annotations

import argparse
import dataclasses
import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))

from ticketshow.backups import litestream_binary, replica_url, write_config  # noqa: E402
from ticketshow.config import Settings  # noqa: E402

RUN_LOCK = "run.lock"  # held by scripts/run.py while `make run` runs


def say(message: str) -> None:
    print(f"[make restore] {message}", flush=True)


def parse_at(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise SystemExit(f"AT={text!r} is not an ISO 8601 time; e.g. AT=2026-11-29T18:05:00+05:30") from None
    if moment.tzinfo is None:
        raise SystemExit(f"AT={text!r} has no offset; say which zone, e.g. AT={text}+05:30 or AT={text}Z")
    return moment.astimezone(timezone.utc)


def who_holds(data_dir: Path, database: Path) -> list[str]:
    """Processes that have this database open, and a live `make run` on this data dir."""
    holders = []
    lock_path = data_dir / RUN_LOCK
    if lock_path.exists():
        with open(lock_path, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(lock, fcntl.LOCK_UN)
            except BlockingIOError:
                lock.seek(0)
                holders.append(f"`make run` (pid {lock.read().strip() or '?'}) is running on {data_dir}")
    targets = {str(database), f"{database}-wal", f"{database}-shm"}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in targets:
                    command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                    holders.append(f"pid {proc.name} has the database open: {command[:120]}")
                    break
        except OSError:  # gone meanwhile, or not ours to look at
            continue
    return holders


def describe(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise SystemExit(f"the restored file fails SQLite's integrity check: {check}")
        bookings, confirmed, last = db.execute(
            "SELECT count(*), sum(status = 'confirmed'), max(created_at) FROM bookings"
        ).fetchone()
        tickets = db.execute("SELECT count(*) FROM tickets").fetchone()[0]
    return (
        f"{bookings} bookings ({confirmed or 0} confirmed, {tickets} tickets), "
        f"newest booking made {last or 'never'} UTC"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--at", default=os.environ.get("AT") or None, help="restore the state at this time")
    args = parser.parse_args()

    settings = Settings.from_env()  # the environment, then a .env file, as `make run` reads them
    if not os.environ.get("TICKETSHOW_DATA_DIR"):  # the default is instance/ at the top of the checkout
        settings = dataclasses.replace(settings, data_dir=ROOT / "instance")
    data_dir, database = settings.data_dir, settings.database_path
    at = parse_at(args.at) if args.at else None
    holders = who_holds(data_dir, database)
    if holders:
        for holder in holders:
            say(holder)
        say(
            "refusing to restore while the app uses this database; stop it (Ctrl-C in `make run`, or "
            "`systemctl stop ticketshow-*`) and run `make restore` again. Nothing was changed."
        )
        return 2

    source = replica_url(data_dir)
    config = write_config(data_dir, database)
    restoring = data_dir / f"{database.name}.restoring"
    restoring.unlink(missing_ok=True)
    command = [litestream_binary(), "restore", "-config", str(config), "-no-expand-env", "-o", str(restoring)]
    if at:
        command += ["-timestamp", at.strftime("%Y-%m-%dT%H:%M:%SZ")]
    say(f"restoring {'the state at ' + at.isoformat() if at else 'the latest state'} from {source}")
    done = subprocess.run(command + [str(database)], capture_output=True, text=True)
    if done.returncode or not restoring.exists():
        restoring.unlink(missing_ok=True)
        say(f"litestream could not restore: {(done.stderr or done.stdout).strip()[-800:]}")
        say("nothing was changed.")
        return 1
    summary = describe(restoring)

    kept = None
    leftovers = [
        p
        for p in (database, Path(f"{database}-wal"), Path(f"{database}-shm"), data_dir / f".{database.name}-litestream")
        if p.exists()
    ]
    if leftovers:
        kept = data_dir / f"pre-restore-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}"
        kept.mkdir()
        for path in leftovers:
            shutil.move(str(path), kept / path.name)
    restoring.replace(database)
    say(f"restored {database}: {summary}")
    say(f"the previous database is kept in {kept}" if kept else "there was no database before; nothing kept aside")
    say("start the app again with `make run`; Litestream carries on from the restored state.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
