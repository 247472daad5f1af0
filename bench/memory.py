#!/usr/bin/env python3
"""Memory of the web tier and the Celery worker under load: summed PSS from /proc/<pid>/smaps_rollup.

    .venv/bin/python bench/memory.py [--seconds 3] [--connections 16] [--pdf-in-web]

Starts a private Redis and the stack as `make run` does (ticketshow.processes.LocalServer with its worker:
`flask prepare` with the demo catalogue, the mail catcher, the Celery worker with the settings'
WORKER_CONCURRENCY, and the web server with backend/gunicorn.conf.py, the JSON request log on). Then:

1. idle: PSS of every web process (master and workers) and of the worker's processes (its master and
   pool children), before any request;
2. load: wrk on /api/health, /api/shows, /api/screenings (cached) and POST /api/bookings (logged-in users,
   one seat each) for --seconds each, two bookings made one by one before that, then a monthly-reports job
   (--pdf-users of the 8 want PDF, so the worker renders with WeasyPrint; from 2 on, in the monthly run's
   pool of one process per core) and a theatre export job, each waited for;
   with --pdf-in-web one user also fetches their PDF report from the web server (WeasyPrint in a web
   worker). A thread samples both process trees every 0.25 s throughout; the peak is the sample with the
   largest sum;
3. after: PSS of each process once the load is over.

Each figure also says how much of the summed PSS is mapped files (Pss_File: shared libraries, the fonts FreeType
maps), pages the kernel can reclaim, and the peak says what the load was doing when it was sampled.

PSS (proportional set size) counts a page shared by n processes as 1/n in each, so the sum over a tree is
the memory the tree uses in all; RSS would count pages shared after fork once per process. Goals
(issue 23): web tier < 200 MB, Celery worker < 250 MB, both summed PSS under load.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "scripts"), str(ROOT / "bench")]

import requests  # noqa: E402
from load import _memory_kb, start_redis  # noqa: E402
from request_cpu import LUA_BOOKING, LUA_REPORT, process_tree, shut_down, wrk  # noqa: E402

from tests import race  # noqa: E402
from tests.conftest import ADMIN_PASSWORD  # noqa: E402
from ticketshow.config import Settings  # noqa: E402
from ticketshow.processes import LocalServer  # noqa: E402

GOALS_MB = {"web": 200, "worker": 250}


def tree_memory(root: int) -> list[dict]:
    """Every process of the tree under `root` (itself first): pid, command name, PSS and RSS in MB."""
    found = []
    for pid in process_tree(root):
        rss, pss = _memory_kb(pid)
        try:
            with open(f"/proc/{pid}/comm") as f:
                name = f.read().strip()
        except OSError:
            continue
        found.append(
            {"pid": pid, "name": name, "pss_mb": pss / 1024, "rss_mb": rss / 1024, "file_mb": _pss_file_kb(pid) / 1024}
        )
    return found


def _pss_file_kb(pid: int) -> int:
    """The file-backed part of a process's PSS (Pss_File): mapped files' pages in the page cache (shared
    libraries, fonts FreeType maps), clean and reclaimable by the kernel, unlike the anonymous part."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss_File:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _anonymous_ranges(pid: int) -> list[tuple[int, int]]:
    ranges = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            path = parts[5].strip() if len(parts) > 5 else ""
            if not path or path in ("[heap]", "[stack]") or path.startswith("[anon"):
                start, end = (int(x, 16) for x in parts[0].split("-"))
                ranges.append((start, end))
    return ranges


def _frames(pid: int) -> dict[int, int]:
    """Virtual page -> physical frame of every resident anonymous page (/proc/<pid>/pagemap; frames read 0
    without CAP_SYS_ADMIN)."""
    found = {}
    page = os.sysconf("SC_PAGE_SIZE")
    with open(f"/proc/{pid}/pagemap", "rb") as f:
        for start, end in _anonymous_ranges(pid):
            f.seek(start // page * 8)
            data = f.read((end - start) // page * 8)
            for i, (entry,) in enumerate(struct.iter_unpack("<Q", data)):
                if entry >> 63:  # present in memory
                    found[start // page + i] = entry & ((1 << 55) - 1)
    return found


def copied_or_new(master: int, child: int) -> dict[str, float] | None:
    """A forked child's resident anonymous memory in MB: still `shared` with the master (same physical page),
    `copied` (the master has a page at that address: a copy made when either wrote to it after the fork, or
    the master's page was freed and reused) and `new` (nothing there in the master: memory allocated since).
    None when physical frames cannot be read (not root)."""
    try:
        theirs, ours = _frames(master), _frames(child)
    except OSError:
        return None
    if ours and not any(ours.values()):
        return None
    counts = {"shared": 0, "copied": 0, "new": 0}
    for address, frame in ours.items():
        other = theirs.get(address)
        counts["new" if other is None else "shared" if other == frame else "copied"] += 1
    return {kind: n * os.sysconf("SC_PAGE_SIZE") / 2**20 for kind, n in counts.items()}


def total(processes: list[dict], key: str = "pss_mb") -> float:
    return sum(p[key] for p in processes)


class PeakSampler(threading.Thread):
    """The sample of each tree with the largest summed PSS, every `interval` seconds until stopped."""

    def __init__(self, roots: dict[str, int], interval: float = 0.25):
        super().__init__(daemon=True)
        self.roots, self.interval = roots, interval
        self.peak = {name: tree_memory(pid) for name, pid in roots.items()}
        self.phase = "start"  # what the load is doing now (set by the caller)
        self.peak_phase = dict.fromkeys(roots, self.phase)  # what it was doing when each peak was sampled
        self.samples = 0
        self.most = {name: len(found) for name, found in self.peak.items()}  # processes alive at once
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            for name, pid in self.roots.items():
                now = tree_memory(pid)
                self.most[name] = max(self.most[name], len(now))
                if total(now) > total(self.peak[name]):
                    self.peak[name], self.peak_phase[name] = now, self.phase
            self.samples += 1
            self.stopping.wait(self.interval)

    def stop(self):
        self.stopping.set()
        self.join()


def wait_for_job(base_url: str, headers: dict, started: requests.Response, seconds: float = 180) -> dict:
    started.raise_for_status()
    status_url = started.json()["status_url"]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = requests.get(base_url + status_url, headers=headers, timeout=30).json()
        if job["state"] in {"done", "failed"}:
            return job
        time.sleep(0.3)
    raise TimeoutError(f"job {status_url} not finished after {seconds:.0f} s")


def describe(processes: list[dict]) -> str:
    each = " + ".join(f"{p['pss_mb']:.0f}" for p in processes)
    rss = " + ".join(f"{p['rss_mb']:.0f}" for p in processes)
    return f"**{total(processes):.0f} MB** ({each}; RSS {rss}; file-backed {total(processes, 'file_mb'):.0f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3, help="seconds of wrk per endpoint")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--pdf-in-web", action="store_true", help="also fetch a PDF report from the web server")
    parser.add_argument(
        "--pdf-users",
        type=int,
        default=1,
        help="users (of 8, each with bookings) who want their monthly report as PDF; 2 or more start the "
        "monthly run's pool of PDF processes (default 1)",
    )
    parser.add_argument(
        "--breakdown", action="store_true", help="after the load, each process's memory by kind of mapping"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, logs)")
    args = parser.parse_args()

    subprocess.run(["bash", str(ROOT / "scripts" / "ensure-debian-packages.sh"), "wrk"], check=True)
    workdir = Path(tempfile.mkdtemp(prefix="memory-"))
    redis_process, redis_url = start_redis(workdir)
    settings = Settings.from_env(os.environ)  # make run's worker concurrency unless WORKER_CONCURRENCY says otherwise
    server = None
    try:
        data_dir = workdir / "data"
        data_dir.mkdir()
        server = LocalServer(
            data_dir,
            f"{redis_url}/0",
            with_worker=True,
            admin_password=ADMIN_PASSWORD,
            DEMO_DATA="1",
            ACCESS_LOG="-",
            WORKER_CONCURRENCY=str(settings.worker_concurrency),
        ).start()
        roots = {"web": server.process.pid, "worker": server.supervisor.pid("worker")}
        # The worker's pool children start after its master; wait until the tree is whole.
        deadline = time.monotonic() + 60
        while len(process_tree(roots["worker"])) < settings.worker_concurrency + 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        idle = {name: tree_memory(pid) for name, pid in roots.items()}
        print(f"[bench] stack up on {server.url}; web {len(idle['web'])} processes, worker {len(idle['worker'])}")

        arena = race.prepare(server.url, ADMIN_PASSWORD, clients=8, seats=1000, screenings=4)
        sampler = PeakSampler(roots)
        sampler.start()
        user = {"Authorization": f"Bearer {arena.tokens[0]}"}
        sampler.phase = "bookings"
        for token, screening in zip(arena.tokens[:2], arena.screening_ids, strict=False):
            booked = requests.post(
                server.url + "/api/bookings",
                json={"screening_id": screening, "quantity": 2},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            booked.raise_for_status()
        for token in arena.tokens[: max(1, args.pdf_users)]:
            requests.patch(
                server.url + "/api/auth/me/preferences",
                json={"report_format": "pdf"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).raise_for_status()

        static, booking = workdir / "static.lua", workdir / "booking.lua"
        static.write_text(LUA_REPORT)
        tokens = ", ".join(json.dumps(token) for token in arena.tokens)
        booking.write_text(LUA_BOOKING % (tokens, ", ".join(map(str, arena.screening_ids))) + LUA_REPORT)
        loads = []
        for path, script in (
            ("/api/health", static),
            ("/api/shows", static),
            ("/api/screenings", static),
            ("/api/bookings", booking),
        ):
            sampler.phase = f"wrk {path}"
            found = wrk(server.url + path, script, args.seconds, args.threads, args.connections)
            rate = found["requests"] / (found["duration_us"] / 1e6)
            errors = found["status_errors"] + found["socket_errors"]
            print(f"[bench] {path}: {rate:.0f} requests/s, {errors} errors")
            loads.append(os.getloadavg()[0])

        month = datetime.now(timezone.utc).strftime("%Y-%m")
        jobs = [
            ("monthly reports", "/api/admin/jobs/monthly-reports", {"month": month}),
        ]
        theatres = requests.get(server.url + "/api/theatres", headers=arena.admin, timeout=30).json()
        theatre_id = (theatres["items"] if isinstance(theatres, dict) else theatres)[0]["id"]
        jobs.append(("theatre export", f"/api/theatres/{theatre_id}/export", None))
        for label, path, body in jobs:
            sampler.phase = label
            started = requests.post(server.url + path, json=body, headers=arena.admin, timeout=30)
            job = wait_for_job(server.url, arena.admin, started)
            print(f"[bench] {label} job: {job['state']}")
        if args.pdf_in_web:
            sampler.phase = "PDF from the web"
            pdf = requests.get(f"{server.url}/api/reports/monthly?month={month}&format=pdf", headers=user, timeout=120)
            print(f"[bench] PDF report from the web: {pdf.status_code}, {len(pdf.content)} bytes")
        loads.append(os.getloadavg()[0])
        sampler.stop()
        after = {name: tree_memory(pid) for name, pid in roots.items()}

        print()
        print(
            f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; load average {min(loads):.1f}–{max(loads):.1f}; "
            f"{sampler.samples} samples (at most {sampler.most['web']} web and {sampler.most['worker']} worker "
            "processes at once); summed PSS (each process's PSS, the master first; each one's RSS; the part of "
            "the sum that is mapped files)"
        )
        print()
        print("| tree | idle | peak under load | peak during | after the load | goal |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name in roots:
            peak = sampler.peak[name]
            verdict = "met" if total(peak) < GOALS_MB[name] else "**missed**"
            print(
                f"| {name} | {describe(idle[name])} | {describe(peak)} | {sampler.peak_phase[name]} | "
                f"{describe(after[name])} | "
                f"< {GOALS_MB[name]} MB: {verdict} |"
            )
        if args.breakdown:
            print()
            print("Each forked process's resident anonymous memory against its master's (MB):")
            print()
            print("| tree | process | PSS | shared with the master | copied | new |")
            print("| --- | --- | ---: | ---: | ---: | ---: |")
            for name, processes in after.items():
                master = processes[0]["pid"]
                for p in processes[1:]:
                    split = copied_or_new(master, p["pid"])
                    if split is None:
                        print(f"| {name} | {p['pid']} | {p['pss_mb']:.1f} | (frames unreadable: not root) | | |")
                        continue
                    print(
                        f"| {name} | {p['pid']} | {p['pss_mb']:.1f} | {split['shared']:.1f} | {split['copied']:.1f} "
                        f"| {split['new']:.1f} |"
                    )
        return 0
    finally:
        shut_down([server], redis_process, workdir, args.keep)


if __name__ == "__main__":
    sys.exit(main())
