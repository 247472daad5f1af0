"""The admin dashboard's figures: bookings, revenue and occupancy per theatre and per show, over time, and
the waiting lists of the screenings in the window."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from ..auth.models import ROLE_USER, User
from ..booking.models import CANCELLED, CONFIRMED, Booking, Ticket
from ..catalog.models import Screening, Show, Theatre
from ..clock import utcnow
from ..extensions import db
from ..ratings.service import NO_USER_RATINGS, user_ratings
from ..waitlist import service as waitlist
from ..waitlist.models import WaitlistEntry

TOP_SHOWS = 5
WAITLIST_ROWS = 200  # the dashboard's table stays small: the screenings with the longest lists first


def dashboard(days: int, theatre_ids: frozenset[int] | None = None) -> dict:
    """Bookings made in the last `days` days; occupancy of the screenings that start in that window or as
    far ahead (what was sold for recent and coming screenings).

    `theatre_ids` limits every figure to those theatres (a manager's: policy.visible_theatres); None is the
    whole chain. `totals.users` always counts the chain's customers.
    """
    now = utcnow()
    since = now - timedelta(days=days)
    window_end = now + timedelta(days=days)
    at_theatres = _at_theatres(theatre_ids)
    confirmed_in_window = (Booking.status == CONFIRMED, Booking.created_at >= since, *at_theatres)

    totals_row = db.session.execute(
        select(
            func.count(), func.coalesce(func.sum(Booking.quantity), 0), func.coalesce(func.sum(Booking.total_price), 0)
        ).where(*confirmed_in_window)
    ).one()
    cancellations = db.session.scalar(
        select(func.count()).where(Booking.status == CANCELLED, Booking.cancelled_at >= since, *at_theatres)
    )

    def grouped(key):
        """Per theatre or per show: (sales in the window, seats offered and sold around it)."""
        sales = {
            row[0]: row[1:]
            for row in db.session.execute(
                select(key, func.count(), func.sum(Booking.quantity), func.sum(Booking.total_price))
                .join(Screening, Screening.id == Booking.screening_id)
                .where(*confirmed_in_window)
                .group_by(key)
            )
        }
        return sales, _seats_by(key, since, window_end, theatre_ids)

    theatre_sales, theatre_seats = grouped(Screening.theatre_id)
    show_sales, show_seats = grouped(Screening.show_id)

    theatre_query = select(Theatre.id, Theatre.name, Theatre.place).where(Theatre.removed_at.is_(None))
    show_query = select(Show.id, Show.name).where(Show.removed_at.is_(None))
    if theatre_ids is not None:  # a manager: their theatres, and the shows ever screened there
        theatre_query = theatre_query.where(Theatre.id.in_(theatre_ids))
        show_query = show_query.where(
            Show.id.in_(select(Screening.show_id).where(Screening.theatre_id.in_(theatre_ids)))
        )
    theatres = db.session.execute(theatre_query.order_by(Theatre.name_folded)).all()
    shows = db.session.execute(show_query).all()
    ratings = user_ratings()

    def figures(row_id, sales, seats) -> dict:
        bookings, tickets, revenue = sales.get(row_id, (0, 0, 0))
        seats_total, sold = seats.get(row_id, (0, 0))
        return {
            "bookings": bookings or 0,
            "tickets": tickets or 0,
            "revenue": revenue or 0,
            "seats": seats_total or 0,
            "occupancy": round(sold / seats_total, 4) if seats_total else 0.0,
        }

    per_theatre = [
        {"id": t.id, "name": t.name, "place": t.place, **figures(t.id, theatre_sales, theatre_seats)} for t in theatres
    ]
    per_show = []
    for show in shows:
        per_show.append(
            {
                "id": show.id,
                "name": show.name,
                **figures(show.id, show_sales, show_seats),
                "user_rating": ratings.get(show.id, NO_USER_RATINGS),
            }
        )
    per_show.sort(key=lambda s: (-s["tickets"], s["name"]))

    return {
        "since": since,
        "until": now,
        "totals": {
            "bookings": totals_row[0],
            "tickets": totals_row[1],
            "revenue": totals_row[2],
            "cancellations": cancellations,
            "users": db.session.scalar(select(func.count()).where(User.role == ROLE_USER)),
            "theatres": len(theatres),
            "shows": len(shows),
            "upcoming_screenings": db.session.scalar(
                select(func.count()).where(
                    Screening.removed_at.is_(None),
                    Screening.starts_at >= now,
                    *([] if theatre_ids is None else [Screening.theatre_id.in_(theatre_ids)]),
                )
            ),
        },
        "per_theatre": per_theatre,
        "per_show": per_show,
        "over_time": _over_time(since, days, at_theatres),
        "top_shows": per_show[:TOP_SHOWS],
        "waitlists": waitlists(since, window_end, theatre_ids),
    }


def waitlists(since, until, theatre_ids: frozenset[int] | None = None) -> list[dict]:
    """The waiting lists of live screenings starting in [since, until] at these theatres (None: the chain)
    that anyone ever waited for: [{screening_id, starts_at (UTC), show {id, name}, theatre {id, name, place},
    length, seats_wanted, offers_out, offers_made, conversions}] (waitlist.service.screening_figures), the
    longest lists first, then the soonest; at most WAITLIST_ROWS."""
    query = (
        select(Screening)
        .where(
            Screening.removed_at.is_(None),
            Screening.starts_at >= since,
            Screening.starts_at <= until,
            Screening.id.in_(select(WaitlistEntry.screening_id)),
        )
        .order_by(Screening.starts_at, Screening.id)
    )
    if theatre_ids is not None:
        query = query.where(Screening.theatre_id.in_(theatre_ids))
    screenings = db.session.scalars(query).all()
    figures = waitlist.screening_figures(s.id for s in screenings)
    rows = [
        {
            "screening_id": s.id,
            "starts_at": s.starts_at,
            "show": {"id": s.show.id, "name": s.show.name},
            "theatre": {"id": s.theatre.id, "name": s.theatre.name, "place": s.theatre.place},
            **figures.get(s.id, waitlist.NO_FIGURES),
        }
        for s in screenings
    ]
    rows.sort(key=lambda row: (-row["length"], -row["offers_out"]))  # stable: the soonest first among equals
    return rows[:WAITLIST_ROWS]


def _at_theatres(theatre_ids) -> tuple:
    """Conditions on Booking that keep the bookings of these theatres (none for the whole chain)."""
    if theatre_ids is None:
        return ()
    return (Booking.screening_id.in_(select(Screening.id).where(Screening.theatre_id.in_(theatre_ids))),)


def _seats_by(key, since, until, theatre_ids=None) -> dict:
    """{key: (seats offered, seats sold)} over live screenings starting in [since, until]."""
    sold = select(Ticket.screening_id, func.count().label("sold")).group_by(Ticket.screening_id).subquery()
    rows = db.session.execute(
        select(key, func.sum(Screening.seats_total), func.coalesce(func.sum(sold.c.sold), 0))
        .outerjoin(sold, sold.c.screening_id == Screening.id)
        .where(
            Screening.removed_at.is_(None),
            Screening.starts_at >= since,
            Screening.starts_at <= until,
            *([] if theatre_ids is None else [Screening.theatre_id.in_(theatre_ids)]),
        )
        .group_by(key)
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _over_time(since, days: int, at_theatres: tuple = ()) -> list[dict]:
    """Confirmed bookings per local day, every day present (zeros included) so charts have no gaps."""
    zone = ZoneInfo(current_app.config["APP_TIMEZONE"])
    per_day: dict[str, list] = {}
    for created_at, quantity, total in db.session.execute(
        select(Booking.created_at, Booking.quantity, Booking.total_price).where(
            Booking.status == CONFIRMED, Booking.created_at >= since, *at_theatres
        )
    ):
        day = created_at.astimezone(zone).date().isoformat()
        figures = per_day.setdefault(day, [0, 0, 0])
        figures[0] += 1
        figures[1] += quantity
        figures[2] += total
    first = since.astimezone(zone).date()
    result = []
    for offset in range(days + 1):
        day = (first + timedelta(days=offset)).isoformat()
        bookings, tickets, revenue = per_day.get(day, (0, 0, 0))
        result.append({"day": day, "bookings": bookings, "tickets": tickets, "revenue": revenue})
    return result
