"""Catalogue rules: theatres, shows and their screenings.

Functions take ids and plain values, run one transaction and raise domain errors. Removal is soft
(removed_at) so that past bookings keep their screening, show and theatre for reports.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app, has_request_context, request
from sqlalchemy import exists, func, select, update

from .. import audit
from ..cache import mark_catalog_changed
from ..clock import utcnow
from ..database import (
    from_paise,
    immediate_transaction,
    pooled_sqlite,
    session_write_connection,
    writes,
)
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..fields import local_isoformat
from ..i18n import _, ngettext
from ..pagination import paginate
from ..popularity.service import forecasts_for, popularity_for
from ..pricing import repricing
from ..pricing.service import upcoming_dynamic_screenings
from ..ratings.service import NO_USER_RATINGS, user_ratings
from ..seating import service as seating
from ..text import fold
from ..waitlist import service as waitlist
from . import images, listing, search
from .models import Screening, Show, ShowTag, Theatre, price_trend
from .sales import sales

UPCOMING_LIMIT = 200  # screenings embedded in a theatre's or a show's page
DEFAULT_TIMEFRAME = timedelta(days=7)
DEFAULT_DURATION_MINUTES = 180  # a show without a duration holds its hall for 3 hours (API.md)
MAX_DURATION_MINUTES = 1440  # the schemas' limit: no screening holds a hall longer


class TheatreBusy(Conflict):
    code = "theatre_busy"


def occupied_until(starts_at: datetime, duration_minutes: int | None) -> datetime:
    """When the hall is free again after a screening: start + the show's duration (180 minutes when
    unknown) + CHANGEOVER_MINUTES (cleaning, letting the audience out and in; default 20, decimals allowed)."""
    changeover = current_app.config["CHANGEOVER_MINUTES"]
    return starts_at + timedelta(minutes=(duration_minutes or DEFAULT_DURATION_MINUTES) + changeover)


def _describe_clash(other: Screening | None, starts_at: datetime, duration: int | None, **extra) -> dict:
    details = {
        "theatre_id": other.theatre_id if other else extra.pop("theatre_id"),
        "screening": {
            "id": other.id if other else None,
            "show": {"id": other.show.id, "name": other.show.name} if other else None,
            "starts_at": local_isoformat(starts_at),
            "busy_until": local_isoformat(occupied_until(starts_at, duration)),
        },
    }
    details["screening"].update(extra)
    return details


def check_theatre_free(
    theatre_id: int, starts_at: datetime, duration_minutes: int | None, *, ignore_ids: Iterable[int] = ()
) -> None:
    """Raise TheatreBusy (409, the clashing screening in details) if a screening of `duration_minutes`
    starting at `starts_at` would overlap another live screening in the same theatre.

    A theatre is one hall (API.md): two screenings overlap when each starts before the other's hall time
    ends (occupied_until). Call it inside the write transaction that inserts or moves the screening: the
    BEGIN IMMEDIATE write lock keeps a concurrent create from slipping in between the check and the write.
    """
    ends_at = occupied_until(starts_at, duration_minutes)
    changeover = timedelta(minutes=current_app.config["CHANGEOVER_MINUTES"])
    earliest = starts_at - timedelta(minutes=MAX_DURATION_MINUTES) - changeover  # nothing earlier can reach us
    candidates = db.session.scalars(
        select(Screening)
        .join(Screening.show)
        .where(
            Screening.theatre_id == theatre_id,
            Screening.removed_at.is_(None),
            Screening.starts_at > earliest,
            Screening.starts_at < ends_at,
            Screening.id.not_in(list(ignore_ids)),
        )
        .order_by(Screening.starts_at, Screening.id)
    )
    for other in candidates:
        if starts_at < occupied_until(other.starts_at, other.show.duration_minutes):
            raise TheatreBusy(
                _(
                    "The theatre is busy then: '%(show)s' starts at %(starts_at)s and holds the hall until %(until)s.",
                    show=other.show.name,
                    starts_at=local_isoformat(other.starts_at),
                    until=local_isoformat(occupied_until(other.starts_at, other.show.duration_minutes)),
                ),
                details=_describe_clash(other, other.starts_at, other.show.duration_minutes),
            )


def _like(term: str) -> str:
    escaped = fold(term.strip()).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---- reading ----------------------------------------------------------------------------------------

FILLING_FAST_SOLD_SHARE = 0.7
FILLING_FAST_FORECAST = 0.85


def filling_fast(seats_total: int, seats_left: int, predicted_occupancy: float | None) -> bool:
    """Seats are going: most are sold already, or the forecast says the house will (nearly) fill."""
    if seats_left <= 0 or seats_total <= 0:
        return False
    sold_share = 1 - seats_left / seats_total
    return sold_share >= FILLING_FAST_SOLD_SHARE or (predicted_occupancy or 0) >= FILLING_FAST_FORECAST


def attach_live_figures(screenings: Sequence[Screening]) -> Sequence[Screening]:
    """Fill the response-only figures of screenings: seats sold, seats that can be had now (not sold, not in a
    live hold, not blocked), the forecast and the badge they give."""
    ids = [s.id for s in screenings]
    sold = sales().seats_sold(ids)
    unavailable = seating.seats_unavailable(ids)
    forecasts = forecasts_for(ids) if ids else {}
    for screening in screenings:
        screening.seats_sold = sold.get(screening.id, 0)
        screening.seats_unavailable = unavailable.get(screening.id, 0)
        screening.predicted_occupancy = forecasts.get(screening.id)
        screening.filling_fast = filling_fast(
            screening.seats_total, screening.seats_left, screening.predicted_occupancy
        )
    return screenings


# What refresh_live_figures puts into each cached screening, in this order (cache.LiveFields fills them in).
LIVE_SCREENING_FIELDS = ("seats_total", "seats_left", "houseful", "price", "price_trend", "filling_fast")


def live_screenings(body: dict) -> list[dict]:
    """The screenings of a cached answer (a screening, a list of them, or a page that embeds them)."""
    found = [body] if "seats_total" in body else []
    for key in ("items", "screenings"):
        found += [item for item in body.get(key) or () if isinstance(item, dict) and "seats_total" in item]
    for group in body.get("screenings_by_place") or ():
        found += [item for item in group["screenings"] if isinstance(item, dict) and "seats_total" in item]
    return found


def live_screening_values(screenings: list[dict]) -> list[tuple | None]:
    """For each screening (a dict with its `id` and `predicted_occupancy`), its LIVE_SCREENING_FIELDS as they
    are now; None for one that is no longer in the database (it keeps what it had)."""
    if not screenings:
        return []
    # Driver SQL on a pooled connection, both reads in one snapshot: this runs on every cache hit, where
    # building the two statements with SQLAlchemy cost more than the rest of the request.
    live, unavailable = seating.live_figures([item["id"] for item in screenings])
    found = []
    prices: dict[tuple, tuple] = {}  # a page's screenings share a few prices: each converted once
    for item in screenings:
        row = live.get(item["id"])
        if row is None:
            found.append(None)
            continue
        priced = prices.get((row.price, row.previous_price))
        if priced is None:
            price = from_paise(row.price)
            priced = prices[row.price, row.previous_price] = (price, price_trend(price, from_paise(row.previous_price)))
        seats_left = max(row.seats_total - unavailable.get(row.id, 0), 0)
        found.append(
            (
                row.seats_total,  # a layout change moves it without a catalogue write
                seats_left,
                seats_left == 0,
                *priced,
                filling_fast(row.seats_total, seats_left, item.get("predicted_occupancy")),
            )
        )
    return found


def live_screenings_change_at(screenings: list[dict], now: datetime) -> datetime | None:
    """When live_screening_values' answer for these screenings, read at `now`, may next change with nothing
    written: the first expiry of a seat held in them (their other figures change only with a write)."""
    if not screenings:
        return None
    with pooled_sqlite(db.engine) as sqlite:
        return listing.next_hold_expiry(sqlite, [item["id"] for item in screenings], now)


def refresh_live_figures(body: dict) -> dict:
    """Put live seats and prices into a cached response body (a screening, a list of them, or a page that
    embeds them): bookings change both without invalidating the cache, so cached reads never show stale ones."""
    found = live_screenings(body)
    if not found:
        return body
    for item, values in zip(found, live_screening_values(found), strict=True):
        if values is not None:
            item.update(zip(LIVE_SCREENING_FIELDS, values, strict=True))
    groups = body.get("screenings_by_place") or []
    if groups:  # a show's page: its "from" prices follow the live prices too
        for group in groups:
            group["price_from"] = min(Decimal(str(s["price"])) for s in group["screenings"])
        body["price_from"] = _price_from_groups(groups, request.args.get("place") if has_request_context() else None)
    return body


def show_page_objects(body: dict) -> list[dict] | None:
    """The live objects of a cached show page (show_detail): its screenings, then its places, then the page
    itself (the two last for their "from" prices); None for another body."""
    groups = body.get("screenings_by_place")
    if groups is None:
        return None
    return [*live_screenings(body), *groups, body]


def show_page_fields(item: dict) -> tuple[str, ...]:
    """The live fields of one of show_page_objects: a screening's seats and prices, or a "from" price."""
    return LIVE_SCREENING_FIELDS if "seats_total" in item else ("price_from",)


def show_page_values(objects: list[dict]) -> list[tuple | None]:
    """show_page_objects' values now, as refresh_live_figures makes them: each screening's live figures
    (None: gone, it keeps its own), each place's lowest price of its screenings, and the page's
    `price_from` over the places in the request's `place` (all places without one)."""
    screenings = [item for item in objects if "seats_total" in item]
    fresh = dict(zip((id(item) for item in screenings), live_screening_values(screenings), strict=True))
    price_at = LIVE_SCREENING_FIELDS.index("price")
    prices = {
        item["id"]: fresh[id(item)][price_at] if fresh[id(item)] is not None else item["price"] for item in screenings
    }
    found: list[tuple | None] = []
    places = []
    for item in objects:
        if "seats_total" in item:
            found.append(fresh[id(item)])
        elif "screenings_by_place" in item:  # the page itself, last
            found.append((_price_from_groups(places, request.args.get("place") if has_request_context() else None),))
        else:  # a place: its screenings' dicts hold markers by now, their ids are intact
            lowest = min(Decimal(str(prices[s["id"]])) for s in item["screenings"])
            places.append({"place": item["place"], "price_from": lowest})
            found.append((lowest,))
    return found


def show_page_change_at(objects: list[dict], now: datetime) -> datetime | None:
    """When show_page_values' answer may next change with nothing written: a held seat's expiry."""
    return live_screenings_change_at([item for item in objects if "seats_total" in item], now)


def listed_shows(body: dict) -> list[dict]:
    """The shows of a cached show list, whose `price_from` refresh_show_prices refills."""
    return [item for item in body.get("items") or () if isinstance(item, dict) and "id" in item]


def show_price_values(shows: list[dict]) -> list[tuple]:
    """For each show (a dict with its `id`): (its live `price_from` in the request's `place`, if any,)."""
    place = request.args.get("place") if has_request_context() else None
    prices = prices_from([item["id"] for item in shows], place)
    return [
        (price.quantize(Decimal("0.01")) if price is not None else None,)
        for price in (prices.get(item["id"]) for item in shows)
    ]


def show_prices_change_at(shows: list[dict], now: datetime) -> datetime | None:
    """When show_price_values' answer for these shows, read at `now`, may next change with nothing written:
    the first start of one of their screenings (a "from" price counts screenings not yet started)."""
    if not shows:
        return None
    with pooled_sqlite(db.engine) as sqlite:
        return listing.next_start(sqlite, [item["id"] for item in shows], now)


def refresh_show_prices(body: dict) -> dict:
    """Put each listed show's live `price_from` (in the request's `place`, if any) into a cached page."""
    items = listed_shows(body)
    for item, (price,) in zip(items, show_price_values(items), strict=True):
        item["price_from"] = price
    return body


def catalog_write(function):
    """A service function that changes what public reads show: one write transaction, and the cached
    responses are invalidated once it has committed."""

    @writes
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        mark_catalog_changed(db.session)
        return function(*args, **kwargs)

    return wrapper


def attach_user_ratings(shows: Sequence[Show]) -> Sequence[Show]:
    """Fill the response-only figures of shows: users' ratings and the forecast's popularity."""
    found = user_ratings([s.id for s in shows]) if shows else {}
    popular = popularity_for("show", [s.id for s in shows]) if shows else {}
    for show in shows:
        show.user_rating = found.get(show.id, NO_USER_RATINGS)
        score = popular.get(show.id)
        show.popularity, show.trending = (score["score"], score["trending"]) if score else (None, False)
    return shows


def attach_theatre_popularity(theatres: Sequence[Theatre]) -> Sequence[Theatre]:
    popular = popularity_for("theatre", [t.id for t in theatres]) if theatres else {}
    for theatre in theatres:
        theatre.popularity = popular.get(theatre.id, {}).get("score")
    return theatres


def _live_theatre(theatre_id: int) -> Theatre:
    theatre = db.session.get(Theatre, theatre_id)
    if theatre is None or theatre.removed_at is not None:
        raise NotFound(_("No such theatre."), details={"theatre_id": theatre_id})
    return theatre


def _live_show(show_id: int) -> Show:
    show = db.session.get(Show, show_id)
    if show is None or show.removed_at is not None:
        raise NotFound(_("No such show."), details={"show_id": show_id})
    return show


def _live_screening(screening_id: int) -> Screening:
    screening = db.session.get(Screening, screening_id)
    if screening is None or screening.removed_at is not None:
        raise NotFound(_("No such screening."), details={"screening_id": screening_id})
    return screening


def _upcoming_screenings(**where) -> list[Screening]:
    statement = (
        select(Screening)
        .join(Screening.show)
        .join(Screening.theatre)
        .where(
            Screening.removed_at.is_(None),
            Show.removed_at.is_(None),
            Theatre.removed_at.is_(None),
            Screening.starts_at >= utcnow(),
        )
        .filter_by(**where)
        .order_by(Screening.starts_at, Screening.id)
        .limit(UPCOMING_LIMIT)
    )
    return list(attach_live_figures(db.session.scalars(statement).all()))


def list_theatres(q: str | None, place: str | None, page: int, per_page: int) -> dict:
    statement = select(Theatre).where(Theatre.removed_at.is_(None))
    if q:
        statement = statement.where(Theatre.name_folded.like(_like(q), escape="\\"))
    if place:
        statement = statement.where(Theatre.place_folded.like(_like(place), escape="\\"))
    result = paginate(statement.order_by(Theatre.name_folded, Theatre.id), page, per_page)
    attach_theatre_popularity(result["items"])
    return result


def theatre_home(theatre_id: int) -> dict:
    theatre = attach_theatre_popularity([_live_theatre(theatre_id)])[0]
    return {
        **_as_dict(theatre),
        "popularity": theatre.popularity,
        "screenings": _upcoming_screenings(theatre_id=theatre.id),
    }


def list_shows(
    *,
    q=None,
    tags: Iterable[str] = (),
    min_rating=None,
    place=None,
    starts_from=None,
    starts_to=None,
    sort=None,
    page=1,
    per_page=20,
) -> dict:
    """A page of live shows matching every filter given: {"items": [ShowOut-shaped dicts], "total", "page",
    "per_page"}. `q`: shows with every word of it as a word or a word's start in their searchable text
    (search.match_expression), or whose name contains `q` as typed. `tags`: every one (trimmed, lower-case).
    `place`, `starts_from`, `starts_to`: a live screening at a live theatre there and then (from now when no
    `starts_from`). `sort`: "relevance" (the default with `q`: best match first, names matched only by
    containing `q` after the ranked ones), "latest" (the default without), "rating", "name".

    Read as driver SQL in one snapshot on a pooled connection (catalog/listing.py): this is every cache miss
    of the list and of search. Not for use inside a session's write transaction (it would not see it)."""
    sort = sort or ("relevance" if q else "latest")
    found, where = None, []
    wanted_tags = sorted({t.strip().lower() for t in tags if t.strip()})
    if q:
        name_like = _like(q)  # "afé Soc", a part of a Tamil word
        ranks = search.ranks_sql(q)
        if ranks is None:
            where.append((listing.like_condition("s.name_folded"), [name_like]))
        else:
            found = listing.found_by_words(ranks, name_like, wanted_tags)
    if min_rating is not None:
        where.append(("s.rating >= ?", [min_rating]))
    now = utcnow()
    place_like = _like(place) if place else None
    if place or starts_from or starts_to:
        where.append(listing.has_screening(starts_from or now, starts_to, place_like))
    latest = "s.created_at DESC, s.id DESC"
    order = {
        "latest": latest,
        "rating": "s.rating DESC, " + latest,
        "name": "s.name_folded, s.id",
        # bm25 is negative, lower is better; a name matched only by containing `q` comes after the ranked ones
        "relevance": "found.rank IS NULL, found.rank, s.name_folded, s.id" if found else latest,
    }[sort]
    with pooled_sqlite(db.engine) as sqlite:
        sqlite.execute("BEGIN")  # one snapshot: the page and its figures agree
        try:
            rows, total = listing.page_rows(sqlite, listing.Filters(found, where, wanted_tags, order), page, per_page)
            items = listing.show_items(sqlite, rows, now, place_like)
        finally:
            sqlite.rollback()
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def list_tags() -> list[dict]:
    """The catalogue's tags worth filtering by: `[{"tag": str, "shows": int}]`, one per tag of a live show
    with at least one upcoming screening (at a live theatre), `shows` counting those shows; most shows
    first, then by tag. Tags are stored lower-case and trimmed, as `GET /api/shows?tag=` compares them."""
    upcoming = exists().where(
        Screening.show_id == Show.id,
        Screening.removed_at.is_(None),
        Screening.starts_at >= utcnow(),
        Theatre.id == Screening.theatre_id,
        Theatre.removed_at.is_(None),
    )
    shows = func.count(func.distinct(ShowTag.show_id)).label("shows")
    statement = (
        select(ShowTag.tag, shows)
        .join(Show, Show.id == ShowTag.show_id)
        .where(Show.removed_at.is_(None), upcoming)
        .group_by(ShowTag.tag)
        .order_by(shows.desc(), ShowTag.tag)
    )
    return [{"tag": tag, "shows": count} for tag, count in db.session.execute(statement).all()]


def prices_from(show_ids: Iterable[int], place: str | None = None) -> dict[int, Decimal]:
    """{show id: the lowest price a booking is charged now among its upcoming screenings}, only at theatres
    whose place contains `place` (case- and accent-insensitive, as the `place` filter) when given. Shows
    with no such screening are left out. One grouped query."""
    ids = list(set(show_ids))
    if not ids:
        return {}
    if not (db.session.registry.has() and db.session().in_transaction()):
        # Outside a session transaction (a cached /api/shows page refilled on every answer): driver SQL on
        # a pooled connection; SQLAlchemy's building of this statement cost more than the rest of a hit.
        with pooled_sqlite(db.engine) as sqlite:
            return listing.prices_from(sqlite, ids, utcnow(), _like(place) if place else None)
    statement = (
        select(Screening.show_id, func.min(Screening.price))
        .join(Theatre, Theatre.id == Screening.theatre_id)
        .where(
            Screening.show_id.in_(ids),
            Screening.removed_at.is_(None),
            Theatre.removed_at.is_(None),
            Screening.starts_at >= utcnow(),
        )
        .group_by(Screening.show_id)
    )
    if place:
        statement = statement.where(Theatre.place_folded.like(_like(place), escape="\\"))
    return dict(db.session.execute(statement).all())


def group_by_place(screenings: Sequence[Screening], place: str | None) -> list[dict]:
    """Screenings (soonest first) grouped by their theatre's place: [{"place", "price_from", "screenings"}].
    The places that contain `place` come first, then the others by their soonest screening; within a group
    screenings stay soonest first. `price_from` is the group's lowest current price."""
    groups: dict[str, list[Screening]] = {}
    for screening in screenings:
        groups.setdefault(screening.theatre.place, []).append(screening)
    wanted = fold(place.strip()) if place and place.strip() else None
    ordered = sorted(
        groups.items(), key=lambda item: (not (wanted and wanted in fold(item[0]))) if wanted else False
    )  # stable: otherwise in order of their soonest screening
    return [{"place": name, "price_from": min(s.price for s in rows), "screenings": rows} for name, rows in ordered]


def show_detail(show_id: int, place: str | None = None) -> dict:
    """A show's page: its fields, its upcoming screenings soonest first, the same grouped by place with the
    place asked first (`screenings_by_place`), and `price_from` (lowest current price in `place`, or
    anywhere without one; null when nothing is on sale there). Prices are refreshed live on cached reads
    (refresh_live_figures)."""
    show = _live_show(show_id)
    attach_user_ratings([show])
    screenings = _upcoming_screenings(show_id=show.id)
    by_place = group_by_place(screenings, place)
    return {
        **_as_dict(show),
        "tags": show.tags,
        "alias_list": show.alias_list,
        "user_rating": show.user_rating,
        "dynamic_pricing_settings": show.dynamic_pricing_settings,
        "popularity": show.popularity,
        "trending": show.trending,
        "screenings": screenings,
        "screenings_by_place": by_place,
        "price_from": _price_from_groups(by_place, place),
    }


def _price_from_groups(groups: list[dict], place: str | None):
    wanted = fold(place.strip()) if place and place.strip() else None
    prices = [g["price_from"] for g in groups if not wanted or wanted in fold(g["place"])]
    return min(prices) if prices else None


def list_screenings(
    *,
    starts_from=None,
    starts_to=None,
    show_id=None,
    theatre_id=None,
    place=None,
    sort="starts_at",
    page=1,
    per_page=20,
) -> dict:
    """A page of live screenings (live show, live theatre) starting from `starts_from` to `starts_to` (UTC;
    default now to DEFAULT_TIMEFRAME ahead): {"items": [ScreeningOut-shaped dicts with live figures], "total",
    "page", "per_page"}. `sort` (the admin's screenings table, issue 16), one of listing.SCREENING_ORDERS:
    "starts_at" (soonest first, the default), "-starts_at" (latest first), "show" or "theatre" (name A to Z,
    accents folded; then soonest first); ties fall to the start and then the id, so pages never overlap.

    Read as driver SQL in one snapshot on a pooled connection (catalog/listing.py): every cache miss of the
    list runs here, and the ORM's statements, objects and the output schema cost several times what SQLite
    spends. Not for use inside a session's write transaction (it would not see it)."""
    now = utcnow()
    starts_from = starts_from or now
    starts_to = starts_to or starts_from + DEFAULT_TIMEFRAME
    with pooled_sqlite(db.engine) as sqlite:
        sqlite.execute("BEGIN")  # one snapshot: the page, its total and its forecasts agree
        try:
            rows, total = listing.screening_page(
                sqlite,
                starts_from,
                starts_to,
                show_id=show_id,
                theatre_id=theatre_id,
                place_like=_like(place) if place else None,
                order=sort or "starts_at",
                page=page,
                per_page=per_page,
            )
            ids = [row.id for row in rows]
            forecasts = listing.forecasts_of(sqlite, ids) if ids else {}
        finally:
            sqlite.rollback()
    # The seat ledger answers for the seats (a read of its own): the catalogue sits below booking.
    items = listing.screening_items(rows, seating.seats_unavailable(ids, now), forecasts)
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def get_screening(screening_id: int) -> Screening:
    screening = _live_screening(screening_id)
    if screening.show.removed_at or screening.theatre.removed_at:
        raise NotFound(_("No such screening."), details={"screening_id": screening_id})
    attach_live_figures([screening])
    return screening


def _as_dict(row) -> dict:
    data = {column.key: getattr(row, column.key) for column in row.__table__.columns}
    data["image_url"] = images.url(row.image_path)
    return data


# ---- theatres -------------------------------------------------------------------------------------

# The fields an audit row shows for each kind of row (docs/staff.md).
THEATRE_AUDIT = ("name", "place", "capacity", "address", "caption", "description")
SHOW_AUDIT = (
    "name",
    "caption",
    "description",
    "rating",
    "ticket_price",
    "duration_minutes",
    "language",
    "tags",
    "dynamic_pricing",
    "price_floor_pct",
    "price_ceiling_pct",
)
SCREENING_AUDIT = ("show_id", "theatre_id", "starts_at", "base_price", "seats_total")


def _check_theatre_name_free(name: str, place: str, exclude_id: int | None = None) -> None:
    statement = select(Theatre.id).where(
        Theatre.removed_at.is_(None), Theatre.name_folded == fold(name), Theatre.place_folded == fold(place)
    )
    if exclude_id:
        statement = statement.where(Theatre.id != exclude_id)
    if db.session.scalar(statement) is not None:
        raise Conflict(
            _("A theatre named '%(name)s' already exists in %(place)s.", name=name, place=place),
            code="theatre_exists",
            details={"name": [name]},
        )


@catalog_write
def create_theatre(fields: dict) -> Theatre:
    _check_theatre_name_free(fields["name"], fields["place"])
    theatre = Theatre(**fields, name_folded=fold(fields["name"]), place_folded=fold(fields["place"]))
    db.session.add(theatre)
    db.session.flush()
    audit.record("create", "theatre", theatre.id, None, audit.snapshot(theatre, THEATRE_AUDIT))
    seating.add_default_layout(theatre.id, theatre.capacity)  # capacity == the number of seats, always
    return theatre


@catalog_write
def update_theatre(theatre_id: int, changes: dict) -> Theatre:
    theatre = _live_theatre(theatre_id)
    before = audit.snapshot(theatre, THEATRE_AUDIT)
    name, place = changes.get("name", theatre.name), changes.get("place", theatre.place)
    if "name" in changes or "place" in changes:
        _check_theatre_name_free(name, place, exclude_id=theatre.id)
    if "capacity" in changes and changes["capacity"] != theatre.capacity:
        _change_capacity(theatre.id, changes["capacity"])
        theatre = _live_theatre(theatre_id)
    for key, value in changes.items():
        setattr(theatre, key, value)
    theatre.name_folded, theatre.place_folded = fold(theatre.name), fold(theatre.place)
    audit.record("update", "theatre", theatre.id, *audit.changed(before, audit.snapshot(theatre, THEATRE_AUDIT)))
    return attach_theatre_popularity([theatre])[0]


def _change_capacity(theatre_id: int, capacity: int) -> None:
    """Upcoming screenings follow the theatre's capacity (a new default layout, seating.change_capacity);
    refuse if one has sold more seats than that, or if the theatre has its own layout (409).

    Runs under the write lock so that no booking can slip in between the check and the update.
    """
    with immediate_transaction(db.session):
        upcoming = select(Screening.id).where(
            Screening.theatre_id == theatre_id, Screening.removed_at.is_(None), Screening.starts_at >= utcnow()
        )
        upcoming_ids = db.session.scalars(upcoming).all()
        oversold = [(sid, sold) for sid, sold in sales().seats_sold(upcoming_ids).items() if sold > capacity]
        if oversold:
            worst = max(count for _, count in oversold)
            raise Conflict(
                _(
                    "%(sold)s seats are already sold for an upcoming screening; the capacity cannot go below that.",
                    sold=worst,
                ),
                code="capacity_below_sold",
                details={
                    "capacity": [_("At least %(sold)s.", sold=worst)],
                    "seats_sold": worst,
                    "screening_ids": [sid for sid, _ in oversold],
                },
            )
        seating.change_capacity(theatre_id, capacity)  # a new default layout; unsold screenings take it
        db.session.execute(update(Theatre).where(Theatre.id == theatre_id).values(capacity=capacity))


@catalog_write
def delete_theatre(theatre_id: int, force: bool) -> dict:
    theatre = _live_theatre(theatre_id)
    screening_ids = select(Screening.id).where(Screening.theatre_id == theatre.id, Screening.removed_at.is_(None))
    return _remove_with_bookings(
        screening_ids,
        force,
        reason="theatre_removed",
        what=_("theatre '%(name)s'", name=theatre.name),
        parent=update(Theatre).where(Theatre.id == theatre.id),
        audited=("theatre", theatre.id, audit.snapshot(theatre, THEATRE_AUDIT)),
    )


def set_theatre_image(theatre_id: int, data: bytes, media_dir: Path) -> str:
    return _set_image(Theatre, theatre_id, "theatres", data, media_dir)


# ---- shows ----------------------------------------------------------------------------------------


def _set_tags(show: Show, tags: Iterable[str]) -> None:
    unique = list(dict.fromkeys(t for t in tags if t))
    show.tag_rows = [ShowTag(tag=tag, position=index) for index, tag in enumerate(unique)]


def _set_search_fields(show: Show) -> None:
    """The romanised name and search keys for the show's current text (the index's triggers read them)."""
    fields = search.search_fields(show.name, show.caption, show.tags, show.aliases)
    show.name_romanised, show.search_keys = fields["name_romanised"], fields["search_keys"]


def _aliases_text(aliases: Iterable[str]) -> str | None:
    """Aliases as stored: one per line, each once (case-insensitively), None for none."""
    unique = {fold(a): a for a in reversed(list(aliases))}
    return "\n".join(reversed(unique.values())) or None


def _set_dynamic_pricing(show: Show, settings: dict) -> None:
    """Apply a partial {enabled, floor_pct, ceiling_pct}; the bounds must hold the base price."""
    enabled = settings.get("enabled", show.dynamic_pricing or False)
    floor_pct = settings.get("floor_pct", show.price_floor_pct or 80)
    ceiling_pct = settings.get("ceiling_pct", show.price_ceiling_pct or 150)
    if floor_pct > 100 or ceiling_pct < 100:
        raise Invalid(
            {
                "dynamic_pricing": _(
                    "The floor must be at most %(pct)s%% and the ceiling at least %(pct)s%% of the base price.",
                    pct=100,
                )
            }
        )
    show.dynamic_pricing, show.price_floor_pct, show.price_ceiling_pct = enabled, floor_pct, ceiling_pct


@catalog_write
def create_show(fields: dict, allocations: list[dict] | None = None) -> Show:
    fields = dict(fields)
    tags = fields.pop("tags", [])
    dynamic = fields.pop("dynamic_pricing", None)
    aliases = _aliases_text(fields.pop("aliases", []))
    show = Show(**fields, aliases=aliases, name_folded=fold(fields["name"]))
    _set_dynamic_pricing(show, dynamic or {})
    _set_tags(show, tags)
    _set_search_fields(show)
    db.session.add(show)
    db.session.flush()
    audit.record("create", "show", show.id, None, audit.snapshot(show, SHOW_AUDIT))
    theatres = {}
    problems = {}
    for index, allocation in enumerate(allocations or []):
        theatre = db.session.get(Theatre, allocation["theatre_id"])
        if theatre is None or theatre.removed_at is not None:
            problems[f"screenings.{index}.theatre_id"] = "No such theatre."
        theatres[index] = theatre
    if problems:
        raise Invalid(problems)
    screenings, layouts = [], {}
    for index, allocation in enumerate(allocations or []):
        theatre, price = theatres[index], allocation.get("price")
        _check_allocation_free(show, index, allocation, theatre.id, screenings)
        base_price = show.ticket_price if price is None else price
        layout = layouts.get(theatre.id) or layouts.setdefault(theatre.id, seating.current_layout(theatre.id))
        screenings.append(
            Screening(
                show_id=show.id,
                theatre_id=theatre.id,
                starts_at=allocation["starts_at"],
                base_price=base_price,
                price=base_price,
                **_seats_of(theatre, layout),
            )
        )
    db.session.add_all(screenings)
    db.session.flush()
    for screening in screenings:
        audit.record("create", "screening", screening.id, None, audit.snapshot(screening, SCREENING_AUDIT))
    if show.dynamic_pricing and screenings:
        db.session.flush()
        repricing.reprice(upcoming_dynamic_screenings(show.id), "created")
    attach_user_ratings([show])
    show.price_from = prices_from([show.id]).get(show.id)
    return show


def _check_allocation_free(show: Show, index: int, allocation: dict, theatre_id: int, earlier: list[Screening]) -> None:
    """A screening given with a new show: free against the theatre's screenings and the request's own."""
    starts_at = allocation["starts_at"]
    try:
        check_theatre_free(theatre_id, starts_at, show.duration_minutes)
    except TheatreBusy as busy:
        busy.details["field"] = f"screenings.{index}"
        raise
    for other_index, other in enumerate(earlier):
        if (
            other.theatre_id == theatre_id
            and starts_at < occupied_until(other.starts_at, show.duration_minutes)
            and other.starts_at < occupied_until(starts_at, show.duration_minutes)
        ):
            raise TheatreBusy(
                _(
                    "Screenings %(first)s and %(second)s of this show overlap in the same theatre.",
                    first=other_index + 1,
                    second=index + 1,
                ),
                details={
                    "field": f"screenings.{index}",
                    **_describe_clash(
                        None, other.starts_at, show.duration_minutes, theatre_id=theatre_id, index=other_index
                    ),
                },
            )


def _check_show_screenings_fit(show: Show) -> None:
    """After a duration change: every upcoming screening of the show must still fit in its theatre."""
    for screening in db.session.scalars(
        select(Screening)
        .where(Screening.show_id == show.id, Screening.removed_at.is_(None), Screening.starts_at >= utcnow())
        .order_by(Screening.starts_at)
    ):
        try:
            check_theatre_free(
                screening.theatre_id, screening.starts_at, show.duration_minutes, ignore_ids=[screening.id]
            )
        except TheatreBusy as busy:
            busy.details["field"] = "duration_minutes"
            busy.details["changed_screening_id"] = screening.id
            raise


@catalog_write
def update_show(show_id: int, changes: dict) -> Show:
    show = _live_show(show_id)
    before = audit.snapshot(show, SHOW_AUDIT)
    changes = dict(changes)
    if "tags" in changes:
        _set_tags(show, changes.pop("tags"))
    if "aliases" in changes:
        changes["aliases"] = _aliases_text(changes["aliases"] or [])
    dynamic = changes.pop("dynamic_pricing", None)
    if dynamic is not None:
        _set_dynamic_pricing(show, dynamic)
    longer = "duration_minutes" in changes and (changes["duration_minutes"] or DEFAULT_DURATION_MINUTES) > (
        show.duration_minutes or DEFAULT_DURATION_MINUTES
    )
    for key, value in changes.items():
        setattr(show, key, value)
    show.name_folded = fold(show.name)
    _set_search_fields(show)
    show.updated_at = utcnow()
    db.session.flush()
    audit.record("update", "show", show.id, *audit.changed(before, audit.snapshot(show, SHOW_AUDIT)))
    if longer:  # a shorter show frees time; a longer one may now run into the next screening
        _check_show_screenings_fit(show)
    if dynamic is not None:
        repricing.reprice(upcoming_dynamic_screenings(show.id), "settings")
    attach_user_ratings([show])
    show.price_from = prices_from([show.id]).get(show.id)
    return show


@catalog_write
def delete_show(show_id: int, force: bool) -> dict:
    show = _live_show(show_id)
    screening_ids = select(Screening.id).where(Screening.show_id == show.id, Screening.removed_at.is_(None))
    return _remove_with_bookings(
        screening_ids,
        force,
        reason="show_removed",
        what=_("show '%(name)s'", name=show.name),
        parent=update(Show).where(Show.id == show.id),
        audited=("show", show.id, audit.snapshot(show, SHOW_AUDIT)),
    )


def set_show_image(show_id: int, data: bytes, media_dir: Path) -> str:
    return _set_image(Show, show_id, "shows", data, media_dir)


# ---- screenings -----------------------------------------------------------------------------------


def _seats_of(theatre: Theatre, layout) -> dict:
    """A new screening sells the theatre's current layout (a default one of its capacity if it has none)."""
    if layout is None:
        return {"layout_id": None, "seats_total": theatre.capacity}
    return {"layout_id": layout.id, "seats_total": layout.seat_count}


@catalog_write
def create_screening(show_id: int, theatre_id: int, starts_at: datetime, price: Decimal | None) -> Screening:
    show = _live_show(show_id)
    theatre = _live_theatre(theatre_id)
    check_theatre_free(theatre.id, starts_at, show.duration_minutes)
    base_price = show.ticket_price if price is None else price
    screening = Screening(
        show_id=show.id,
        theatre_id=theatre.id,
        starts_at=starts_at,
        base_price=base_price,
        price=base_price,
        **_seats_of(theatre, seating.current_layout(theatre.id)),
    )
    db.session.add(screening)
    db.session.flush()
    audit.record("create", "screening", screening.id, None, audit.snapshot(screening, SCREENING_AUDIT))
    if show.dynamic_pricing and starts_at > utcnow():
        repricing.reprice([screening.id], "created")
    return get_screening(screening.id)


@catalog_write
def update_screening(screening_id: int, changes: dict) -> Screening:
    screening = get_screening(screening_id)
    before = audit.snapshot(screening, SCREENING_AUDIT)
    changes = dict(changes)
    if "price" in changes:  # the admin sets the base; the current price follows from it
        changes["base_price"] = changes.pop("price")
    moved = {"starts_at", "theatre_id"} & set(changes)
    if moved:
        check_theatre_free(
            changes.get("theatre_id", screening.theatre_id),
            changes.get("starts_at", screening.starts_at),
            screening.show.duration_minutes,
            ignore_ids=[screening.id],
        )
    for key, value in changes.items():
        setattr(screening, key, value)
    db.session.flush()
    audit.record(
        "update", "screening", screening.id, *audit.changed(before, audit.snapshot(screening, SCREENING_AUDIT))
    )
    repricing.reprice([screening.id], "admin")
    return get_screening(screening.id)


@catalog_write
def delete_screening(screening_id: int, force: bool) -> dict:
    screening = get_screening(screening_id)
    ids = select(Screening.id).where(Screening.id == screening.id)
    return _remove_with_bookings(
        ids,
        force,
        reason="screening_removed",
        what=_("the screening of '%(name)s'", name=screening.show.name),
        audited=("screening", screening.id, audit.snapshot(screening, SCREENING_AUDIT)),
    )


# ---- shared ---------------------------------------------------------------------------------------


def _remove_with_bookings(
    screening_ids, force: bool, *, reason: str, what: str, parent=None, audited: tuple[str, int, dict]
) -> dict:
    """Soft-remove screenings (and their theatre or show: `parent`, an UPDATE) in one write transaction.

    Future bookings make it a 409 unless forced, which has booking cancel them and free their seats. Cancelled
    bookings keep cancel_reason, and their owners are told after the commit. The removed screenings' waiting
    lists close in the same transaction (waitlist.close_lists: open offers released, every entry `closed`),
    and each waiting owner gets the kind "it did not work out" notice after the commit. Past screenings
    of a removed theatre or show stay as records; the public views hide them with their parent.
    `audited` is (entity, id, fields): the removal's audit row, with `force` and the cancelled bookings.
    """
    with immediate_transaction(db.session):
        now = utcnow()
        bookings, seats = sales().future_bookings(screening_ids, now=now)
        if bookings and not force:
            raise Conflict(
                ngettext(
                    "Deleting %(what)s would cancel %(num)d future booking (%(seats)s seats). Repeat with "
                    "force=true to cancel it and notify its owner.",
                    "Deleting %(what)s would cancel %(num)d future bookings (%(seats)s seats). Repeat with "
                    "force=true to cancel them and notify their owners.",
                    bookings,
                    what=what,
                    seats=seats,
                ),
                code="has_bookings",
                details={"bookings": bookings, "seats": seats},
            )
        cancelled_ids = sales().cancel_future_bookings(screening_ids, reason=reason, now=now) if bookings else []
        if parent is None:
            removed = db.session.scalars(
                update(Screening).where(Screening.id.in_(screening_ids)).values(removed_at=now).returning(Screening.id)
            ).all()
        else:
            removed = db.session.scalars(
                update(Screening)
                .where(Screening.id.in_(screening_ids), Screening.starts_at >= now)
                .values(removed_at=now)
                .returning(Screening.id)
            ).all()
            db.session.execute(parent.values(removed_at=now))
        # the removed screenings' waiting lists close with them: nobody waits for seats that cannot come back
        closed = waitlist.close_lists(session_write_connection(db.session), removed, now)
        waitlist.notify_after_commit(closed)
        entity, entity_id, fields = audited
        audit.record(
            "delete",
            entity,
            entity_id,
            fields,
            {"removed_at": now, "force": force, "cancelled_bookings": sorted(cancelled_ids)},
        )
    return {"cancelled_bookings": len(cancelled_ids)}


def _set_image(model, row_id: int, kind: str, data: bytes, media_dir: Path) -> str:
    """Re-encode first (slow, outside the write lock), then point the row at the new file."""
    find = _live_theatre if model is Theatre else _live_show
    find(row_id)  # 404 before any work
    new_path = images.store(media_dir, kind, data)
    try:
        with immediate_transaction(db.session):
            mark_catalog_changed(db.session)
            row = find(row_id)
            old_path, row.image_path = row.image_path, new_path
            audit.record(
                "update",
                "theatre" if model is Theatre else "show",
                row.id,
                {"image": images.url(old_path)},
                {"image": images.url(new_path)},
            )
    except BaseException:
        images.remove(media_dir, new_path)
        raise
    images.remove(media_dir, old_path)
    return images.url(new_path)
