#!/usr/bin/env python3
"""Which HTTP server: gunicorn's sync and gthread workers and granian (WSGI), side by side in one run.

    .venv/bin/python bench/servers.py [--rounds 5] [--seconds 3] [--connections 16] [--only health,shows,booking]
                                      [--granian-path DIR]

Starts a private Redis and one server per variant the way `make run` starts gunicorn
(ticketshow.processes.LocalServer: `flask prepare`, then the web server with the settings' workers and
threads, the JSON request log on), each on its own copy of one seeded database and its own Redis database,
all with one SECRET_KEY so the same login tokens work everywhere:

  gthread  backend/gunicorn.conf.py as it is (gthread worker, WEB_THREADS threads, keep-alive)
  sync     the same with `--worker-class sync` (one request at a time, a connection closed after each answer)
  granian  `python -m granian --interface wsgi wsgi:app` with WEB_CONCURRENCY workers, --blocking-threads
           WEB_THREADS (the threads that run the app), --runtime-threads 1, and prometheus_client's
           multiprocess directory set up as gunicorn.conf.py does

Then, in --rounds rounds, wrk loads each endpoint of every variant for --seconds; the order of the
variants rotates every round, so none always runs first or last. CPU per request, requests per second and
p99 come from bench/request_cpu.py's `measure` (user + system time of the server's process tree from
/proc over the requests wrk saw answered). Prints every round, then medians with the load average.

Endpoints: health (GET /api/health), shows (GET /api/shows, cached), booking (POST /api/bookings of one
seat by a logged-in user over --screenings 1,000-seat screenings, unsold again before each run).

granian is not one of our requirements: install it apart (`pip install --target /tmp/granian-pkgs granian`)
and pass --granian-path /tmp/granian-pkgs; without it the bench compares the two gunicorn workers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "scripts"), str(ROOT / "bench")]

import requests  # noqa: E402
from load import start_redis  # noqa: E402
from request_cpu import LUA_BOOKING, LUA_REPORT, add_load_arguments, measure, process_tree, reset_sales, shut_down, wrk  # noqa: E402

from tests import race  # noqa: E402
from tests.conftest import ADMIN_PASSWORD  # noqa: E402
from ticketshow.processes import LocalServer, Process  # noqa: E402

ENDPOINTS = {  # name: (path, wrk script)
    "health": ("/api/health", "static"),
    "shows": ("/api/shows", "static"),
    "booking": ("/api/bookings", "booking"),
}


class VariantServer(LocalServer):
    """LocalServer with its web process swapped for another server (or gunicorn worker class)."""

    def __init__(self, variant: str, data_dir: Path, redis_url: str, granian_path: str | None = None, **env):
        variant, _, workers = variant.partition("@")
        if workers:  # "gthread@2": the same server with 2 worker processes
            env["WEB_CONCURRENCY"] = workers
        if variant == "sync":
            # gunicorn reads GUNICORN_CMD_ARGS after the config file, so this overrides its worker_class only.
            env["GUNICORN_CMD_ARGS"] = "--worker-class sync"
        elif variant == "granian":
            # gunicorn.conf.py sets this up for gunicorn; granian needs it in the environment, before the
            # workers import prometheus_client.
            metrics = data_dir / "metrics"
            metrics.mkdir(parents=True, exist_ok=True)
            env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
            if granian_path:
                env["PYTHONPATH"] = os.pathsep.join(filter(None, [granian_path, os.environ.get("PYTHONPATH")]))
        super().__init__(data_dir, redis_url, admin_password=ADMIN_PASSWORD, **env)
        self.variant = variant

    def processes(self) -> list[Process]:
        chosen = super().processes()
        if self.variant != "granian":
            return chosen
        web = next(p for p in chosen if p.name == "web")
        argv = web.argv
        workers, threads = argv[argv.index("--workers") + 1], argv[argv.index("--threads") + 1]
        granian = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            workers,
            "--blocking-threads",
            threads,
            "--runtime-threads",
            "1",
            "--no-ws",
            "wsgi:app",
        ]
        return [Process("web", granian, port=web.port) if p.name == "web" else p for p in chosen]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_load_arguments(parser, ENDPOINTS)
    parser.add_argument(
        "--variants",
        default="sync,gthread,granian",
        help="comma-separated, of sync, gthread, granian; NAME@N runs it with N worker processes (gthread@2)",
    )
    parser.add_argument("--granian-path", help="a directory granian was installed into (pip install --target DIR)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (databases, server logs)")
    args = parser.parse_args()
    wanted = [name for name in args.only.split(",") if name]
    variants = [name for name in args.variants.split(",") if name]
    if unknown := set(wanted) - set(ENDPOINTS):
        parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")
    if unknown := {v.partition("@")[0] for v in variants} - {"sync", "gthread", "granian"}:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    if any(v.startswith("granian") for v in variants):
        if args.granian_path:
            sys.path.insert(0, args.granian_path)
        if importlib.util.find_spec("granian") is None:
            print("[bench] granian is not installed; comparing gunicorn's workers only (see --granian-path)")
            variants = [v for v in variants if not v.startswith("granian")]

    subprocess.run(["bash", str(ROOT / "scripts" / "ensure-debian-packages.sh"), "wrk"], check=True)
    workdir = Path(tempfile.mkdtemp(prefix="servers-"))
    redis_process, redis_url = start_redis(workdir)
    secret = secrets.token_hex(32)  # one key: the tokens made on the first server are valid on all of them
    servers: dict[str, VariantServer] = {}
    try:
        for number, variant in enumerate(variants):
            data_dir = workdir / variant.replace("@", "-")
            data_dir.mkdir()
            if servers:  # the others get a copy of the first one's seeded database
                first = next(iter(servers.values()))
                with (
                    sqlite3.connect(first.data_dir / "ticketshow.sqlite3") as source,
                    sqlite3.connect(data_dir / "ticketshow.sqlite3") as copy,
                ):
                    source.backup(copy)
            server = VariantServer(
                variant, data_dir, f"{redis_url}/{number}", args.granian_path, SECRET_KEY=secret, ACCESS_LOG="-"
            ).start()
            servers[variant] = server
            print(f"[bench] {variant} on {server.url}: {len(process_tree(server.process.pid))} processes", flush=True)
            if number == 0:
                print("[bench] seeding through the API…", flush=True)
                arena = race.prepare(server.url, ADMIN_PASSWORD, clients=16, seats=1000, screenings=args.screenings)

        scripts = {"static": workdir / "static.lua", "booking": workdir / "booking.lua"}
        scripts["static"].write_text(LUA_REPORT)
        tokens = ", ".join(json.dumps(token) for token in arena.tokens)
        bookable = arena.screening_ids[: args.screenings]
        scripts["booking"].write_text(LUA_BOOKING % (tokens, ", ".join(map(str, bookable))) + LUA_REPORT)
        # Warm-up: every worker fills its caches (and the response cache its entries) before measuring.
        for variant, server in servers.items():
            for name in wanted:
                path, script = ENDPOINTS[name]
                wrk(server.url + path, scripts[script], 1, args.threads, args.connections)
            cache = requests.get(server.url + "/api/shows", timeout=30).headers.get("X-Cache")
            print(f"[bench] {variant}: /api/shows X-Cache {cache}", flush=True)

        results: dict[tuple[str, str], list[dict]] = {}
        print()
        print("| round | endpoint | server | CPU ms/request | requests/s | p99 ms | errors | load average |")
        print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |")
        for round_no in range(args.rounds):
            shift = round_no % len(variants)
            order = variants[shift:] + variants[:shift]
            for name in wanted:
                path, script = ENDPOINTS[name]
                for variant in order:
                    server = servers[variant]
                    if name == "booking":
                        reset_sales(server.data_dir / "ticketshow.sqlite3", bookable)
                    row = measure(server, path, scripts[script], args)
                    results.setdefault((name, variant), []).append(row)
                    print(
                        f"| {round_no + 1} | {name} | {variant} | {row['cpu_ms']:.3f} | {row['rps']:.0f} | "
                        f"{row['p99_ms']:.1f} | {row['errors']} | {row['load']:.1f} |",
                        flush=True,
                    )

        def median(name: str, variant: str, key: str) -> float:
            return statistics.median(r[key] for r in results[(name, variant)])

        loads = [r["load"] for rows in results.values() for r in rows]
        base = next((v for v in variants if v.startswith("gthread")), variants[0])
        print()
        print(
            f"Medians of {args.rounds} interleaved rounds, {args.seconds:g} s each, wrk {args.threads} threads × "
            f"{args.connections} connections; load average {min(loads):.1f}–{max(loads):.1f} while measuring; "
            f"ratios against {base}"
        )
        print()
        print("| endpoint | server | requests/s | ratio | CPU ms/request | ratio | p99 ms | errors |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name in wanted:
            for variant in variants:
                rps, cpu = median(name, variant, "rps"), median(name, variant, "cpu_ms")
                errors = sum(r["errors"] for r in results[(name, variant)])
                print(
                    f"| {name} | {variant} | {rps:.0f} | {rps / median(name, base, 'rps'):.2f} | {cpu:.3f} | "
                    f"{cpu / median(name, base, 'cpu_ms'):.2f} | {median(name, variant, 'p99_ms'):.1f} | {errors} |"
                )
        return 0
    finally:
        shut_down(list(servers.values()), redis_process, workdir, args.keep)


if __name__ == "__main__":
    sys.exit(main())
