#!/usr/bin/env python3
"""The monthly report run for many users: reports per second as HTML mail and as PDF.

    .venv/bin/python bench/monthly_reports.py [--users 2000] [--pdf-users 200]

Seeds a temp SQLite through the catalogue services (theatres, shows with Hindi/Tamil/Japanese names,
screenings) and bulk rows for users and their bookings in October 2026 (3 bookings each, 2 seen, 1 rating),
then measures, one after the other:
  (1) the whole monthly run, `send_monthly_reports`, every user on HTML, mailed to a local aiosmtpd catcher;
  (2) building and rendering the PDF report (WeasyPrint, A4, Noto fonts) for --pdf-users users.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import socket
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from _seed import PASSWORD_HASH, bench_app
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from ticketshow.auth.models import User  # noqa: E402
from ticketshow.booking.models import Booking, Ticket  # noqa: E402
from ticketshow.catalog import service as catalog  # noqa: E402
from ticketshow.extensions import db  # noqa: E402
from ticketshow.notifications.mail_catcher import MailboxHandler  # noqa: E402
from ticketshow.ratings.models import Rating  # noqa: E402
from ticketshow.reports import service as reports  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--pdf-users", type=int, default=200)
    args = parser.parse_args()
    app, data_dir = bench_app()
    port = free_port()
    app.config["SETTINGS"] = dataclasses.replace(app.config["SETTINGS"], smtp_port=port)
    t0 = time.perf_counter()
    seed(args.users)
    print(f"seeded {args.users} users with 3 bookings each in {time.perf_counter() - t0:.1f} s ({data_dir})")

    handler = MailboxHandler(log=lambda line: None)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    t0 = time.perf_counter()
    outcome = reports.send_monthly_reports(MONTH)
    sent = int(outcome.summary.split()[0])
    html_seconds = time.perf_counter() - t0
    controller.stop()
    assert sent == args.users == len(handler.messages), (sent, len(handler.messages))
    print(
        f"HTML: {sent} reports built, rendered and mailed (SMTP, local catcher) in {html_seconds:.1f} s "
        f"= {sent / html_seconds:.0f} reports/s"
    )

    user_ids = [
        row[0] for row in db.session.execute(db.select(User.id).where(User.role == "user").limit(args.pdf_users))
    ]
    reports.render_pdf(reports.monthly_report(user_ids[0], MONTH))  # warm up: font discovery happens once
    t0 = time.perf_counter()
    size = 0
    for uid in user_ids:
        size += len(reports.render_pdf(reports.monthly_report(uid, MONTH)))
        db.session.expunge_all()
    pdf_seconds = time.perf_counter() - t0
    print(
        f"PDF: {len(user_ids)} reports built and rendered in {pdf_seconds:.1f} s = "
        f"{len(user_ids) / pdf_seconds:.1f} reports/s (mean {size / len(user_ids) / 1024:.0f} KiB); "
        f"{args.users} users would take {args.users * pdf_seconds / len(user_ids) / 60:.1f} min on one worker"
    )


if __name__ == "__main__":
    main()
