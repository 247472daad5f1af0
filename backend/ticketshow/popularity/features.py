"""History → feature rows, from plain records, so that the live database (service.load_history) and the
synthetic generator (synthetic.py) feed the same code.

A row describes one screening as seen at one moment: what was sold by then, when it plays, and how the
same show, shows sharing a tag and the theatre filled their screenings that had *started* by then. Nothing
after the moment is read: bookings made or cancelled later and screenings that start later are invisible,
which is what lets the evaluation train on the past and be scored on the future honestly.

Training rows are finished screenings snapshotted at each of LEAD_TIMES before they start (when they were
on sale by then); their target is the final occupancy, the seats held when the screening started.
Pure Python: the web process may import this module without numpy.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# Snapshots of each finished screening that the model learns from (and that the evaluation scores).
LEAD_TIMES: tuple[timedelta, ...] = (
    timedelta(days=14),
    timedelta(days=7),
    timedelta(days=3),
    timedelta(days=1),
    timedelta(hours=3),
)
# A show's, a tag's or a theatre's average is pulled towards the wider average by this many screenings'
# worth of weight: two screenings of a new show say little, twenty say a lot.
SMOOTHING = 3.0
# With no finished screening at all there is no average to fall back on; a neutral guess.
NO_HISTORY_OCCUPANCY = 0.5

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Columns, in the order the model sees them, grouped by the reason a theatre manager would give.
FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "sold": ("sold_share",),
    "when": ("weekend", "friday", "slot_morning", "slot_afternoon", "slot_late"),
    "show": ("show_past", "show_history"),
    "similar": ("similar_past",),
    "theatre": ("theatre_past",),
    "novelty": ("show_age",),
    "rating": ("rating",),
}
FEATURES: tuple[str, ...] = tuple(name for names in FEATURE_GROUPS.values() for name in names)


@dataclass(frozen=True)
class ShowRecord:
    id: int
    tags: tuple[str, ...]
    rating: float  # the admin's, 0..5
    added_at: datetime


@dataclass(frozen=True)
class ScreeningRecord:
    id: int
    show_id: int
    theatre_id: int
    starts_at: datetime  # aware, UTC
    seats_total: int
    on_sale_from: datetime | None = None  # when it was created; no snapshot before it


@dataclass(frozen=True)
class BookingRecord:
    screening_id: int
    quantity: int
    booked_at: datetime
    cancelled_at: datetime | None = None  # a cancelled booking held its seats until then


@dataclass
class History:
    shows: dict[int, ShowRecord]
    screenings: list[ScreeningRecord]
    bookings: list[BookingRecord]
    zone: ZoneInfo

    def __post_init__(self):
        self.bookings_of: dict[int, list[BookingRecord]] = defaultdict(list)
        for booking in self.bookings:
            self.bookings_of[booking.screening_id].append(booking)
        self.final: dict[int, float] = {}  # final occupancies, computed once


@dataclass
class FeatureRow:
    screening_id: int
    at: datetime
    lead_hours: float
    values: dict[str, float]
    context: dict  # what the reasons are worded from: weekday, slot, tags, raw averages, counts
    naive: float  # the naive baseline: the show's plain average so far, else the global one
    target: float | None = None  # final occupancy, for finished screenings

    def vector(self) -> list[float]:
        return [self.values[name] for name in FEATURES]


def seats_held(bookings: list[BookingRecord], at: datetime) -> int:
    """Seats booked by `at` and not cancelled by then."""
    return sum(b.quantity for b in bookings if b.booked_at <= at and (b.cancelled_at is None or b.cancelled_at > at))


def final_occupancy(history: History, screening: ScreeningRecord) -> float:
    if screening.id not in history.final:
        held = seats_held(history.bookings_of.get(screening.id, []), screening.starts_at)
        history.final[screening.id] = min(held / screening.seats_total, 1.0)
    return history.final[screening.id]


def slot_of(hour: int) -> str:
    if hour < 12:
        return "morning"
    if hour < 17:
        return "afternoon"
    if hour < 21:
        return "evening"
    return "late"


@dataclass
class _Mean:
    total: float = 0.0
    count: int = 0

    def add(self, value: float) -> None:
        self.total += value
        self.count += 1

    def smoothed(self, prior: float, weight: float = SMOOTHING) -> float:
        return (self.total + weight * prior) / (self.count + weight)

    @property
    def plain(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass
class _PastOccupancy:
    """Final occupancies of the screenings that have started so far, per show, tag, theatre and overall."""

    overall: _Mean = field(default_factory=_Mean)
    per_show: dict[int, _Mean] = field(default_factory=lambda: defaultdict(_Mean))
    per_tag: dict[str, _Mean] = field(default_factory=lambda: defaultdict(_Mean))
    per_theatre: dict[int, _Mean] = field(default_factory=lambda: defaultdict(_Mean))

    def add(self, show: ShowRecord, theatre_id: int, occupancy: float) -> None:
        self.overall.add(occupancy)
        self.per_show[show.id].add(occupancy)
        self.per_theatre[theatre_id].add(occupancy)
        for tag in show.tags:
            self.per_tag[tag].add(occupancy)

    def similar(self, show: ShowRecord) -> _Mean:
        """Other shows sharing a tag: each tag's screenings minus this show's own (a screening of a show
        with two shared tags counts twice, as it is similar twice)."""
        own = self.per_show.get(show.id, _Mean())
        mean = _Mean()
        for tag in show.tags:
            tagged = self.per_tag.get(tag, _Mean())
            mean.total += tagged.total - own.total
            mean.count += tagged.count - own.count
        return mean


def build_rows(
    history: History, queries: list[tuple[ScreeningRecord, datetime]], targets: bool = False
) -> list[FeatureRow]:
    """One row per (screening, moment), each from what was known at that moment only."""
    # Screenings add their final occupancy when they start; a query at the same instant does not see it.
    events: list[tuple[datetime, int, int, ScreeningRecord]] = []
    latest = max((at for _, at in queries), default=None)
    for screening in history.screenings:
        if latest is not None and screening.starts_at < latest and screening.show_id in history.shows:
            events.append((screening.starts_at, 1, 0, screening))
    for index, (screening, at) in enumerate(queries):
        events.append((at, 0, index, screening))
    events.sort(key=lambda event: (event[0], event[1], event[2]))

    past = _PastOccupancy()
    rows: list[FeatureRow | None] = [None] * len(queries)
    for at, kind, index, screening in events:
        show = history.shows[screening.show_id]
        if kind == 1:
            past.add(show, screening.theatre_id, final_occupancy(history, screening))
            continue
        row = _row(history, past, screening, show, at)
        if targets:
            row.target = final_occupancy(history, screening)
        rows[index] = row
    return [row for row in rows if row is not None]


def _row(
    history: History, past: _PastOccupancy, screening: ScreeningRecord, show: ShowRecord, at: datetime
) -> FeatureRow:
    overall = past.overall.plain
    global_mean = overall if overall is not None else NO_HISTORY_OCCUPANCY
    similar = past.similar(show)
    similar_past = similar.smoothed(global_mean)
    show_mean = past.per_show.get(show.id, _Mean())
    theatre_mean = past.per_theatre.get(screening.theatre_id, _Mean())
    sold = seats_held(history.bookings_of.get(screening.id, []), at)
    sold_share = min(sold / screening.seats_total, 1.0)
    local = screening.starts_at.astimezone(history.zone)
    slot = slot_of(local.hour)
    days_added = max((at - show.added_at).total_seconds() / 86400, 0.0)
    values = {
        "sold_share": sold_share,
        "weekend": float(local.weekday() >= 5),
        "friday": float(local.weekday() == 4),
        "slot_morning": float(slot == "morning"),
        "slot_afternoon": float(slot == "afternoon"),
        "slot_late": float(slot == "late"),
        "show_past": show_mean.smoothed(similar_past),
        "show_history": min(show_mean.count, 10) / 10,
        "similar_past": similar_past,
        "theatre_past": theatre_mean.smoothed(global_mean),
        "show_age": math.log1p(days_added),
        "rating": float(show.rating or 0),
    }
    context = {
        "sold": sold,
        "sold_share": sold_share,
        "weekday": WEEKDAYS[local.weekday()],
        "weekday_index": local.weekday(),  # what the reason is worded from in any language (wording.py)
        "slot": slot,
        "tags": list(show.tags),
        "show_screenings": show_mean.count,
        "show_mean": show_mean.plain,
        "similar_screenings": similar.count,
        "similar_mean": similar.plain,
        "theatre_screenings": theatre_mean.count,
        "theatre_mean": theatre_mean.plain,
        "days_added": days_added,
        "rating": float(show.rating or 0),
        "finished": past.overall.count,
    }
    naive = show_mean.plain if show_mean.plain is not None else global_mean
    lead_hours = (screening.starts_at - at).total_seconds() / 3600
    return FeatureRow(screening.id, at, lead_hours, values, context, naive)


def training_rows(
    history: History, *, finished_before: datetime, leads: tuple[timedelta, ...] = LEAD_TIMES
) -> list[FeatureRow]:
    """Snapshots of the screenings that started before `finished_before`, each at every lead time at
    which it was already on sale, with its final occupancy as the target."""
    queries = []
    for screening in history.screenings:
        if screening.starts_at >= finished_before or screening.show_id not in history.shows:
            continue
        for lead in leads:
            at = screening.starts_at - lead
            if screening.on_sale_from is None or at >= screening.on_sale_from:
                queries.append((screening, at))
    return build_rows(history, queries, targets=True)


def live_rows(history: History, now: datetime) -> list[FeatureRow]:
    """Every screening that has not started, as seen now."""
    return build_rows(
        history, [(s, now) for s in history.screenings if s.starts_at > now and s.show_id in history.shows]
    )


def finished_count(history: History, before: datetime) -> int:
    return sum(1 for s in history.screenings if s.starts_at < before)
