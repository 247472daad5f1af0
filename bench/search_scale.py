#!/usr/bin/env python3
"""How big can the catalogue grow before a search that misses the cache takes more than 50 ms?

    .venv/bin/python bench/search_scale.py [--shows 2000 20000 100000] [--requests 300]

For each size, seeds a fresh database with bench/load.py's seeder (theatres, shows with 1-3 tags, as many
screenings as shows, no tickets), then sends `GET /api/shows?q=<term>&tag=<tag>` (bench/load.py's 22 terms
x 10 tags, in random order) one at a time through the Flask test client with the cache off, and prints p50,
p99 and max of each request's CPU time in ms (the database is in the page cache, so on an idle core this is
its latency). One request at a time measures the work of a search, not queueing (docs/scaling.md).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "backend"), str(ROOT / "scripts")]

from load import SEARCH_TAGS, SEARCH_TERMS, seed  # noqa: E402

from ticketshow import create_app  # noqa: E402
from ticketshow.config import Settings  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def measure(shows: int, requests: int, rng: random.Random) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"ticketshow-search-{shows}-"))
    env = {"TICKETSHOW_DATA_DIR": str(data_dir), "DEMO_DATA": "0", "ADMIN_PASSWORD": "bench-Passw0rd-search"}
    import os

    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "ticketshow", "prepare"],
        cwd=ROOT / "backend",
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    theatres = max(50, shows // 10)
    seeded = seed(
        data_dir / "ticketshow.sqlite3", theatres=theatres, shows=shows, screenings=shows, tickets=0, users=200, rng=rng
    )  # search reads shows and tags, not tickets
    app = create_app(
        Settings.from_env(
            data_dir=data_dir,
            redis_url="redis://127.0.0.1:1/0",
            demo_data=False,
            cache_ttl_seconds=0,
            access_log="",
            testing=True,
        )
    )
    client = app.test_client()
    paths = [f"/api/shows?q={quote(term, safe='')}&tag={tag}" for term in SEARCH_TERMS for tag in SEARCH_TAGS]
    for path in paths[:20]:  # warm SQLite's page cache, as a running server has
        client.get(path)
    times = []
    for _ in range(requests):
        path = rng.choice(paths)
        started = time.process_time()  # CPU time: the search's own work, whatever else the machine runs
        response = client.get(path)
        times.append((time.process_time() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
    size = (data_dir / "ticketshow.sqlite3").stat().st_size / 2**20
    return {
        "shows": shows,
        "theatres": theatres,
        "seed_s": seeded["seconds"],
        "db_mb": size,
        "p50": percentile(times, 0.5),
        "p99": percentile(times, 0.99),
        "max": max(times),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shows", type=int, nargs="+", default=[2000, 20000, 100000])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print("| shows | theatres | database MB | search CPU p50 ms | p99 ms | max ms |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for shows in args.shows:
        row = measure(shows, args.requests, random.Random(args.seed))
        print(
            f"| {row['shows']:,} | {row['theatres']:,} | {row['db_mb']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} "
            f"| {row['max']:.1f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
