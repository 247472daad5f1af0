#!/usr/bin/env python3
"""The monthly report run for many users: reports per second as HTML mail and as PDF, on this machine's
cores, side by side with the /api/health ceiling of the same run.

    .venv/bin/python bench/monthly_reports.py [--users 2000] [--pdf-users 200] [--rounds 3]

Seeds a temp SQLite through the catalogue services (theatres, shows with Hindi/Tamil/Japanese names,
screenings) and bulk rows for users and their bookings in October 2026 (3 bookings each, 2 seen, 1 rating),
starts a private Redis and gunicorn as `make run` does (for GET /api/health only), then in each round
measures, one after the other:
  (1) GET /api/health for --health-seconds with --clients keep-alive clients (the machine's ceiling now);
  (2) the HTML report alone, as the monthly run builds it, for every user: the month's figures and the
      Jinja2 template in the user's language (`html_reports`), no mail, no SMTP;
  (3) the whole monthly run, `send_monthly_reports`, every user on HTML, mailed to a local aiosmtpd catcher
      (its log emptied first, so every user is owed again);
  (4) the PDF report (WeasyPrint, A4, Noto fonts) of --pdf-users users, one after the other in this process
      (build + render_pdf), giving CPU ms per report;
  (5) the same PDFs as the monthly run renders them: `prerender_pdfs`, one process per core (this one and
      forked ones).
The report cache is emptied before (4) and (5); --pdf-users 0 leaves them out. CPU is user + system time
(this process for (2), (3) and (4), which for (3) includes the SMTP catcher's thread; this process and the
pool's for (5)). Prints a row per round and the
medians, with the load average (`uptime`) at each measure.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import resource
import shutil
import socket
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from _seed import PASSWORD_HASH, bench_app
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import delete, insert  # noqa: E402

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "scripts")]
from load import start_redis  # noqa: E402
from seat_maps import run as run_clients  # noqa: E402

from ticketshow.auth.models import User  # noqa: E402
from ticketshow.booking.models import Booking, Ticket  # noqa: E402
from ticketshow.catalog import service as catalog  # noqa: E402
from ticketshow.extensions import db  # noqa: E402
from ticketshow.notifications.mail_catcher import MailboxHandler  # noqa: E402
from ticketshow.processes import LocalServer  # noqa: E402
from ticketshow.ratings.models import Rating  # noqa: E402
from ticketshow.reports import service as reports  # noqa: E402
from ticketshow.reports.models import ReportLog  # noqa: E402
from ticketshow.seating.layouts import default_layout, seats_of  # noqa: E402

SHOWS = ["தமிழ் நாடகம்", "東京物語", "मुग़ल-ए-आज़म", "Hamlet", "Rangeela Raat", "நாட்டிய விழா"]
NAMES = ["आशा", "முருகன்", "さくら", "Priya", "Arjun", "यामिनी"]
MONTH = date(2026, 10, 1)


def seed(users: int) -> None:
    random.seed(7)
    theatres = [
        catalog.create_theatre({"name": name, "place": place, "capacity": 2000})
        for name, place in (("पृथ्वी थिएटर", "मुंबई"), ("கலாக்ஷேத்ரா", "Chennai"), ("Ranga Shankara", "Bengaluru"))
    ]
    shows = [
        catalog.create_show(
            {
                "name": name,
                "rating": 4,
                "tags": random.sample(["drama", "music", "comedy", "film", "dance"], 2),
                "ticket_price": Decimal(150 + 50 * i),
            }
        )
        for i, name in enumerate(SHOWS)
    ]
    start = datetime(2026, 10, 1, 13, 30, tzinfo=timezone.utc)
    screenings = [
        catalog.create_screening(
            shows[i % len(shows)].id, theatres[i % 3].id, start + timedelta(days=i % 45, hours=4 * (i // 45)), None
        )
        for i in range(90)
    ]  # one hall: two a day, 4 hours apart
    db.session.execute(
        insert(User),
        [
            {
                "username": f"{NAMES[n % len(NAMES)]}-{n}",
                "username_key": f"user-{n}",
                "email": f"u{n}@example.com",
                "email_key": f"u{n}@example.com",
                "password_hash": PASSWORD_HASH,
                "role": "user",
                "report_format": "html",
                "reminders": True,
                "created_at": datetime(2026, 9, 1, tzinfo=timezone.utc),
            }
            for n in range(users)
        ],
    )
    user_ids = [row[0] for row in db.session.execute(db.select(User.id).where(User.role == "user"))]
    bookings, seat_of = [], {}
    for uid in user_ids:
        for screening in random.sample(screenings, 3):
            quantity = random.randint(1, 4)
            bookings.append(
                {
                    "user_id": uid,
                    "screening_id": screening.id,
                    "quantity": quantity,
                    "unit_price": screening.price,
                    "total_price": screening.price * quantity,
                    "status": "confirmed",
                    "created_at": datetime(2026, 10, 1, 5, tzinfo=timezone.utc),
                }
            )
    ids = db.session.execute(
        insert(Booking).returning(Booking.id, Booking.screening_id, Booking.quantity), bookings
    ).all()
    # A ticket's seat_label is its seat_no's label in the theatre's default layout (what create_theatre
    # wrote); tickets are NOT NULL and unique on (screening_id, seat_label).
    labels = [seat.label for seat in seats_of(default_layout(2000))]
    tickets = []
    for booking_id, screening_id, quantity in ids:
        for _ in range(quantity):
            seat_of[screening_id] = seat_of.get(screening_id, 0) + 1
            seat = seat_of[screening_id]
            tickets.append(
                {
                    "booking_id": booking_id,
                    "screening_id": screening_id,
                    "seat_no": seat,
                    "seat_label": labels[seat - 1],
                }
            )
    db.session.execute(insert(Ticket), tickets)
    db.session.execute(
        insert(Rating),
        [
            {
                "user_id": uid,
                "show_id": shows[uid % len(shows)].id,
                "score": 4,
                "created_at": datetime(2026, 10, 20, tzinfo=timezone.utc),
                "updated_at": datetime(2026, 10, 20, tzinfo=timezone.utc),
            }
            for uid in user_ids
        ],
    )
    db.session.commit()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def render_round(user_ids: list[int]) -> dict:
    load, wall, cpu, size = os.getloadavg()[0], time.perf_counter(), time.process_time(), 0
    for _uid, html in reports.html_reports(MONTH, user_ids):
        size += len(html)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    db.session.expunge_all()
    return {"per_s": len(user_ids) / wall, "cpu_ms": 1000 * cpu / len(user_ids), "load": load, "kib": size / 1024}


def html_round(controller_handler: MailboxHandler, users: int) -> dict:
    db.session.execute(delete(ReportLog))  # every user owed their report again
    db.session.commit()
    controller_handler.messages.clear()
    load, wall, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
    outcome = reports.send_monthly_reports(MONTH)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sent = int(outcome.summary.split()[0])
    assert sent == users == len(controller_handler.messages), (sent, len(controller_handler.messages))
    return {"per_s": sent / wall, "cpu_ms": 1000 * cpu / sent, "load": load}


def pdf_serial_round(data_dir: Path, user_ids: list[int]) -> dict:
    shutil.rmtree(data_dir / "report-cache", ignore_errors=True)
    load, wall, cpu, size = os.getloadavg()[0], time.perf_counter(), time.process_time(), 0
    for uid in user_ids:
        size += len(reports.render_pdf(reports.monthly_report(uid, MONTH)))
        db.session.expunge_all()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"per_s": len(user_ids) / wall, "cpu_ms": 1000 * cpu / len(user_ids), "load": load, "kib": size / 1024}


def pdf_pool_round(data_dir: Path, user_ids: list[int]) -> dict:
    shutil.rmtree(data_dir / "report-cache", ignore_errors=True)
    # This process renders its share too (prerender_pdfs): CPU is its own and its forked processes'.
    load, wall, cpu = os.getloadavg()[0], time.perf_counter(), children_cpu() + time.process_time()
    rendered = reports.prerender_pdfs(MONTH, user_ids)
    wall, cpu = time.perf_counter() - wall, children_cpu() + time.process_time() - cpu
    assert rendered == len(user_ids), rendered
    assert len(list((data_dir / "report-cache").glob("*/*.pdf"))) == len(user_ids)
    return {"per_s": len(user_ids) / wall, "cpu_ms": 1000 * cpu / len(user_ids), "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--pdf-users", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=16, help="health clients")
    parser.add_argument("--health-seconds", type=float, default=4)
    args = parser.parse_args()
    app, data_dir = bench_app()
    port = free_port()
    app.config["SETTINGS"] = dataclasses.replace(app.config["SETTINGS"], smtp_port=port)
    t0 = time.perf_counter()
    seed(args.users)
    print(f"seeded {args.users} users with 3 bookings each in {time.perf_counter() - t0:.1f} s ({data_dir})")
    all_ids = list(db.session.scalars(db.select(User.id).where(User.role == "user").order_by(User.id)))
    user_ids = all_ids[: args.pdf_users]
    processes = max(1, min(reports.pdf_processes(), len(user_ids)))

    workdir = Path(tempfile.mkdtemp(prefix="monthly-reports-health-"))
    redis_process, redis_url = start_redis(workdir)
    server = None
    handler = MailboxHandler(log=lambda line: None)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        server = LocalServer(workdir, f"{redis_url}/0").start()
        run_clients(server.port, args.clients, 1, ["/api/health"])  # warm-up
        if user_ids:
            reports.render_pdf(reports.monthly_report(user_ids[0], MONTH))  # warm-up: font discovery, imports
        render_round(all_ids[:20])  # warm-up: templates compiled, locales loaded
        rounds = []
        for number in range(1, args.rounds + 1):
            health = run_clients(server.port, args.clients, args.health_seconds, ["/api/health"])
            health["load"] = os.getloadavg()[0]
            row = {"health": health, "render": render_round(all_ids), "html": html_round(handler, args.users)}
            if user_ids:
                row["serial"] = pdf_serial_round(data_dir, user_ids)
                row["pool"] = pdf_pool_round(data_dir, user_ids)
            rounds.append(row)
            print(
                f"round {number}: health {health['rps']:.0f}/s (load {health['load']:.1f}); "
                f"HTML report {row['render']['per_s']:.1f}/s, {row['render']['cpu_ms']:.2f} CPU ms "
                f"(load {row['render']['load']:.1f}); "
                f"HTML mail {row['html']['per_s']:.1f}/s, {row['html']['cpu_ms']:.1f} CPU ms (load {row['html']['load']:.1f})",
                flush=True,
            )
            if not user_ids:
                continue
            print(
                f"         PDF one process {row['serial']['per_s']:.2f}/s, {row['serial']['cpu_ms']:.0f} CPU ms "
                f"(load {row['serial']['load']:.1f}); PDF pool of {processes} {row['pool']['per_s']:.2f}/s, "
                f"{row['pool']['cpu_ms']:.0f} CPU ms (load {row['pool']['load']:.1f})",
                flush=True,
            )
    finally:
        controller.stop()
        if server:
            server.stop()
        redis_process.terminate()
        redis_process.wait()

    def median(part: str, key: str) -> float:
        return statistics.median(r[part][key] for r in rounds)

    health = median("health", "rps")
    loads = [r[part]["load"] for r in rounds for part in r]
    print()
    print(
        f"{args.users} users (HTML, {median('render', 'kib') / args.users:.1f} KiB each), {len(user_ids)} PDFs"
        + (f" ({median('serial', 'kib') / len(user_ids):.0f} KiB each)" if user_ids else "")
        + ", "
        f"{args.rounds} rounds, medians; {os.cpu_count()} cores, load average {min(loads):.1f}–{max(loads):.1f}"
    )
    print("| measure | per second | ratio to health | CPU ms per report | reports/s the CPU allows on all cores |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| GET /api/health ({args.clients} clients) | {health:.0f} | 1.00 | — | — |")
    cores = reports.pdf_processes()
    parts = [("HTML report (figures + template)", "render"), ("HTML mail (build, render, SMTP, log)", "html")]
    if user_ids:
        parts += [("PDF, one process", "serial"), (f"PDF, pool of {processes} (the monthly run)", "pool")]
    for label, part in parts:
        rate, cpu = median(part, "per_s"), median(part, "cpu_ms")
        print(f"| {label} | {rate:.2f} | {rate / health:.4f} | {cpu:.1f} | {cores * 1000 / cpu:.1f} |")


if __name__ == "__main__":
    main()
