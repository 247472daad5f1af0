"""Load the demo catalogue: `load_demo(data_dir)`, run by `flask prepare` on a new database (unless
DEMO_DATA=0) and by `flask demo` on demand.

Idempotent: the first demo theatre is the marker (looked up whether or not an admin removed it since),
checked before any work and again under the write lock, so a second run, or two at once, add nothing.

What it writes goes through the services where they apply: accounts through `create_user` (password
policy), theatres and shows through the catalogue service (shows with their screenings as allocations),
upcoming bookings through `book` and `cancel`, ratings through `rate`. Bookings of past screenings cannot
go through `book` (it refuses started screenings), so they are inserted as the booking service writes
them: a booking row and one ticket per seat, seats 1..n per screening. How many seats a past screening
sold, and when, comes from the synthetic history model (popularity/synthetic.py: weekday, time of day,
tags, theatre, the show's rating, noise), so the forecast run at the end of the load has trends to learn. Pictures are drawn by posters.py
and stored with `catalog.images.store`, the path uploads take. Everything but the accounts and the image
files is written in one transaction: a failed load leaves no half catalogue (and removes its images).
"""

from __future__ import annotations

import logging
import os
import random
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock_time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update

from ..auth import service as auth_service
from ..auth.models import ROLE_USER, User
from ..booking import service as booking_service
from ..booking.models import CANCELLED, CONFIRMED, Booking, Ticket
from ..catalog import images
from ..catalog import service as catalog_service
from ..catalog.models import Screening, Show, Theatre
from ..clock import utcnow
from ..database import immediate_transaction
from ..errors import Conflict
from ..extensions import db
from ..popularity import synthetic
from ..seating import service as seating_service
from ..seating.service import seat_labels
from ..text import fold
from ..tickets.models import BookingNotice
from . import layouts as demo_layouts
from . import posters
from .catalogue import MARKER_THEATRE, SHOWS, THEATRES, DemoShow, DemoTheatre

log = logging.getLogger(__name__)

# Demo data, so one documented password for every demo account. It is never the admin's: the admin is
# created by `prepare` with ADMIN_PASSWORD or a generated one, and no demo account is an admin.
DEMO_PASSWORD = "demo-tickets-2026"
# (username, weight): the first three are the ones the README's tour uses; the others fill the halls.
DEMO_USERS = ("asha", "ravi", "meena")
AUDIENCE_USERS = ("arjun", "kavya", "farah")
EMAIL_DOMAIN = "example.com"

UPCOMING_DAYS = 14
PAST_DAYS = 90
SEED = 2026
WEEKDAY_SLOTS = ("12:30", "15:45", "19:00", "21:30")
WEEKEND_SLOTS = ("10:30", "13:15", "16:30", "19:00", "21:30")
NEARLY_HOUSEFUL_LEFT = 3
# The past: a screening at about one theatre in five on a weekday, one in three at the weekend, at any
# hour (enough history, about 250 screenings, for the forecast to learn weekday, hour and show effects).
PAST_WEEKDAY_SHARE = 0.18
PAST_WEEKEND_SHARE = 0.35
# Past bookings by the tour's users (the rest are the audience's): a few each month, not hundreds.
TOUR_SHARE = 0.25
UPCOMING_ON_SALE_DAYS = 10


@dataclass
class DemoSummary:
    loaded: bool
    theatres: int = 0
    shows: int = 0
    screenings: int = 0
    upcoming_screenings: int = 0
    users: list[str] = field(default_factory=list)
    bookings: int = 0
    tickets: int = 0
    ratings: int = 0
    houseful_screening_id: int | None = None
    nearly_houseful_screening_id: int | None = None
    forecasts: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        if not self.loaded:
            return "Demo catalogue already loaded; nothing added."
        return (
            f"Demo catalogue loaded in {self.seconds:.1f} s: {self.theatres} theatres, {self.shows} shows, "
            f"{self.screenings} screenings ({self.upcoming_screenings} upcoming), {self.bookings} bookings "
            f"({self.tickets} seats), {self.ratings} ratings, forecasts for {self.forecasts} upcoming screenings; "
            f"demo users {', '.join(self.users)} "
            f"(password '{DEMO_PASSWORD}')."
        )


class _AlreadyLoaded(Exception):
    pass


def demo_loaded() -> bool:
    """Whether the demo was loaded once: its marker theatre exists, removed or not."""
    return (
        db.session.scalar(
            select(Theatre.id)
            .where(Theatre.name_folded == fold(MARKER_THEATRE.name), Theatre.place_folded == fold(MARKER_THEATRE.place))
            .limit(1)
        )
        is not None
    )


def load_demo(data_dir: Path | str, *, seed: int = SEED) -> DemoSummary:
    """Load the demo catalogue into the current app's database, unless it is there already."""
    started = time.perf_counter()
    if demo_loaded():
        db.session.rollback()  # end the read transaction
        return DemoSummary(loaded=False)
    media_dir = Path(data_dir) / "media"
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        pictures = _draw_pictures(pool, media_dir)  # drawn in threads while the accounts are made
        try:
            users = _demo_users()
        except BaseException:
            _remove(media_dir, _finished(pictures))
            raise
        stored = _finished(pictures, media_dir=media_dir)
    try:
        with immediate_transaction(db.session):
            if demo_loaded():  # another process loaded it while we drew
                raise _AlreadyLoaded
            summary = _load(users, stored, random.Random(seed))
    except _AlreadyLoaded:
        _remove(media_dir, stored)
        return DemoSummary(loaded=False)
    except BaseException:
        _remove(media_dir, stored)
        raise
    summary.forecasts = _first_forecast()
    summary.seconds = time.perf_counter() - started
    return summary


def _first_forecast() -> int:
    """Forecast the demo's upcoming screenings now rather than at the first nightly run, so a fresh
    `make run` shows them. A failure leaves the demo loaded: the nightly job will try again."""
    from ..popularity.service import run_forecast

    try:
        return run_forecast()["screenings_forecast"]
    except Exception:  # noqa: BLE001  (the catalogue is committed; forecasts are a bonus here)
        log.exception("the demo's first forecast failed; the nightly job will make one")
        db.session.rollback()
        return 0


# ---- accounts --------------------------------------------------------------------------------------


def _demo_users() -> dict[str, User]:
    """The demo accounts, created through the auth service. A name already taken by an account that is
    not a demo one (the admin, say), or looking like one, is skipped: the demo never books for someone else."""
    users = {}
    for username in DEMO_USERS + AUDIENCE_USERS:
        email = f"{username}@{EMAIL_DOMAIN}"
        existing = db.session.scalar(select(User).where(User.username_key == auth_service.username_key(username)))
        if existing is None:
            try:
                users[username] = auth_service.create_user(username, email, DEMO_PASSWORD)
            except Conflict:  # another account's name looks like it (an admin called "аsha" in Cyrillic, say)
                log.warning("demo user %r skipped: it looks like another account's name", username)
        elif existing.role == ROLE_USER and existing.email == email:
            users[username] = existing  # left by an earlier, interrupted load
        else:
            log.warning("demo user %r skipped: the name belongs to another account", username)
    if not users:
        raise RuntimeError("every demo user name is taken; cannot load the demo catalogue")
    return users


# ---- pictures --------------------------------------------------------------------------------------


def _subtitle(show: DemoShow) -> str:
    """Under a title in an Indian script, its transliteration (the caption's first part); else the caption."""
    if posters.script_of(show.name) != "Latin":
        return show.caption.split(" — ")[0]
    return show.caption


def _footer(show: DemoShow) -> str:
    hours, minutes = divmod(show.duration_minutes, 60)
    return f"{show.language} · {hours}h {minutes:02d}m"


def _draw_pictures(pool: ThreadPoolExecutor, media_dir: Path) -> list[Future]:
    """Draw and store every picture in the pool's threads (Pillow drops the GIL while it draws and
    encodes). Each future gives ((kind, index), stored path)."""

    def theatre_job(index: int, theatre: DemoTheatre):
        return ("theatres", index), images.store(
            media_dir, "theatres", posters.theatre_picture(theatre.english, theatre.local, theatre.place)
        )

    def show_job(index: int, show: DemoShow):
        return ("shows", index), images.store(
            media_dir, "shows", posters.poster(show.name, show.tags, subtitle=_subtitle(show), footer=_footer(show))
        )

    return [pool.submit(theatre_job, i, t) for i, t in enumerate(THEATRES)] + [
        pool.submit(show_job, i, s) for i, s in enumerate(SHOWS)
    ]


def _finished(pictures: list[Future], media_dir: Path | None = None) -> dict[tuple[str, int], str]:
    """Wait for every picture. With media_dir, a failed one raises after the stored ones are removed;
    without, the failures are ignored (the caller is cleaning up anyway)."""
    wait(pictures)
    stored = dict(future.result() for future in pictures if future.exception() is None)
    failed = next((future.exception() for future in pictures if future.exception() is not None), None)
    if failed is not None and media_dir is not None:
        _remove(media_dir, stored)
        raise failed
    return stored


def _remove(media_dir: Path, stored: dict) -> None:
    for path in stored.values():
        images.remove(media_dir, path)


# ---- the catalogue ---------------------------------------------------------------------------------


def _price(base: Decimal, theatre: DemoTheatre, local_start: datetime) -> Decimal:
    """The theatre's price for a show: its factor, more in the evening and at the weekend, to ₹10."""
    factor = theatre.price_factor
    if local_start.hour >= 18:
        factor *= Decimal("1.15")
    if local_start.weekday() >= 5:
        factor *= Decimal("1.10")
    return ((base * factor) / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10


def _plays_at(show: DemoShow, theatre: DemoTheatre) -> bool:
    return show.language in theatre.languages or show.language in ("English", "Instrumental")


def _repertoires() -> list[list[int]]:
    """Per theatre, the shows it programmes: a few in its language and a few in English (or without
    words), spread so that every show plays somewhere. The small studio takes stand-up and comedy."""
    english = [i for i, s in enumerate(SHOWS) if s.language in ("English", "Instrumental")]
    result = []
    for t_index, theatre in enumerate(THEATRES):
        if theatre.capacity < 100:
            result.append(
                [i for i, s in enumerate(SHOWS) if _plays_at(s, theatre) and {"stand-up", "comedy"} & set(s.tags)]
            )
            continue
        local = [i for i, s in enumerate(SHOWS) if s.language in theatre.languages]
        shift = (t_index * 2) % max(1, len(local))
        local = (local[shift:] + local[:shift])[:4]
        foreign = [english[(t_index * 4 + k) % len(english)] for k in range(4)]
        result.append(local + foreign)
    return result


def _creation_order() -> list[int]:
    """Shows are created newest last; alternating English and Indian-script titles makes the home page
    (newest first) a mix from its first row."""
    latin = [i for i, s in enumerate(SHOWS) if posters.script_of(s.name) == "Latin"]
    other = [i for i, s in enumerate(SHOWS) if posters.script_of(s.name) != "Latin"]
    mixed = []
    while latin or other:
        if latin:
            mixed.append(latin.pop(0))
        if other:
            mixed.append(other.pop(0))
    return list(reversed(mixed))  # the first created is the oldest


def _next_quarter_hour(moment: datetime) -> datetime:
    """The first quarter hour at or after `moment` (showtimes are on the quarter hour)."""
    rounded = moment.replace(second=0, microsecond=0)
    if rounded < moment:
        rounded += timedelta(minutes=1)
    return rounded + timedelta(minutes=-rounded.minute % 15)


def _schedule(rnd: random.Random, now: datetime, zone: ZoneInfo) -> dict[int, list[tuple[int, datetime]]]:
    """{show index: [(theatre index, start)]} for the past PAST_DAYS and the next UPCOMING_DAYS.

    Screenings in one theatre never overlap (catalog_service.check_theatre_free): a slot that falls
    before the previous show and its changeover are over moves to the next quarter hour after, or is
    dropped when that is 23:00 or later."""
    repertoires = _repertoires()
    plan: dict[int, list[tuple[int, datetime]]] = {i: [] for i in range(len(SHOWS))}
    today = now.astimezone(zone).date()
    turn = [0] * len(THEATRES)
    for offset in range(-PAST_DAYS, UPCOMING_DAYS):
        day = today + timedelta(days=offset)
        weekend = day.weekday() >= 5
        for t_index, theatre in enumerate(THEATRES):
            if offset < 0:
                if rnd.random() > (PAST_WEEKEND_SHARE if weekend else PAST_WEEKDAY_SHARE):
                    continue
                slots = [rnd.choice(WEEKEND_SLOTS if weekend else WEEKDAY_SLOTS)]
            else:
                slots = list(WEEKEND_SLOTS if weekend else WEEKDAY_SLOTS)
                count = rnd.choice((1, 2)) if theatre.capacity < 100 else rnd.choice((2, 2, 3))
                slots = sorted(rnd.sample(slots[1:] if theatre.capacity < 100 else slots, count))
            repertoire = repertoires[t_index]
            free_at = None  # a theatre is one hall: the next show starts once the last one is out
            for slot in slots:
                hour, minute = map(int, slot.split(":"))
                start = datetime.combine(day, clock_time(hour, minute), zone)
                if free_at is not None and start < free_at:
                    start = _next_quarter_hour(free_at)
                    if start.astimezone(zone).date() != day or start.astimezone(zone).hour >= 23:
                        continue  # too late for another show today
                if offset >= 0 and start < now + timedelta(minutes=30):
                    continue
                show_index = repertoire[turn[t_index] % len(repertoire)]
                turn[t_index] += 1
                if slot == "10:30" and not {"kids", "family"} & set(SHOWS[show_index].tags):
                    family = [i for i in repertoire if {"kids", "family"} & set(SHOWS[i].tags)]
                    show_index = rnd.choice(family) if family else show_index
                free_at = catalog_service.occupied_until(start, SHOWS[show_index].duration_minutes)
                plan[show_index].append((t_index, start))
    return plan


def _load(users: dict[str, User], stored: dict, rnd: random.Random) -> DemoSummary:
    now = utcnow()
    zone = ZoneInfo(current_app.config["APP_TIMEZONE"])
    summary = DemoSummary(loaded=True, users=list(users))

    theatre_ids = []
    for index, theatre in enumerate(THEATRES):
        row = catalog_service.create_theatre(
            {
                "name": theatre.name,
                "place": theatre.place,
                "address": theatre.address,
                "caption": theatre.caption,
                "description": theatre.description,
                "capacity": theatre.capacity,
                "image_path": stored[("theatres", index)],
            }
        )
        db.session.flush()  # nested in our transaction, the service does not commit: get the id now
        row.created_at = row.updated_at = now - timedelta(days=PAST_DAYS + 10)
        theatre_ids.append(row.id)
        if theatre.english in demo_layouts.LAYOUTS:  # a hall of its own shape (demo/layouts.py)
            layout = seating_service.add_layout(row.id, demo_layouts.LAYOUTS[theatre.english](), is_default=False)
            row.capacity = layout.seat_count

    plan = _schedule(rnd, now, zone)
    show_ids: dict[int, int] = {}
    order = _creation_order()
    for position, index in enumerate(order):
        show = SHOWS[index]
        allocations = [
            {
                "theatre_id": theatre_ids[t],
                "starts_at": start,
                "price": _price(show.ticket_price, THEATRES[t], start.astimezone(zone)),
            }
            for t, start in plan[index]
        ]
        row = catalog_service.create_show(
            {
                "name": show.name,
                "caption": show.caption,
                "description": show.description,
                "rating": show.rating,
                "tags": list(show.tags),
                "ticket_price": show.ticket_price,
                "duration_minutes": show.duration_minutes,
                "language": show.language,
                "image_path": stored[("shows", index)],
            },
            allocations,
        )
        row.created_at = row.updated_at = now - timedelta(days=PAST_DAYS + 5) + timedelta(hours=position)
        show_ids[index] = row.id
    db.session.flush()

    screenings = db.session.execute(
        select(
            Screening.id,
            Screening.show_id,
            Screening.theatre_id,
            Screening.starts_at,
            Screening.price,
            Screening.seats_total,
            Screening.layout_id,
        )
        .where(Screening.show_id.in_(show_ids.values()))
        .order_by(Screening.starts_at, Screening.id)
    ).all()
    past = [s for s in screenings if s.starts_at <= now]
    upcoming = [s for s in screenings if s.starts_at > now]
    # Screenings of the past were on sale for a while before they started.
    db.session.execute(update(Screening), [{"id": s.id, "created_at": s.starts_at - timedelta(days=21)} for s in past])
    summary.theatres, summary.shows = len(theatre_ids), len(show_ids)
    summary.screenings, summary.upcoming_screenings = len(screenings), len(upcoming)

    user_list = list(users.values())
    tour = [u for name, u in users.items() if name in DEMO_USERS] or user_list
    audience = [u for name, u in users.items() if name not in DEMO_USERS] or user_list
    shows_by_id = {show_ids[i]: SHOWS[i] for i in show_ids}
    added_at = dict(db.session.execute(select(Show.id, Show.created_at).where(Show.id.in_(show_ids.values()))).all())
    theatres_by_id = {theatre_id: THEATRES[i] for i, theatre_id in enumerate(theatre_ids)}
    bookings, tickets = _past_bookings(past, tour, audience, rnd, now, zone, shows_by_id, added_at, theatres_by_id)
    summary.bookings += bookings
    summary.tickets += tickets
    summary.ratings = _ratings(user_list, now, rnd)

    houseful, nearly, booked, seats = _upcoming_bookings(upcoming, tour, audience, theatre_ids, rnd, now)
    summary.houseful_screening_id, summary.nearly_houseful_screening_id = houseful, nearly
    summary.bookings += booked
    summary.tickets += seats

    booked, seats = _upcoming_sales(
        upcoming, {houseful, nearly}, audience, rnd, now, zone, shows_by_id, added_at, theatres_by_id
    )
    summary.bookings += booked
    summary.tickets += seats
    return summary


# ---- bookings and ratings --------------------------------------------------------------------------


def _past_bookings(
    past,
    tour: list[User],
    audience: list[User],
    rnd: random.Random,
    now: datetime,
    zone: ZoneInfo,
    shows: dict[int, DemoShow],
    added_at: dict[int, datetime],
    theatres: dict[int, DemoTheatre],
):
    """Bookings for screenings that have started, written as `book` writes them: a booking row, then one
    ticket per seat numbered 1..n in each screening. Seats sold and booking times follow the synthetic
    history model; the tour's users have a booking at about one screening in four."""
    next_id = (db.session.scalar(select(func.max(Booking.id))) or 0) + 1
    booking_rows, ticket_rows = [], []
    earliest = now - timedelta(days=PAST_DAYS + 2)
    for screening in past:
        show, theatre = shows[screening.show_id], theatres[screening.theatre_id]
        expected = synthetic.expected_occupancy(
            quality=_quality(show),
            tags=show.tags,
            theatre_appeal=_appeal(theatre),
            local_start=screening.starts_at.astimezone(zone),
            days_since_added=(screening.starts_at - added_at[screening.show_id]).total_seconds() / 86400,
        )
        sales = synthetic.simulate_sales(
            rnd,
            seats_total=screening.seats_total,
            expected=expected,
            starts_at=screening.starts_at,
            on_sale_from=max(earliest, screening.starts_at - timedelta(days=14)),
        )
        tour_sale = rnd.randrange(len(sales)) if sales and rnd.random() < TOUR_SHARE else None
        seat = 0
        for index, (quantity, created, cancelled_at) in enumerate(sales):
            user = rnd.choice(tour) if index == tour_sale else rnd.choice(audience)
            booking_rows.append(
                {
                    "id": next_id,
                    "user_id": user.id,
                    "screening_id": screening.id,
                    "quantity": quantity,
                    "unit_price": screening.price,
                    "total_price": screening.price * quantity,
                    "status": CANCELLED if cancelled_at else CONFIRMED,
                    "idempotency_key": None,
                    "created_at": created,
                    "cancelled_at": cancelled_at,
                    "cancel_reason": "cancelled_by_user" if cancelled_at else None,
                }
            )
            if not cancelled_at:  # cancelling frees the seats: a cancelled booking has no tickets
                labels = seat_labels(screening)
                ticket_rows += [
                    {
                        "booking_id": next_id,
                        "screening_id": screening.id,
                        "seat_no": seat + n + 1,
                        "seat_label": labels[seat + n],
                        "price": screening.price,
                    }
                    for n in range(quantity)
                ]
                seat += quantity
            next_id += 1
    if booking_rows:
        db.session.execute(Booking.__table__.insert(), booking_rows)
    if ticket_rows:
        db.session.execute(Ticket.__table__.insert(), ticket_rows)
    return len(booking_rows), len(ticket_rows)


def _upcoming_sales(
    upcoming,
    taken: set,
    audience: list[User],
    rnd: random.Random,
    now: datetime,
    zone: ZoneInfo,
    shows: dict[int, DemoShow],
    added_at: dict[int, datetime],
    theatres: dict[int, DemoTheatre],
):
    """Upcoming screenings went on sale UPCOMING_ON_SALE_DAYS ago and have the audience's bookings made
    since, as the synthetic model has them arrive (only those made before now), so that the first
    forecast sees screenings filling at different paces. Written like the past ones, in the seats left
    free by the bookings made through `book`; the houseful and nearly houseful screenings keep theirs."""
    on_sale_from = now - timedelta(days=UPCOMING_ON_SALE_DAYS)
    db.session.execute(update(Screening), [{"id": s.id, "created_at": on_sale_from} for s in upcoming])
    ids = [s.id for s in upcoming if s.id not in taken]
    occupied: dict[int, set[int]] = {}
    for screening_id, seat_no in db.session.execute(
        select(Ticket.screening_id, Ticket.seat_no).where(Ticket.screening_id.in_(ids))
    ):
        occupied.setdefault(screening_id, set()).add(seat_no)
    next_id = (db.session.scalar(select(func.max(Booking.id))) or 0) + 1
    booking_rows, ticket_rows = [], []
    for screening in upcoming:
        if screening.id in taken:
            continue
        show, theatre = shows[screening.show_id], theatres[screening.theatre_id]
        expected = synthetic.expected_occupancy(
            quality=_quality(show),
            tags=show.tags,
            theatre_appeal=_appeal(theatre),
            local_start=screening.starts_at.astimezone(zone),
            days_since_added=(screening.starts_at - added_at[screening.show_id]).total_seconds() / 86400,
        )
        seats = occupied.get(screening.id, set())
        free = (n for n in range(1, screening.seats_total + 1) if n not in seats)
        for quantity, created, cancelled_at in synthetic.simulate_sales(
            rnd,
            seats_total=screening.seats_total,
            expected=expected,
            starts_at=screening.starts_at,
            on_sale_from=on_sale_from,
        ):
            if created > now or cancelled_at is not None:
                continue  # not booked yet; or a change of mind (the demo has its own cancellation)
            if len(seats) + quantity > screening.seats_total:
                break
            numbers = [next(free) for _ in range(quantity)]
            seats.update(numbers)
            booking_rows.append(
                {
                    "id": next_id,
                    "user_id": rnd.choice(audience).id,
                    "screening_id": screening.id,
                    "quantity": quantity,
                    "unit_price": screening.price,
                    "total_price": screening.price * quantity,
                    "status": CONFIRMED,
                    "idempotency_key": None,
                    "created_at": created,
                    "cancelled_at": None,
                    "cancel_reason": None,
                }
            )
            labels = seat_labels(screening)
            ticket_rows += [
                {
                    "booking_id": next_id,
                    "screening_id": screening.id,
                    "seat_no": n,
                    "seat_label": labels[n - 1],
                    "price": screening.price,
                }
                for n in numbers
            ]
            next_id += 1
    if booking_rows:
        db.session.execute(Booking.__table__.insert(), booking_rows)
        db.session.execute(Ticket.__table__.insert(), ticket_rows)
    return len(booking_rows), len(ticket_rows)


def _quality(show: DemoShow) -> float:
    """The synthetic model's show quality (log-odds), read from the admin's rating (3.6..4.7 in the demo)."""
    return (show.rating - 4.2) * 1.2


def _appeal(theatre: DemoTheatre) -> float:
    """The synthetic model's theatre appeal: the dearer halls are the sought-after ones; the small
    studio fills easily."""
    return float(theatre.price_factor - 1) * 1.5 + (0.4 if theatre.capacity < 100 else 0.0)


def _ratings(users: list[User], now: datetime, rnd: random.Random) -> int:
    """Most people rate most shows they saw (through `rate`, which checks they did); some are left
    unrated so that the tour can show the rating buttons."""
    seen = db.session.execute(
        select(Booking.user_id, Screening.show_id, Show.rating)
        .distinct()
        .join(Screening, Screening.id == Booking.screening_id)
        .join(Show, Show.id == Screening.show_id)
        .where(Booking.user_id.in_([u.id for u in users]), Booking.status == CONFIRMED, Screening.starts_at <= now)
        .order_by(Booking.user_id, Screening.show_id)
    ).all()
    count = 0
    for user_id, show_id, admin_rating in seen:
        if rnd.random() < 0.35:
            continue
        score = max(1, min(5, round(admin_rating + rnd.choice((-1.5, -1, -0.5, 0, 0, 0.5, 1)))))
        booking_service.rate(user_id, show_id, score)
        count += 1
    return count


def _upcoming_bookings(
    upcoming, tour: list[User], audience: list[User], theatre_ids: list[int], rnd: random.Random, now: datetime
):
    """Bookings through `book`: one studio screening sold out, one with three seats left, a few for
    each demo user and a scattering elsewhere, plus one cancellation through `cancel`."""
    limit = current_app.config["BOOKING_MAX_QUANTITY"]
    everyone = tour + audience
    bookings = seats = 0
    made: list[tuple[User, dict]] = []

    def book(user: User, screening, quantity: int) -> None:
        nonlocal bookings, seats
        booking, _ = booking_service.book(user.id, screening.id, quantity)
        made.append((user, booking))
        bookings += 1
        seats += quantity

    def fill(screening, leave: int) -> None:
        remaining = screening.seats_total - leave
        turn = 0
        while remaining > 0:
            quantity = min(remaining, limit, rnd.choice((2, 3, 4, 6, 8, 10)))
            book(everyone[turn % len(everyone)], screening, quantity)
            remaining -= quantity
            turn += 1

    # Houseful and nearly houseful: the two next studio screenings at least a day away.
    studio_ids = {theatre_ids[i] for i, t in enumerate(THEATRES) if t.capacity < 100}
    soon = now + timedelta(days=1)
    studio = [s for s in upcoming if s.theatre_id in studio_ids and s.starts_at > soon][:2]
    houseful = nearly = None
    if studio:
        fill(studio[0], 0)
        houseful = studio[0].id
    if len(studio) > 1:
        fill(studio[1], NEARLY_HOUSEFUL_LEFT)
        nearly = studio[1].id
    taken = {houseful, nearly}

    others = [s for s in upcoming if s.id not in taken]
    for user in tour:  # three or four upcoming plans each, at different shows
        shows_seen = set()
        for screening in rnd.sample(others, min(len(others), 12)):
            if len(shows_seen) >= rnd.choice((3, 4)):
                break
            if screening.show_id in shows_seen:
                continue
            shows_seen.add(screening.show_id)
            book(user, screening, rnd.randint(1, 4))
    for screening in rnd.sample(others, min(len(others), len(others) // 3)):
        for _ in range(rnd.randint(1, 6)):
            quantity = min(limit, rnd.choice((1, 2, 2, 3, 4, 5, 6, 8)), screening.seats_total)
            sold = db.session.scalar(select(func.count()).where(Ticket.screening_id == screening.id))
            if sold + quantity > screening.seats_total:
                break
            book(rnd.choice(audience), screening, quantity)

    # One change of plan: a demo user's booking at least a day ahead, cancelled.
    for user, booking in made:
        if user in tour[1:2] and booking["screening"]["starts_at"] > soon and booking["screening"]["id"] not in taken:
            booking_service.cancel(user, booking["id"])
            seats -= booking["quantity"]
            break
    # Nobody made these bookings: they owe nobody a mail (booking_notices, tickets/notices.py).
    db.session.execute(
        update(BookingNotice)
        .where(BookingNotice.booking_id.in_([booking["id"] for _, booking in made]))
        .values(state="skipped", sent_at=now)
    )
    return houseful, nearly, bookings, seats
