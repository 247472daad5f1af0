#!/usr/bin/env python3
"""What one search that misses the cache costs, on `make bench`'s catalogue, and whether its answers changed.

    .venv/bin/python bench/search_miss.py [--data-dir DIR] [--count 1000] [--profile] [--save F | --compare F]

Seeds `make bench`'s catalogue with bench/load.py's seeder (2,000 shows, 50,000 screenings, 500,000 tickets;
into --data-dir, kept, or reused when it already holds a database, so that answers can be compared between
two versions of the code), loads `wsgi:app` as a gunicorn worker does with the cache off
(CACHE_TTL_SECONDS=0) against a private redis-server, and calls the WSGI app directly with prepared environs
(bench/profile_request.py's way: no HTTP, no test client) for load.py's search paths
(`/api/shows?q=<term>&tag=<tag>`, 22 terms x 10 tags) in turn. Prints the CPU time per request
(`time.process_time`, median of 3 runs of --count requests) beside `/api/health`'s and the list's without a
search (LIST_PATHS), and with --profile
cProfile's top functions (CPU timer) for one more run.

--save writes every answer of a wider set of requests (load.py's paths, and the same terms with other sorts,
pages, places, ratings and timeframes, tags alone, no filter) to a JSON file; --compare reads such a file and
reports every answer that differs (status, body). Answers depend on the clock only through "upcoming"
(screenings that have not started); compare runs a few minutes apart, not across a showtime.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "backend"), str(ROOT / "scripts")]

from load import SEARCH_TAGS, SEARCH_TERMS, start_redis  # noqa: E402
from profile_request import cpu_profile, worker_environment  # noqa: E402

LIST_PATHS = ["/api/shows", "/api/shows?page=2", "/api/shows?tag=drama", "/api/shows?sort=rating"]


def search_paths() -> list[str]:
    """load.py's search scenario: every term with every tag."""
    return [f"/api/shows?q={quote(term, safe='')}&tag={tag}" for term in SEARCH_TERMS for tag in SEARCH_TAGS]


def checked_paths() -> list[str]:
    """The answers compared between versions: the scenario's, and the other filters, sorts and pages."""
    paths = search_paths()
    for term in SEARCH_TERMS:
        q = quote(term, safe="")
        paths += [
            f"/api/shows?q={q}",
            f"/api/shows?q={q}&page=2&per_page=5",
            f"/api/shows?q={q}&sort=name",
            f"/api/shows?q={q}&sort=rating&min_rating=3.5",
            f"/api/shows?q={q}&sort=latest&place=chennai",
            f"/api/shows?q={q}&tag=drama&tag=comedy",
        ]
    paths += [
        "/api/shows",
        "/api/shows?page=3",
        "/api/shows?per_page=100",
        "/api/shows?sort=name&per_page=50",
        "/api/shows?sort=rating",
        "/api/shows?tag=kids&sort=name",
        "/api/shows?place=pune",
        "/api/shows?min_rating=4.5&per_page=100",
        "/api/shows?q=caf%C3%A9",
        "/api/shows?q=lo",
        "/api/shows?q=%22",
        "/api/shows?q=%20%20",
        "/api/shows?q=night%20river",
        "/api/shows?q=r%C3%A2t",
        "/api/shows?q=no-such-word-anywhere",
    ]
    return paths


def wsgi_caller(app, path: str):
    """A function that answers `path` through the WSGI app and returns (status, body bytes)."""
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=path, environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()

    def start_response(status, headers, exc_info=None):
        start_response.status = status

    def call():
        result = app(dict(environ, **{"wsgi.input": io.BytesIO(b"")}), start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return start_response.status, body

    return call


def cpu_per_request(calls, count: int) -> tuple[float, list[float]]:
    """Median over 3 runs of the CPU ms per request, cycling through `calls`; and the runs."""
    runs = []
    for _ in range(3):
        started = time.process_time()
        for n in range(count):
            calls[n % len(calls)]()
        runs.append((time.process_time() - started) / count * 1000)
    return statistics.median(runs), runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="kept; a database already there is reused (default: a temp dir)")
    parser.add_argument("--count", type=int, default=1000, help="requests per run (default 1000)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument("--save", type=Path, help="write the answers of the checked requests to this JSON file")
    parser.add_argument("--compare", type=Path, help="compare the answers with a file written by --save")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="search-miss-"))
    data_dir = args.data_dir or workdir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "ticketshow.sqlite3"
    redis_process, redis_url = start_redis(workdir)
    worker_environment(workdir, data_dir, f"{redis_url}/0", CACHE_TTL_SECONDS="0")
    try:
        fresh = not database.exists()
        subprocess.run(
            [str(Path(sys.executable).parent / "flask"), "--app", "ticketshow", "prepare"],
            cwd=ROOT / "backend",
            check=True,
            capture_output=True,
        )
        if fresh:
            from load import seed

            seeded = seed(
                database,
                theatres=200,
                shows=2000,
                screenings=50_000,
                tickets=500_000,
                users=5000,
                rng=random.Random(args.seed),
            )
            print(f"seeded {database} in {seeded['seconds']:.0f} s", flush=True)
        from wsgi import app

        for handler in logging.getLogger("ticketshow.access").handlers:
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115  (the line is still built and written)

        if args.save or args.compare:
            answers = {}
            for path in checked_paths():
                status, body = wsgi_caller(app, path)()
                # numbers kept as written (250.00 stays "250.00"); spacing between tokens does not count
                answers[path] = {"status": status, "body": json.loads(body, parse_float=str) if body else None}
            if args.save:
                args.save.write_text(json.dumps(answers, ensure_ascii=False, indent=1))
                print(f"saved {len(answers)} answers to {args.save}")
            if args.compare:
                before = json.loads(args.compare.read_text())
                differ = [path for path in before if before[path] != answers.get(path)]
                differ += [path for path in answers if path not in before]
                print(f"compared {len(answers)} answers with {args.compare}: {len(differ)} differ")
                for path in differ[:20]:
                    print(f"  {path}\n    before {json.dumps(before.get(path), ensure_ascii=False)[:400]}")
                    print(f"    now    {json.dumps(answers.get(path), ensure_ascii=False)[:400]}")
                if differ:
                    return 1

        health = [wsgi_caller(app, "/api/health")]
        searches = [wsgi_caller(app, path) for path in search_paths()]
        random.Random(args.seed).shuffle(searches)
        for call in searches:  # warm SQLite's page cache and the process's caches, as a running server has
            call()
        print(f"load average {os.getloadavg()[0]:.1f}; {args.count} requests per run")
        lists = [wsgi_caller(app, path) for path in LIST_PATHS]  # load.py's "GET /api/shows, cache off" and kin
        for name, calls in (("health", health), ("search miss", searches), ("list miss", lists)):
            median, runs = cpu_per_request(calls, args.count)
            print(f"{name}: {median:.3f} ms of CPU per request (runs: {', '.join(f'{r:.3f}' for r in runs)})")
        if args.profile:
            turns = itertools.cycle(searches)
            print(cpu_profile(lambda: next(turns)(), args.count, args.sort, args.lines))
        return 0
    finally:
        redis_process.terminate()
        redis_process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
