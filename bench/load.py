#!/usr/bin/env python3
"""The load benchmark behind `make bench`: a realistic catalogue, gunicorn as `make run` starts it, and wrk.

    make bench                                   # or: .venv/bin/python bench/load.py [options]
    make bench BENCH_ARGS="--duration 5 --connections 16"

1. Seeds a fresh data dir (a temp dir): `flask --app ticketshow prepare` migrates it, then one sqlite3
   transaction bulk-inserts 200 theatres, 2,000 shows (English, Hindi, Tamil and Japanese names, with
   tags), 50,000 screenings over the past and next two months, 5,000 users, their bookings and 500,000
   tickets (and ratings of past shows), exactly as the services would have written them.
2. Starts a private redis-server and two servers the way `make run` does (ticketshow.processes.LocalServer:
   `flask prepare`, then gunicorn with backend/gunicorn.conf.py): one with the cache on (default TTL),
   one with CACHE_TTL_SECONDS=0 (cache off) on the same database, for cache-miss figures.
3. Runs wrk (Lua scripts) for the same duration, threads and connections on each scenario, one after
   the other, with /api/health as the ceiling measured before and after (its mean is the ratio's base,
   because absolute figures on a shared machine wander). Booking rotates pre-made user tokens over many
   future screenings; afterwards sqlite3 checks that nothing was oversold.
4. Samples the summed RSS of each gunicorn master and its workers every 0.2 s during the whole load.
5. Prints one Markdown table and how each target of the performance issue fares.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "scripts")]

import redis  # noqa: E402
import requests  # noqa: E402
from redis_server import redis_server_binary  # noqa: E402
from request_cpu import cpu_seconds, process_tree, shut_down  # noqa: E402

from ticketshow.auth.emails import email_key  # noqa: E402
from ticketshow.auth.passwords import hash_password, opaque_password  # noqa: E402
from ticketshow.auth.usernames import username_key, username_skeleton  # noqa: E402
from ticketshow.processes import LocalServer, free_port  # noqa: E402
from ticketshow.seating.layouts import default_layout, digest, dumps, seats_of  # noqa: E402
from ticketshow.text import fold  # noqa: E402

PASSWORD = "bench-Passw0rd-long"
IST = timezone(timedelta(hours=5, minutes=30))

# ---- the catalogue ----------------------------------------------------------------------------------

PLACES = [
    "Chennai",
    "Mumbai",
    "Delhi",
    "Bengaluru",
    "Kolkata",
    "Hyderabad",
    "Pune",
    "Kochi",
    "Jaipur",
    "Coimbatore",
    "Madurai",
    "Lucknow",
    "Tokyo",
    "Osaka",
]
THEATRE_WORDS = [
    "Sathyam",
    "Regal",
    "Roxy",
    "Maratha Mandir",
    "Liberty",
    "Eros",
    "Odeon",
    "Plaza",
    "Casino",
    "Kasi",
    "Devi",
    "Woodlands",
    "Café Royale",
    "Élite",
    "राज मंदिर",
    "गैएटी",
    "சாந்தி",
    "காசி",
    "ஆல்பர்ட்",
    "東宝シネマズ",
    "新宿ピカデリー",
    "Prithvi",
    "Rangashankara",
    "Museum Theatre",
]
SCRIPTS = {
    "English": (
        [
            "The",
            "A",
            "Last",
            "Silent",
            "Midnight",
            "Golden",
            "Broken",
            "Little",
            "Crimson",
            "Café",
            "Naïve",
            "Wild",
            "Hidden",
            "Secret",
            "Lost",
            "Electric",
        ],
        [
            "River",
            "Love",
            "Night",
            "King",
            "Garden",
            "Road",
            "Storm",
            "Letters",
            "City",
            "Dream",
            "Monsoon",
            "Festival",
            "Train",
            "Circus",
            "Island",
            "Mirror",
        ],
    ),
    "Hindi": (
        ["रात", "प्यार", "सपनों", "दिल", "सूरज", "बारिश", "चाँद", "शहर", "मेरा", "नया"],
        ["का राजा", "की रानी", "की कहानी", "का सफ़र", "के गीत", "की दुनिया", "का मेला", "की बात"],
    ),
    "Tamil": (
        ["காதல்", "இரவு", "மழை", "நிலா", "கனவு", "வீரம்", "தங்க", "கடல்"],
        ["கோட்டை", "பாடல்", "ராஜா", "பயணம்", "தேசம்", "வீடு", "கதை", "மனிதன்"],
    ),
    "Japanese": (
        ["夜の", "東京の", "夏の", "秘密の", "青い", "最後の", "小さな", "風の"],
        ["川", "物語", "庭", "歌", "約束", "王国", "花火", "電車"],
    ),
}
TAGS = [
    "drama",
    "comedy",
    "thriller",
    "romance",
    "action",
    "family",
    "musical",
    "classic",
    "kids",
    "horror",
    "documentary",
    "sci-fi",
    "dance",
    "stand-up",
]
# Search terms users type: words of the names above in each script, partial words, accents left off.
SEARCH_TERMS = [
    "love",
    "river",
    "night",
    "king",
    "cafe",
    "naive",
    "storm",
    "city",
    "monsoon",
    "lost",
    "रात",
    "प्यार",
    "राजा",
    "कहानी",
    "காதல்",
    "மழை",
    "கோட்டை",
    "ராஜா",
    "夜",
    "東京",
    "物語",
    "花火",
]
SEARCH_TAGS = ["drama", "comedy", "thriller", "romance", "action", "family", "musical", "classic", "kids", "horror"]


def _ts(moment: datetime) -> str:
    """A naive UTC datetime as SQLAlchemy stores it in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def seed(
    database: Path, *, theatres: int, shows: int, screenings: int, tickets: int, users: int, rng: random.Random
) -> dict:
    """Bulk-insert the catalogue in one transaction, with the rows the services would have written."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    started = time.perf_counter()
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA synchronous=OFF")  # seeding only; the server runs with NORMAL
    connection.execute("PRAGMA cache_size=-200000")
    first_user = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM users").fetchone()[0]
    connection.execute("BEGIN IMMEDIATE")

    theatre_rows, capacities = [], {}
    for tid in range(1, theatres + 1):
        place = PLACES[tid % len(PLACES)]
        name = f"{THEATRE_WORDS[tid % len(THEATRE_WORDS)]} {tid}"
        capacity = rng.choice([120, 150, 200, 250, 300, 400, 600])
        created = now - timedelta(days=400 - tid % 300)
        capacities[tid] = capacity
        theatre_rows.append(
            (
                tid,
                name,
                fold(name),
                place,
                fold(place),
                f"{tid} Main Road, {place}",
                f"Since {1950 + tid % 70}",
                f"{name} in {place}: {capacity} seats.",
                capacity,
                None,
                _ts(created),
                _ts(created),
                None,
            )
        )
    connection.executemany(
        "INSERT INTO theatres (id, name, name_folded, place, place_folded, address, caption, "
        "description, capacity, image_path, created_at, updated_at, removed_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        theatre_rows,
    )
    # Each theatre's seating layout, as creating a theatre writes it (seating.service.add_default_layout:
    # the default layout of its capacity); screenings sell it, and a ticket's seat_label is the label of
    # its seat_no in it (tickets are NOT NULL and unique on (screening_id, seat_label)).
    layout_ids, labels = {}, {}
    for tid, capacity in capacities.items():
        layout = default_layout(capacity)
        text = dumps(layout)
        layout_ids[tid] = connection.execute(
            "INSERT INTO seat_layouts (theatre_id, layout, digest, seat_count, is_default, created_at) "
            "VALUES (?,?,?,?,1,?) RETURNING id",
            (tid, text, digest(text), capacity, _ts(now)),
        ).fetchone()[0]
        labels[tid] = [seat.label for seat in seats_of(layout)]

    show_rows, tag_rows, prices = [], [], {}
    languages = list(SCRIPTS)
    for sid in range(1, shows + 1):
        language = languages[sid % len(languages)]
        first, second = SCRIPTS[language]
        name = f"{rng.choice(first)} {rng.choice(second)}"
        if rng.random() < 0.3:
            name += f" {rng.randint(2, 4)}"
        price = rng.choice([120, 150, 180, 200, 250, 300, 350, 450]) * 100  # integer paise
        prices[sid] = price
        created = now - timedelta(days=rng.uniform(0, 365))
        show_rows.append(
            (
                sid,
                name,
                fold(name),
                f"A {language} production",
                f"{name}: " + "A story told well. " * 8,
                round(rng.uniform(1, 5), 1),
                price,
                rng.choice([90, 120, 150, 180]),
                language,
                None,
                _ts(created),
                _ts(created),
                None,
            )
        )
        for position, tag in enumerate(rng.sample(TAGS, rng.randint(1, 3))):
            tag_rows.append((sid, tag, position))
    connection.executemany(
        "INSERT INTO shows (id, name, name_folded, caption, description, rating, ticket_price, "
        "duration_minutes, language, image_path, created_at, updated_at, removed_at) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        show_rows,
    )
    connection.executemany("INSERT INTO show_tags (show_id, tag, position) VALUES (?,?,?)", tag_rows)

    # Screenings at local (IST) showtimes over the past and the next two months, sorted by time.
    showtimes = [(10, 0), (13, 30), (16, 30), (19, 0), (22, 0)]
    today = datetime.now(IST).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = []
    for _ in range(screenings):
        hour, minute = rng.choice(showtimes)
        local = today + timedelta(days=rng.randint(-60, 60), hours=hour, minutes=minute)
        starts.append(local.astimezone(timezone.utc).replace(tzinfo=None))
    starts.sort()
    screening_rows, meta = [], []
    for scid, start in enumerate(starts, 1):
        show_id, theatre_id = rng.randint(1, shows), rng.randint(1, theatres)
        price = prices[show_id] + rng.choice([0, 0, 0, 2000, 5000])
        seats = capacities[theatre_id]
        screening_rows.append(
            (
                scid,
                show_id,
                theatre_id,
                _ts(start),
                price,
                price,
                seats,
                _ts(min(start, now) - timedelta(days=rng.randint(1, 30))),
                None,
                layout_ids[theatre_id],
            )
        )
        meta.append((scid, show_id, start, price, seats, theatre_id))
    connection.executemany(
        "INSERT INTO screenings (id, show_id, theatre_id, starts_at, price, base_price, "
        "seats_total, created_at, removed_at, layout_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
        screening_rows,
    )

    # As signup stores them (the password's OpaqueString form, the username's key); one hash for all:
    # hashing 5,000 would time the seeding.
    password_hash = hash_password(opaque_password(PASSWORD))
    user_ids = list(range(first_user, first_user + users))
    connection.executemany(
        "INSERT INTO users (id, username, username_key, username_skeleton, email, email_key, password_hash, role, "
        "created_at, last_seen_at, report_format, reminders, preferred_place) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                uid,
                f"viewer{uid}",
                username_key(f"viewer{uid}"),
                username_skeleton(f"viewer{uid}"),
                f"viewer{uid}@example.com",
                email_key(f"viewer{uid}@example.com"),
                password_hash,
                "user",
                _ts(now - timedelta(days=500)),
                None,
                "html",
                1,
                None,
            )
            for uid in user_ids
        ],
    )

    # Seats sold: past screenings fuller than future ones; exactly `tickets` in all, never above capacity.
    wanted = [
        seats * (rng.betavariate(2, 8) if start <= now else rng.betavariate(1, 30)) for _, _, start, _, seats, _ in meta
    ]
    scale = tickets / sum(wanted)
    sold = [min(seats, int(w * scale)) for w, (_, _, _, _, seats, _) in zip(wanted, meta, strict=True)]
    while sum(sold) < tickets:
        i = rng.randrange(len(sold))
        if sold[i] < meta[i][4]:
            sold[i] += 1
    booking_rows, ticket_rows, rated = [], [], set()
    booking_id = ticket_id = 0
    for (scid, show_id, start, price, _, theatre_id), count in zip(meta, sold, strict=True):
        seat = 0
        while seat < count:
            quantity = min(rng.choice([1, 2, 2, 2, 3, 4]), count - seat)
            booking_id += 1
            user_id = rng.choice(user_ids)
            made = min(start, now) - timedelta(minutes=rng.randint(60, 30 * 24 * 60))
            booking_rows.append(
                (booking_id, user_id, scid, quantity, price, price * quantity, "confirmed", None, _ts(made), None, None)
            )
            for _ in range(quantity):
                seat += 1
                ticket_id += 1
                ticket_rows.append((ticket_id, booking_id, scid, seat, labels[theatre_id][seat - 1], price))
            if start < now and rng.random() < 0.1:
                rated.add((user_id, show_id, start))
    connection.executemany(
        "INSERT INTO bookings (id, user_id, screening_id, quantity, unit_price, total_price, "
        "status, idempotency_key, created_at, cancelled_at, cancel_reason) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        booking_rows,
    )
    connection.executemany(
        "INSERT INTO tickets (id, booking_id, screening_id, seat_no, seat_label, price) VALUES (?,?,?,?,?,?)",
        ticket_rows,
    )
    ratings, seen = [], set()
    for user_id, show_id, start in rated:
        if (user_id, show_id) not in seen:
            seen.add((user_id, show_id))
            moment = _ts(start + timedelta(hours=3))
            ratings.append((user_id, show_id, rng.randint(1, 5), moment, moment))
    connection.executemany(
        "INSERT INTO ratings (user_id, show_id, score, created_at, updated_at) VALUES (?,?,?,?,?)", ratings
    )
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # Booking targets: future screenings (from tomorrow on) with plenty of seats left.
    tomorrow = _ts(now + timedelta(days=1))
    bookable = [
        row[0]
        for row in connection.execute(
            "SELECT s.id FROM screenings s LEFT JOIN tickets t ON t.screening_id = s.id WHERE s.starts_at > ? "
            "GROUP BY s.id HAVING s.seats_total - COUNT(t.id) >= 100 ORDER BY s.id",
            (tomorrow,),
        )
    ]
    counts = {
        table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("theatres", "shows", "show_tags", "screenings", "users", "bookings", "tickets", "ratings")
    }
    connection.close()
    return {
        "seconds": time.perf_counter() - started,
        "counts": counts,
        "user_ids": user_ids,
        "bookable": bookable,
        "booking_id_before": booking_id,
    }


# ---- wrk and its Lua scripts -----------------------------------------------------------------------

LUA_REPORT = r"""
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function sum(name)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get(name) or 0) end
  return total
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p90_us": %.1f, ' ..
    '"p99_us": %.1f, "max_us": %.1f, "status_errors": %d, "socket_errors": %d, "n201": %d, "n409": %d, ' ..
    '"nother": %d}\n', summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout,
    sum("n201"), sum("n409"), sum("nother")))
end
"""

LUA_PATHS = r"""
paths = {%s}
function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  for _ = 1, 10 do math.random() end
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""

LUA_BOOKING = r"""
tokens = {%s}
screenings = {%s}
n201, n409, nother = 0, 0, 0
local counter = 0
function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  for _ = 1, 10 do math.random() end
  counter = id * 7
end
function request()
  counter = counter + 1
  local token = tokens[counter %% #tokens + 1]
  local body = string.format('{"screening_id": %%d, "quantity": %%d}',
                             screenings[math.random(#screenings)], math.random(1, 4))
  return wrk.format("POST", "/api/bookings",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
function response(status, headers, body)
  if status == 201 then n201 = n201 + 1 elseif status == 409 then n409 = n409 + 1 else nother = nother + 1 end
end
"""


def _lua_list(items) -> str:
    return ", ".join(json.dumps(item) if isinstance(item, str) else str(item) for item in items)


def write_scripts(workdir: Path, paths: dict[str, list[str]], tokens: list[str], bookable: list[int]) -> dict:
    scripts = {"static": workdir / "static.lua", "booking": workdir / "booking.lua"}
    scripts["static"].write_text(LUA_REPORT)
    scripts["booking"].write_text(LUA_BOOKING % (_lua_list(tokens), _lua_list(bookable)) + LUA_REPORT)
    for name, items in paths.items():
        scripts[name] = workdir / f"{name}.lua"
        assert all(p.isascii() for p in items), "paths must be percent-encoded"
        scripts[name].write_text(LUA_PATHS % _lua_list(items) + LUA_REPORT)
    return scripts


def run_wrk(url: str, script: Path, *, seconds: float, threads: int, connections: int, log: Path) -> dict:
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds:g}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    with open(log, "a") as out:
        out.write("$ " + " ".join(command) + "\n" + finished.stdout + finished.stderr + "\n")
    line = next(text for text in finished.stdout.splitlines() if text.startswith("BENCH_RESULT "))
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


# ---- memory ----------------------------------------------------------------------------------------


def _memory_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class MemorySampler(threading.Thread):
    """Summed RSS (and PSS) of each server's gunicorn master and workers, every `interval` seconds."""

    def __init__(self, servers: dict[str, int], interval: float = 0.2):
        super().__init__(daemon=True)
        self.servers, self.interval = servers, interval
        self.idle = {name: self.sample(pid) for name, pid in servers.items()}
        self.peak = dict(self.idle)
        self.samples = 0
        self.stopping = threading.Event()

    @staticmethod
    def sample(pid: int) -> dict:
        pids = process_tree(pid)
        each = [_memory_kb(p) for p in pids]  # the master first, then its workers
        return {
            "rss_mb": sum(r for r, _ in each) / 1024,
            "pss_mb": sum(p for _, p in each) / 1024,
            "each_mb": [r / 1024 for r, _ in each],
        }

    def run(self):
        while not self.stopping.is_set():
            for name, pid in self.servers.items():
                now = self.sample(pid)
                if now["rss_mb"] > self.peak[name]["rss_mb"]:
                    self.peak[name] = now
            self.samples += 1
            self.stopping.wait(self.interval)

    def stop(self):
        self.stopping.set()
        self.join()


# ---- the run ---------------------------------------------------------------------------------------


# The scenarios of the run, in order (main's plan); --only picks some of them.
SCENARIO_KEYS = (
    "health",
    "shows_hit",
    "shows_miss",
    "search_miss",
    "search_miss_1",
    "search_hit",
    "windows_hit",
    "windows_miss",
    "theatre_hit",
    "theatre_miss",
    "booking",
    "health_after",
)


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    """A throwaway redis-server on a free port that keeps nothing on disk, once it answers: (process, URL without a db)."""
    port = free_port()
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}"
    client, deadline = redis.Redis.from_url(url), time.time() + 10
    while True:
        try:
            client.ping()
            return process, url
        except redis.ConnectionError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                raise
            time.sleep(0.05)


def warm(base_url: str, paths: list[str], expect_hit: bool = True) -> None:
    """Fill the cache for every path the scenario will ask for, and check that it then answers from it."""
    session = requests.Session()

    def get(path):
        response = session.get(base_url + path, timeout=60)
        response.raise_for_status()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(get, paths))
    if expect_hit:
        state = requests.get(base_url + paths[0], timeout=60).headers.get("X-Cache")
        assert state == "HIT", f"{paths[0]} not cached after warming: X-Cache {state}"


def login_tokens(base_url: str, user_ids: list[int], count: int) -> list[str]:
    def login(uid):
        response = requests.post(
            f"{base_url}/api/auth/login", json={"username": f"viewer{uid}", "password": PASSWORD}, timeout=60
        )
        response.raise_for_status()
        return response.json()["access_token"]

    with ThreadPoolExecutor(max_workers=4) as pool:  # argon2 is slow on purpose: spread it over the workers
        return list(pool.map(login, user_ids[:count]))


def check_bookings(database: Path, booking_id_before: int) -> dict:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        oversold = connection.execute(
            "SELECT COALESCE(SUM(sold - seats_total), 0), COUNT(*) FROM (SELECT s.seats_total, COUNT(*) AS sold "
            "FROM tickets t JOIN screenings s ON s.id = t.screening_id GROUP BY t.screening_id) "
            "WHERE sold > seats_total"
        ).fetchone()
        new_bookings, new_seats = connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(quantity), 0) FROM bookings WHERE id > ? AND status = 'confirmed'",
            (booking_id_before,),
        ).fetchone()
        mismatched = connection.execute(
            "SELECT COUNT(*) FROM bookings b WHERE b.id > ? AND b.status = 'confirmed' AND b.quantity != "
            "(SELECT COUNT(*) FROM tickets t WHERE t.booking_id = b.id)",
            (booking_id_before,),
        ).fetchone()[0]
    finally:
        connection.close()
    return {
        "oversold_seats": oversold[0],
        "oversold_screenings": oversold[1],
        "new_bookings": new_bookings,
        "new_seats": new_seats,
        "quantity_mismatches": mismatched,
    }


def timeframe_paths(days: range, window_days: int) -> list[str]:
    today = datetime.now(IST).replace(hour=0, minute=0, second=0, microsecond=0)
    paths = []
    for day in days:
        start = today + timedelta(days=day)
        end = start + timedelta(days=window_days)
        paths.append(f"/api/screenings?from={quote(start.isoformat(), safe='')}&to={quote(end.isoformat(), safe='')}")
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10, help="seconds per scenario (default 10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--theatres", type=int, default=200)
    parser.add_argument("--shows", type=int, default=2000)
    parser.add_argument("--screenings", type=int, default=50_000)
    parser.add_argument("--tickets", type=int, default=500_000)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--tokens", type=int, default=200, help="logged-in users that the booking load rotates")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database, logs, Lua scripts)")
    parser.add_argument(
        "--only",
        help="comma-separated scenario keys to run (e.g. search_miss,search_miss_1); the health rows always run. "
        f"Keys: {', '.join(SCENARIO_KEYS)}",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="run the chosen scenarios this many times, interleaved; medians reported"
    )
    args = parser.parse_args()

    subprocess.run(["bash", str(ROOT / "scripts" / "ensure-debian-packages.sh"), "wrk"], check=True)
    if not shutil.which("wrk"):
        print("wrk is not installed and could not be installed (Debian package `wrk`)", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="ticketshow-load-"))
    data_dir, database = workdir / "data", workdir / "data" / "ticketshow.sqlite3"
    data_dir.mkdir()
    wrk_log = workdir / "wrk.log"
    redis_process, redis_url = start_redis(workdir)
    servers: list[LocalServer] = []
    try:
        cached = LocalServer(data_dir, f"{redis_url}/0", CACHE_TTL_SECONDS="300")
        uncached = LocalServer(data_dir, f"{redis_url}/1", CACHE_TTL_SECONDS="0")
        uncached.log = data_dir / "gunicorn-uncached.log"

        print(f"[bench] data dir {data_dir}; migrating with `flask --app ticketshow prepare`…", flush=True)
        prepared = subprocess.run(
            [str(Path(sys.executable).parent / "flask"), "--app", "ticketshow", "prepare"],
            cwd=ROOT / "backend",
            env=cached.env,
            capture_output=True,
            text=True,
        )
        if prepared.returncode:
            raise SystemExit(f"`flask prepare` failed:\n{prepared.stdout}{prepared.stderr}")
        seeded = seed(
            database,
            theatres=args.theatres,
            shows=args.shows,
            screenings=args.screenings,
            tickets=args.tickets,
            users=args.users,
            rng=random.Random(args.seed),
        )
        print(
            f"[bench] seeded in {seeded['seconds']:.1f} s: "
            + ", ".join(f"{n:,} {t}" for t, n in seeded["counts"].items())
            + f" ({database.stat().st_size / 2**20:.0f} MB)",
            flush=True,
        )

        for server in (cached, uncached):
            servers.append(server.start())
        print(
            f"[bench] gunicorn (backend/gunicorn.conf.py) cached on :{cached.port}, "
            f"CACHE_TTL_SECONDS=0 on :{uncached.port}; redis-server on {redis_url}",
            flush=True,
        )

        rng = random.Random(args.seed)
        search = [f"/api/shows?q={quote(term, safe='')}&tag={tag}" for term in SEARCH_TERMS for tag in SEARCH_TAGS]
        windows = timeframe_paths(range(-3, 11), 2)
        theatre_pages = [f"/api/theatres/{tid}" for tid in range(1, args.theatres + 1)]
        booking_runs = not args.only or "booking" in args.only.split(",")
        tokens = login_tokens(cached.url, seeded["user_ids"], args.tokens) if booking_runs else []
        bookable = rng.sample(seeded["bookable"], min(1000, len(seeded["bookable"])))
        scripts = write_scripts(
            workdir, {"search": search, "windows": windows, "theatres": theatre_pages}, tokens, bookable
        )
        print(
            f"[bench] {len(tokens)} users logged in; booking over {len(bookable)} future screenings; "
            f"warming the cache ({1 + len(search) + len(windows) + len(theatre_pages)} paths)…",
            flush=True,
        )
        for paths in (["/api/shows"], search, windows, theatre_pages):
            warm(cached.url, paths)
        warm(uncached.url, ["/api/shows", *search[:20], *windows[:3], *theatre_pages[:20]], expect_hit=False)

        load_before = os.getloadavg()[0]
        sampler = MemorySampler({"cached": cached.process.pid, "uncached": uncached.process.pid})
        sampler.start()
        settings = dict(seconds=args.duration, threads=args.threads, connections=args.connections, log=wrk_log)
        run_wrk(cached.url + "/api/health", scripts["static"], **{**settings, "seconds": 2})  # warm-up
        plan = [
            ("health", "GET /api/health (ceiling, before)", cached.url + "/api/health", "static", {}),
            ("shows_hit", "GET /api/shows, cached", cached.url + "/api/shows", "static", {}),
            ("shows_miss", "GET /api/shows, cache off", uncached.url + "/api/shows", "static", {}),
            ("search_miss", "search q+tag, cache off", uncached.url, "search", {}),
            (
                "search_miss_1",
                "search q+tag, cache off, 1 connection",
                uncached.url,
                "search",
                {"threads": 1, "connections": 1},
            ),
            ("search_hit", "search q+tag, cached", cached.url, "search", {}),
            ("windows_hit", "GET /api/screenings 2-day window, cached", cached.url, "windows", {}),
            ("windows_miss", "GET /api/screenings 2-day window, cache off", uncached.url, "windows", {}),
            ("theatre_hit", "GET /api/theatres/{id}, cached", cached.url, "theatres", {}),
            ("theatre_miss", "GET /api/theatres/{id}, cache off", uncached.url, "theatres", {}),
            ("booking", "POST /api/bookings (201 per second)", cached.url, "booking", {}),
            ("health_after", "GET /api/health (ceiling, after)", cached.url + "/api/health", "static", {}),
        ]
        if args.only:
            wanted = {"health", "health_after", *args.only.split(",")}
            if unknown := wanted - {row[0] for row in plan}:
                raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
            plan = [row for row in plan if row[0] in wanted]
        assert tuple(row[0] for row in plan) == tuple(k for k in SCENARIO_KEYS if k in {row[0] for row in plan})
        rounds: dict[str, list[dict]] = {}
        for round_no in range(args.rounds):
            for key, label, url, script, overrides in plan:
                print(f"[bench] {label}" + (f" (round {round_no + 1})" if args.rounds > 1 else "") + "…", flush=True)
                server = cached if urlsplit(url).netloc == urlsplit(cached.url).netloc else uncached
                pids = process_tree(server.process.pid)
                cpu_before = cpu_seconds(pids)
                found = run_wrk(url, scripts[script], **{**settings, **overrides})
                # the server's own CPU (master and workers, user + system) over the requests it answered
                found["cpu_ms"] = (cpu_seconds(pids) - cpu_before) * 1000 / max(found["requests"], 1)
                found["load"] = os.getloadavg()[0]
                rounds.setdefault(key, []).append(found)
        results = {key: _median_round(runs) for key, runs in rounds.items()}
        for key, label, *_ in plan:
            results[key]["label"] = label
        sampler.stop()
        booking_check = check_bookings(database, seeded["booking_id_before"]) if "booking" in results else {}
        print_report(args, results, booking_check, sampler, (load_before, os.getloadavg()[0]))
        return 0
    finally:
        shut_down(list(reversed(servers)), redis_process, workdir, args.keep)  # in the order they were started


def print_report(args, results: dict, booking_check: dict, sampler: MemorySampler, loads: tuple) -> None:
    ceiling = (results["health"]["rps"] + results["health_after"]["rps"]) / 2
    booking = results.get("booking")
    if booking:
        booking["rps_all"] = booking["rps"]
        booking["rps"] = booking["n201"] / (booking["duration_us"] / 1e6)
    print()
    print(
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; wrk {args.threads} threads, {args.connections} "
        f"connections, {args.duration:g} s per scenario; ratio = requests/s ÷ mean of the two health runs "
        f"({ceiling:.0f}/s); machine load average {loads[0]:.1f} before, {loads[1]:.1f} after"
    )
    print()
    rounds = f"; median of {args.rounds} interleaved rounds" if args.rounds > 1 else ""
    print(
        "(CPU ms per request: the server's master and workers, user + system, over the requests answered; "
        f"load average: 1-minute, read after the scenario{rounds})"
    )
    print()
    print("| scenario | requests/s | p50 ms | p99 ms | ratio to health | CPU ms per request | load average | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results.values():
        non_2xx = result["n409"] + result["nother"] if result is booking else result["status_errors"]
        errors = f" (+{result['socket_errors']} socket errors)" if result["socket_errors"] else ""
        print(
            f"| {result['label']} | {result['rps']:.0f} | {result['p50_us'] / 1000:.1f} | "
            f"{result['p99_us'] / 1000:.1f} | {result['rps'] / ceiling:.2f} | {result['cpu_ms']:.2f} | {result['load']:.1f} "
            f"| {non_2xx}{errors} |"
        )
    print()
    if booking:
        print(
            f"booking: {booking['n201']} answered 201, {booking['n409']} 409, {booking['nother']} other "
            f"({booking['rps_all']:.0f} requests/s); in the database {booking_check['new_bookings']} new bookings, "
            f"{booking_check['new_seats']} seats; oversold seats: {booking_check['oversold_seats']} "
            f"(over {booking_check['oversold_screenings']} screenings); bookings whose quantity differs from "
            f"their tickets: {booking_check['quantity_mismatches']}"
        )
    for name, peak in sampler.peak.items():
        idle, each = sampler.idle[name], peak["each_mb"]
        print(
            f"memory, server with cache {'on' if name == 'cached' else 'off'}: peak summed RSS "
            f"{peak['rss_mb']:.0f} MB (master {each[0]:.0f} + workers {' + '.join(f'{m:.0f}' for m in each[1:])}; "
            f"PSS {peak['pss_mb']:.0f} MB); idle before the load {idle['rss_mb']:.0f} MB; "
            f"{sampler.samples} samples, every 0.2 s"
        )
    print()
    print("Targets (performance issue; those whose scenarios ran):")
    if "shows_hit" in results:
        _target("cached GET /api/shows ≥ 0.85 of health", results["shows_hit"]["rps"] / ceiling, 0.85, higher=True)
    if "search_miss" in results:
        _target(
            f"search cache miss p99 < 50 ms under load ({args.connections} connections, cache off)",
            results["search_miss"]["p99_us"] / 1000,
            50,
            higher=False,
            unit=" ms",
        )
    if "search_miss_1" in results:
        _target(
            "search cache miss p99 < 50 ms unloaded (1 connection, cache off)",
            results["search_miss_1"]["p99_us"] / 1000,
            50,
            higher=False,
            unit=" ms",
        )
    if booking:
        _target("booking ≥ 0.5 of health", booking["rps"] / ceiling, 0.5, higher=True)
        _target(
            "zero oversold",
            booking_check["oversold_seats"] + booking_check["quantity_mismatches"],
            0,
            higher=False,
            unit=" seats",
            strict=False,
        )
    worst = max(peak["rss_mb"] for peak in sampler.peak.values())
    _target("web server memory < 300 MB (peak summed RSS, worse server)", worst, 300, higher=False, unit=" MB")


def _median_round(runs: list[dict]) -> dict:
    """One row from the rounds of a scenario: the median of each figure (the round itself when only one)."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def _target(name: str, value: float, goal: float, *, higher: bool, unit: str = "", strict: bool = True) -> None:
    met = value >= goal if higher else (value < goal if strict else value <= goal)
    if met:
        print(f"  MET     {name}: {value:.2f}{unit}")
        return
    gap = goal - value if higher else value - goal
    relative = f" ({gap / goal:.0%} {'short of' if higher else 'over'} the goal)" if goal else ""
    print(f"  MISSED  {name}: {value:.2f}{unit}, misses by {gap:.2f}{unit}{relative}")


if __name__ == "__main__":
    sys.exit(main())
