"""A reproducible synthetic booking history: months of screenings whose final occupancy follows weekday,
time-of-day, tag, theatre, show-quality and novelty effects plus noise, with bookings arriving over the
weeks before each screening (so "seats sold so far" at a lead time means something) and a few
cancellations.

Used by bench/synthetic_history.py and bench/popularity_eval.py (through `generate` and
`write_to_database`) and by the demo loader (through `expected_occupancy` and `simulate_sales`). The same
seed gives the same history, byte for byte.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from .features import BookingRecord, History, ScreeningRecord, ShowRecord, slot_of

# Effects on the log-odds of a seat being sold. Weekends and evenings fill; Tuesday afternoons do not.
BASE_LOGIT = -0.45
WEEKDAY_EFFECTS = (-0.35, -0.5, -0.3, -0.1, 0.35, 0.75, 0.55)  # Monday .. Sunday
SLOT_EFFECTS = {"morning": -0.2, "afternoon": -0.4, "evening": 0.4, "late": -0.05}
TAG_EFFECTS = {
    "comedy": 0.25,
    "stand-up": 0.35,
    "music": 0.15,
    "drama": 0.0,
    "thriller": 0.1,
    "action": 0.3,
    "romance": -0.1,
    "kids": -0.15,
    "family": 0.05,
    "classical": -0.25,
    "dance": 0.05,
    "folk": -0.1,
}
FAMILY_MORNING = 0.6  # kids' and family shows fill weekend mornings
NOVELTY = 0.5  # a new show draws a crowd that fades over its first weeks
NOVELTY_DAYS = 25.0
SCREENING_NOISE = 0.45  # what nobody could have known: the weather, a cricket final
GROUP_SIZES = (1, 2, 2, 2, 3, 4, 4, 5, 6)
CANCELLED_SHARE = 0.06
ON_SALE_DAYS = 21

WEEKDAY_SLOTS = ("12:30", "15:45", "19:00", "21:30")
WEEKEND_SLOTS = ("10:30", "13:15", "16:30", "19:00", "21:30")
PLACES = ("Mumbai", "New Delhi", "Jaipur", "Chennai", "Madurai", "Bengaluru", "Mysuru", "Kolkata")
CAPACITIES = (80, 120, 150, 180, 220, 250, 300, 400)
# A buyers' pool for the database: their accounts cannot log in (the hash matches no password).
BUYERS = 20
UNUSABLE_PASSWORD_HASH = "!synthetic-history"


@dataclass(frozen=True)
class SyntheticTheatre:
    id: int
    name: str
    place: str
    capacity: int
    appeal: float  # log-odds effect


@dataclass(frozen=True)
class SyntheticShow:
    id: int
    name: str
    tags: tuple[str, ...]
    rating: float
    added_at: datetime
    runs_until: datetime
    quality: float  # log-odds effect; the admin's rating is a noisy reading of it


@dataclass
class SyntheticHistory:
    theatres: list[SyntheticTheatre]
    shows: list[SyntheticShow]
    screenings: list[ScreeningRecord]
    bookings: list[BookingRecord]
    start: datetime
    end: datetime
    zone: ZoneInfo
    prices: dict[int, Decimal] = field(default_factory=dict)

    def history(self) -> History:
        shows = {s.id: ShowRecord(s.id, s.tags, s.rating, s.added_at) for s in self.shows}
        return History(shows, self.screenings, self.bookings, self.zone)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def expected_occupancy(
    *, quality: float, tags: tuple[str, ...], theatre_appeal: float, local_start: datetime, days_since_added: float
) -> float:
    """The share of seats a screening sells on average, before the screening's own luck."""
    slot = slot_of(local_start.hour)
    weekend = local_start.weekday() >= 5
    logit = (
        BASE_LOGIT
        + quality
        + theatre_appeal
        + WEEKDAY_EFFECTS[local_start.weekday()]
        + SLOT_EFFECTS[slot]
        + sum(TAG_EFFECTS.get(tag, 0.0) for tag in tags)
        + NOVELTY * math.exp(-max(days_since_added, 0.0) / NOVELTY_DAYS)
    )
    if weekend and slot == "morning" and {"kids", "family"} & set(tags):
        logit += FAMILY_MORNING
    return _sigmoid(logit)


def simulate_sales(
    rnd: random.Random, *, seats_total: int, expected: float, starts_at: datetime, on_sale_from: datetime
) -> list[tuple[int, datetime, datetime | None]]:
    """The bookings of one screening: (seats, booked at, cancelled at or None). Confirmed seats add up to
    the final occupancy (expected, with noise); they arrive over the time the screening was on sale,
    most in the last few days, earlier for screenings that sell well."""
    occupancy = _sigmoid(_logit(expected) + rnd.gauss(0, SCREENING_NOISE))
    target = min(seats_total, round(seats_total * occupancy))
    window_hours = max((starts_at - on_sale_from).total_seconds() / 3600, 1.0)
    eagerness = 0.6 + 0.8 * expected  # popular screenings are booked further ahead

    def booked_at() -> datetime:
        mean_hours = (30 if rnd.random() < 0.55 else 150) * eagerness
        lead = rnd.expovariate(1 / mean_hours) + 0.25
        if lead > window_hours:
            lead = rnd.uniform(0.25, window_hours)
        return starts_at - timedelta(hours=lead)

    sales: list[tuple[int, datetime, datetime | None]] = []
    sold = 0
    while sold < target:
        quantity = min(rnd.choice(GROUP_SIZES), target - sold)
        sales.append((quantity, booked_at(), None))
        sold += quantity
        if rnd.random() < CANCELLED_SHARE:  # someone else booked and changed their mind
            made = booked_at()
            cancelled = made + (starts_at - made) * rnd.uniform(0.1, 0.9)
            sales.append((rnd.choice(GROUP_SIZES), made, cancelled))
    sales.sort(key=lambda sale: sale[1])
    return sales


def generate(
    *,
    seed: int = 8,
    months: int = 6,
    theatres: int = 8,
    shows: int = 40,
    zone: str = "Asia/Kolkata",
    start: date = date(2026, 1, 5),
    now: datetime | None = None,
) -> SyntheticHistory:
    """`months` × 30 days of programme from `start` (local). Screenings that start after `now` (default:
    the end, so all have happened) keep only the bookings made by `now`, as a live database would."""
    rnd = random.Random(seed)
    tz = ZoneInfo(zone)
    first = datetime.combine(start, time(0), tz).astimezone(timezone.utc)
    days = months * 30
    last = first + timedelta(days=days)
    now = now or last

    theatre_rows = [
        SyntheticTheatre(
            i + 1, f"Synthetic Theatre {i + 1}", PLACES[i % len(PLACES)], rnd.choice(CAPACITIES), rnd.gauss(0, 0.35)
        )
        for i in range(theatres)
    ]
    tag_names = sorted(TAG_EFFECTS)
    show_rows = []
    for i in range(shows):
        # A third of the shows are running when the history starts; the rest open over the months.
        if i < shows // 3:
            added = first - timedelta(days=rnd.uniform(0, 60))
        else:
            added = first + timedelta(days=rnd.uniform(0, days - 7))
        quality = rnd.gauss(0, 0.6)
        rating = min(max(round((3.3 + 1.2 * quality + rnd.gauss(0, 0.5)) * 2) / 2, 0.0), 5.0)
        tags = tuple(rnd.sample(tag_names, rnd.choice((1, 2, 2, 3))))
        show_rows.append(
            SyntheticShow(
                i + 1,
                f"Synthetic Show {i + 1}",
                tags,
                rating,
                added,
                added + timedelta(days=rnd.uniform(45, 150)),
                quality,
            )
        )

    screenings: list[ScreeningRecord] = []
    bookings: list[BookingRecord] = []
    prices: dict[int, Decimal] = {}
    for offset in range(days):
        day = start + timedelta(days=offset)
        weekend = day.weekday() >= 5
        for theatre in theatre_rows:
            slots = WEEKEND_SLOTS if weekend else WEEKDAY_SLOTS
            count = rnd.choice((3, 4)) if weekend else rnd.choice((2, 2, 3))
            for slot in sorted(rnd.sample(slots, count)):
                hour, minute = map(int, slot.split(":"))
                local_start = datetime.combine(day, time(hour, minute), tz)
                starts_at = local_start.astimezone(timezone.utc)
                running = [s for s in show_rows if s.added_at <= starts_at - timedelta(days=1) < s.runs_until]
                if not running:
                    continue
                show = rnd.choice(running)
                on_sale_from = max(starts_at - timedelta(days=ON_SALE_DAYS), show.added_at)
                screening = ScreeningRecord(
                    len(screenings) + 1, show.id, theatre.id, starts_at, theatre.capacity, on_sale_from
                )
                screenings.append(screening)
                prices[screening.id] = Decimal(rnd.choice((150, 200, 250, 300, 400)))
                expected = expected_occupancy(
                    quality=show.quality,
                    tags=show.tags,
                    theatre_appeal=theatre.appeal,
                    local_start=local_start,
                    days_since_added=(starts_at - show.added_at).total_seconds() / 86400,
                )
                for quantity, made, cancelled in simulate_sales(
                    rnd, seats_total=theatre.capacity, expected=expected, starts_at=starts_at, on_sale_from=on_sale_from
                ):
                    if made > now:
                        continue  # not booked yet
                    bookings.append(
                        BookingRecord(
                            screening.id,
                            quantity,
                            made,
                            cancelled if cancelled is not None and cancelled <= now else None,
                        )
                    )
    return SyntheticHistory(theatre_rows, show_rows, screenings, bookings, first, last, tz, prices)


def write_to_database(synthetic: SyntheticHistory) -> dict:
    """Insert the history into the current app's database as the services would have left it (bulk Core
    inserts, one transaction): theatres, shows with tags, screenings, a pool of buyers, bookings, and one
    ticket per confirmed seat, numbered 1..n per screening. Ids are offset past any existing rows;
    returns {"theatres": {synthetic id: id}, "shows": {...}, "screenings": {...}}."""
    from sqlalchemy import func, insert, select

    from ..auth.models import User
    from ..auth.usernames import username_skeleton
    from ..booking.models import CANCELLED, CONFIRMED, Booking, Ticket
    from ..catalog.models import Screening, Show, ShowTag, Theatre
    from ..catalog.search import search_fields
    from ..database import immediate_transaction
    from ..extensions import db
    from ..seating.layouts import default_label
    from ..text import fold

    def offset(model) -> int:
        return db.session.scalar(select(func.coalesce(func.max(model.id), 0)))

    with immediate_transaction(db.session):
        theatre_base, show_base, screening_base = offset(Theatre), offset(Show), offset(Screening)
        user_base, booking_base = offset(User), offset(Booking)
        created = synthetic.start - timedelta(days=90)
        db.session.execute(
            insert(Theatre),
            [
                {
                    "id": theatre_base + t.id,
                    "name": t.name,
                    "name_folded": fold(t.name),
                    "place": t.place,
                    "place_folded": fold(t.place),
                    "capacity": t.capacity,
                    "created_at": created,
                    "updated_at": created,
                }
                for t in synthetic.theatres
            ],
        )
        db.session.execute(
            insert(Show),
            [
                {
                    "id": show_base + s.id,
                    "name": s.name,
                    "name_folded": fold(s.name),
                    **search_fields(s.name, None, (), None),
                    "rating": s.rating,
                    "ticket_price": Decimal(250),
                    "created_at": s.added_at,
                    "updated_at": s.added_at,
                }
                for s in synthetic.shows
            ],
        )
        db.session.execute(
            insert(ShowTag),
            [
                {"show_id": show_base + s.id, "tag": tag, "position": n}
                for s in synthetic.shows
                for n, tag in enumerate(s.tags)
            ],
        )
        db.session.execute(
            insert(Screening),
            [
                {
                    "id": screening_base + s.id,
                    "show_id": show_base + s.show_id,
                    "theatre_id": theatre_base + s.theatre_id,
                    "starts_at": s.starts_at,
                    "base_price": synthetic.prices[s.id],
                    "price": synthetic.prices[s.id],
                    "seats_total": s.seats_total,
                    "created_at": s.on_sale_from,
                }
                for s in synthetic.screenings
            ],
        )
        db.session.execute(
            insert(User),
            [
                {
                    "id": user_base + n,
                    "username": f"synthetic-buyer-{user_base + n}",
                    "username_key": f"synthetic-buyer-{user_base + n}",
                    "username_skeleton": username_skeleton(f"synthetic-buyer-{user_base + n}"),
                    "email": f"buyer{user_base + n}@example.com",
                    "password_hash": UNUSABLE_PASSWORD_HASH,
                    "role": "user",
                    "created_at": created,
                }
                for n in range(1, BUYERS + 1)
            ],
        )
        booking_rows, ticket_rows = [], []
        seats_so_far: dict[int, int] = {}
        for n, booking in enumerate(synthetic.bookings, start=booking_base + 1):
            screening_id = screening_base + booking.screening_id
            price = synthetic.prices[booking.screening_id]
            booking_rows.append(
                {
                    "id": n,
                    "user_id": user_base + 1 + n % BUYERS,
                    "screening_id": screening_id,
                    "quantity": booking.quantity,
                    "unit_price": price,
                    "total_price": price * booking.quantity,
                    "status": CANCELLED if booking.cancelled_at else CONFIRMED,
                    "created_at": booking.booked_at,
                    "cancelled_at": booking.cancelled_at,
                    "cancel_reason": "cancelled_by_user" if booking.cancelled_at else None,
                }
            )
            if booking.cancelled_at is None:
                first_seat = seats_so_far.get(screening_id, 0)
                ticket_rows += [
                    {
                        "booking_id": n,
                        "screening_id": screening_id,
                        "seat_no": first_seat + k + 1,
                        "seat_label": default_label(first_seat + k + 1),
                        "price": price,
                    }
                    for k in range(booking.quantity)
                ]
                seats_so_far[screening_id] = first_seat + booking.quantity
        for chunk in range(0, len(booking_rows), 20000):
            db.session.execute(insert(Booking), booking_rows[chunk : chunk + 20000])
        for chunk in range(0, len(ticket_rows), 50000):
            db.session.execute(insert(Ticket), ticket_rows[chunk : chunk + 50000])
    return {
        "theatres": {t.id: theatre_base + t.id for t in synthetic.theatres},
        "shows": {s.id: show_base + s.id for s in synthetic.shows},
        "screenings": {s.id: screening_base + s.id for s in synthetic.screenings},
        "bookings": len(booking_rows),
        "tickets": len(ticket_rows),
    }
