"""The show list and search (`GET /api/shows`) as driver SQL (docs/architecture.md, "Driver SQL").

Every cache miss of the list runs here, and with SQLAlchemy the ORM's statement building, row loading and
the output schema cost several times what SQLite spends (docs/benchmarks.md, "Search cache misses"). So a
page is read in one snapshot on a pooled connection: one statement for the page's shows (with the total,
for a search; a list counts in a second one), then one each for their tags, users' ratings, popularity and
`price_from`; and the answer's items are built as the dicts `ShowOut` describes
(tests/api/test_show_list_fields.py holds the two equal). Which shows match and their order are the service's rules (catalog/service.py: list_shows).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app

from ..database import from_paise, from_stored_time, named_rows, to_stored_time
from ..ratings.service import rating_figures
from . import images
from .models import price_trend

_SHOW_COLUMNS = (
    "s.id, s.name, s.caption, s.description, s.rating, s.ticket_price, s.duration_minutes, s.language, "
    "s.aliases, s.name_romanised, s.image_path, s.dynamic_pricing, s.price_floor_pct, s.price_ceiling_pct, "
    "s.created_at, s.updated_at"
)


class ShowRow(NamedTuple):
    id: int
    name: str
    caption: str | None
    description: str | None
    rating: float
    ticket_price: int  # paise
    duration_minutes: int | None
    language: str | None
    aliases: str | None  # one per line
    name_romanised: str | None
    image_path: str | None
    dynamic_pricing: int  # 0 or 1
    price_floor_pct: int
    price_ceiling_pct: int
    created_at: str  # stored UTC text
    updated_at: str
    total: int | None  # rows of the whole result, not of the page (searches only: page_rows)


class Filters(NamedTuple):
    """What list_shows asks for, as SQL pieces: `found` is a `WITH found(show_id, rank)` body or None (every
    show), `where` conditions on `s` (shows) with their parameters, `tags` the tags a show must all carry,
    `order` an ORDER BY list."""

    found: tuple[str, list] | None
    where: list[tuple[str, list]]
    tags: list[str]
    order: str


def found_by_words(ranks: tuple[str, list], name_like: str, tags: Sequence[str] = ()) -> tuple[str, list]:
    """`found` for a search: the shows the full-text index matches with their rank (`ranks`, a SELECT of
    (show_id, rank) from search.ranks_sql) and those whose folded name is LIKE `name_like`, ranked or not
    (rank NULL when only the name matched). Read once: the index's matches, then the names'.

    With `tags` (the page's filter, which page_rows applies to every found show anyway) the names are read
    only among the shows carrying them (ix_show_tags_tag, then each name by primary key): ~300 of 2,000 names
    for a tag in `make bench`'s catalogue, 0.03-0.06 ms less of a 0.35 ms statement. The index's matches are
    not narrowed the same way: FTS5 would run the MATCH once per tagged show."""
    names = "SELECT id, NULL FROM shows WHERE " + like_condition("name_folded")
    names += " AND id IN (SELECT show_id FROM show_tags WHERE tag = ?)" * len(tags)
    sql = f"SELECT show_id, min(rank) FROM ({ranks[0]} UNION ALL {names}) GROUP BY show_id"
    return sql, [*ranks[1], name_like, *tags]


def like_condition(column: str) -> str:
    return f"{column} LIKE ? ESCAPE '\\'"


def has_screening(starts_from: datetime, starts_to: datetime | None, place_like: str | None) -> tuple[str, list]:
    """Condition: a live screening of the show from `starts_from` (to `starts_to`), at a live theatre whose
    place matches `place_like` when given."""
    sql = (
        "EXISTS (SELECT 1 FROM screenings AS sc WHERE sc.show_id = s.id AND sc.removed_at IS NULL AND sc.starts_at >= ?"
    )
    parameters: list = [to_stored_time(starts_from)]
    if starts_to is not None:
        sql += " AND sc.starts_at <= ?"
        parameters.append(to_stored_time(starts_to))
    if place_like is not None:
        sql += (
            " AND EXISTS (SELECT 1 FROM theatres AS t WHERE t.id = sc.theatre_id AND t.removed_at IS NULL AND "
            + like_condition("t.place_folded")
            + ")"
        )
        parameters.append(place_like)
    return sql + ")", parameters


def page_rows(sqlite, filters: Filters, page: int, per_page: int) -> tuple[list[ShowRow], int]:
    """(the page's shows in order, the number of shows in the whole result).

    A search counts its few matches in the page's own statement (`count(*) OVER ()`: the index is read once);
    a list of every show, or of every show with a tag, counts in a statement of its own, because a window
    over all of them sorts every row where the page alone walks the order's index (3.5 ms against 0.2 for
    2,000 shows). A tag is checked per row in a page (EXISTS: the page stops after `per_page` rows) and as
    one indexed list in a count (IN: 0.07 ms against 0.5 for 2,000 shows)."""
    head, parameters = "", []
    source = "shows AS s"
    if filters.found is not None:
        head = f"WITH found(show_id, rank) AS ({filters.found[0]}) "
        parameters += filters.found[1]
        source = "found JOIN shows AS s ON s.id = found.show_id"
    conditions = ["s.removed_at IS NULL", *(sql for sql, _ in filters.where)]
    for _, values in filters.where:
        parameters += values
    parameters += filters.tags
    tagged = "EXISTS (SELECT 1 FROM show_tags AS st WHERE st.show_id = s.id AND st.tag = ?)"
    where = " AND ".join(conditions + [tagged] * len(filters.tags))
    windowed = filters.found is not None
    total_column = "count(*) OVER ()" if windowed else "NULL"
    body = f"{head}SELECT {_SHOW_COLUMNS}, {total_column} FROM {source} WHERE {where}"
    rows = named_rows(
        sqlite,
        ShowRow,
        f"{body} ORDER BY {filters.order} LIMIT ? OFFSET ?",
        [*parameters, per_page, (page - 1) * per_page],
    ).fetchall()
    if windowed and rows:
        return rows, rows[0].total
    if windowed and page == 1:
        return [], 0
    # Past a search's last page no row carries the total; a list counts it here anyway.
    tagged = "s.id IN (SELECT show_id FROM show_tags WHERE tag = ?)"
    where = " AND ".join(conditions + [tagged] * len(filters.tags))
    return rows, sqlite.execute(f"{head}SELECT count(*) FROM {source} WHERE {where}", parameters).fetchone()[0]


def _in(ids: list[int]) -> str:
    return "(" + ", ".join("?" * len(ids)) + ")"


# The page's figures below are read as plain tuples, not named_rows: a page has 40-odd of these rows, and
# making a NamedTuple of each was 5 % of a search miss's profile.


def tags_of(sqlite, ids: list[int]) -> dict[int, list[str]]:
    """{show id: its tags in their order}."""
    found: dict[int, list[str]] = {}
    sql = f"SELECT show_id, tag FROM show_tags WHERE show_id IN {_in(ids)} ORDER BY show_id, position"
    for show_id, tag in sqlite.execute(sql, ids):
        found.setdefault(show_id, []).append(tag)
    return found


def ratings_of(sqlite, ids: list[int]) -> dict[int, dict]:
    """Users' scores {show id: {"average", "count"}} as ratings.service.user_ratings gives them."""
    sql = f"SELECT show_id, avg(score), count(*) FROM ratings WHERE show_id IN {_in(ids)} GROUP BY show_id"
    return {show_id: rating_figures(average, count) for show_id, average, count in sqlite.execute(sql, ids)}


def popularity_of(sqlite, ids: list[int]) -> dict[int, tuple[float | None, int]]:
    """{show id: (score, trending 0 or 1)}: the shows' forecast popularity rows (popularity.service.popularity_for's,
    for kind 'show')."""
    sql = f"SELECT subject_id, score, trending FROM popularity_scores WHERE kind = 'show' AND subject_id IN {_in(ids)}"
    return {show_id: (score, trending) for show_id, score, trending in sqlite.execute(sql, ids)}


def prices_from(sqlite, ids: list[int], now: datetime, place_like: str | None) -> dict[int, Decimal]:
    """{show id: the lowest current price of its upcoming screenings at live theatres (whose place matches
    `place_like` when given)}; shows with none are left out. One grouped query."""
    sql = (
        "SELECT s.show_id, min(s.price) FROM screenings AS s JOIN theatres AS t ON t.id = s.theatre_id "
        f"WHERE s.show_id IN {_in(ids)} AND s.removed_at IS NULL AND t.removed_at IS NULL AND s.starts_at >= ?"
    )
    parameters = [*ids, to_stored_time(now)]
    if place_like is not None:
        sql += " AND " + like_condition("t.place_folded")
        parameters.append(place_like)
    return {show_id: _money(price) for show_id, price in sqlite.execute(sql + " GROUP BY s.show_id", parameters)}


@functools.lru_cache(maxsize=4096)
def _money(paise: int) -> Decimal:
    """from_paise, remembered (a Decimal is immutable): a page converts 40 prices, most of them a few common
    values, and the conversion showed in the profile."""
    return from_paise(paise)


@functools.lru_cache(maxsize=8192)
def _local_time(stored: str, zone: str) -> str:
    """fields.local_isoformat of a stored UTC time, in `zone` (APP_TIMEZONE). Remembered: a show's times
    change only when it is edited, and 40 conversions a page showed in the profile."""
    return from_stored_time(stored).astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


_NO_POPULARITY = (None, 0)


def show_items(sqlite, rows: list[ShowRow], now: datetime, place_like: str | None) -> list[dict]:
    """The page's items, field for field what ShowOut dumps for the same shows (with their user_rating,
    popularity, trending and price_from filled as catalog.service does)."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    tags, ratings = tags_of(sqlite, ids), ratings_of(sqlite, ids)
    popular, prices = popularity_of(sqlite, ids), prices_from(sqlite, ids, now, place_like)
    no_rating = {"average": None, "count": 0}
    zone = current_app.config["APP_TIMEZONE"]
    items = []
    for row in rows:
        score, trending = popular.get(row.id, _NO_POPULARITY)
        items.append(
            {
                "id": row.id,
                "name": row.name,
                "caption": row.caption,
                "description": row.description,
                "rating": float(row.rating),
                "tags": tags.get(row.id, []),
                "ticket_price": _money(row.ticket_price),
                "duration_minutes": row.duration_minutes,
                "language": row.language,
                "aliases": [line for line in (row.aliases or "").split("\n") if line],
                "romanised_name": row.name_romanised,
                "image_url": images.url(row.image_path),
                "user_rating": ratings.get(row.id, no_rating),
                "dynamic_pricing": {
                    "enabled": bool(row.dynamic_pricing),
                    "floor_pct": row.price_floor_pct,
                    "ceiling_pct": row.price_ceiling_pct,
                },
                "popularity": float(score) if score is not None else None,
                "trending": bool(trending),
                "price_from": prices.get(row.id),
                "created_at": _local_time(row.created_at, zone),
                "updated_at": _local_time(row.updated_at, zone),
            }
        )
    return items


# ---- the screenings list (GET /api/screenings) -----------------------------------------------------


class ScreeningRow(NamedTuple):
    id: int
    starts_at: str  # stored UTC text
    price: int  # paise
    base_price: int  # paise
    previous_price: int | None  # paise
    seats_total: int
    show_id: int
    show_name: str
    show_image_path: str | None
    theatre_id: int
    theatre_name: str
    theatre_place: str


class _Forecast(NamedTuple):
    screening_id: int
    predicted_occupancy: float | None


def next_start(sqlite, ids: list[int], now: datetime) -> datetime | None:
    """The first start at or after `now` of any screening of these shows, or None: until then prices_from's
    answer for them changes only with a write (it counts screenings starting at or after now)."""
    sql = f"SELECT min(starts_at) FROM screenings WHERE show_id IN {_in(ids)} AND starts_at >= ?"
    return from_stored_time(sqlite.execute(sql, [*ids, to_stored_time(now)]).fetchone()[0])


def next_hold_expiry(sqlite, ids: list[int], now: datetime) -> datetime | None:
    """The first expiry after `now` of a seat held in these screenings, or None: until then the seats they
    have left (the seat ledger's unavailable_counts: sold, blocked and held until `expires_at`) change only
    with a write. A read of the ledger's held_seats for the cached answers' memo (cache.LiveFields)."""
    sql = f"SELECT min(expires_at) FROM held_seats WHERE screening_id IN {_in(ids)} AND expires_at > ?"
    return from_stored_time(sqlite.execute(sql, [*ids, to_stored_time(now)]).fetchone()[0])


_SCREENING_COLUMNS = (
    "sc.id, sc.starts_at, sc.price, sc.base_price, sc.previous_price, sc.seats_total, "
    "sh.id, sh.name, sh.image_path, t.id, t.name, t.place"
)
_SCREENING_SOURCE = "screenings AS sc JOIN shows AS sh ON sh.id = sc.show_id JOIN theatres AS t ON t.id = sc.theatre_id"
# The list's `sort` keys (catalog.service.list_screenings): ties fall to the start and then the id, so pages
# never overlap.
SCREENING_ORDERS = {
    "starts_at": "sc.starts_at, sc.id",
    "-starts_at": "sc.starts_at DESC, sc.id DESC",
    "show": "sh.name_folded, sc.starts_at, sc.id",
    "theatre": "t.name_folded, t.place_folded, sc.starts_at, sc.id",
}


def screening_page(
    sqlite,
    starts_from: datetime,
    starts_to: datetime,
    *,
    show_id: int | None,
    theatre_id: int | None,
    place_like: str | None,
    order: str,
    page: int,
    per_page: int,
) -> tuple[list[ScreeningRow], int]:
    """(the page's live screenings of live shows at live theatres from `starts_from` to `starts_to`, in
    SCREENING_ORDERS[order]; how many there are in all). The range reads ix_screenings_starts_at."""
    conditions = [
        "sc.removed_at IS NULL",
        "sh.removed_at IS NULL",
        "t.removed_at IS NULL",
        "sc.starts_at >= ?",
        "sc.starts_at <= ?",
    ]
    parameters: list = [to_stored_time(starts_from), to_stored_time(starts_to)]
    if show_id:
        conditions.append("sc.show_id = ?")
        parameters.append(show_id)
    if theatre_id:
        conditions.append("sc.theatre_id = ?")
        parameters.append(theatre_id)
    if place_like is not None:
        conditions.append(like_condition("t.place_folded"))
        parameters.append(place_like)
    where = " AND ".join(conditions)
    rows = named_rows(
        sqlite,
        ScreeningRow,
        f"SELECT {_SCREENING_COLUMNS} FROM {_SCREENING_SOURCE} WHERE {where} "
        f"ORDER BY {SCREENING_ORDERS[order]} LIMIT ? OFFSET ?",
        [*parameters, per_page, (page - 1) * per_page],
    ).fetchall()
    (total,) = sqlite.execute(f"SELECT count(*) FROM {_SCREENING_SOURCE} WHERE {where}", parameters).fetchone()
    return rows, total


def forecasts_of(sqlite, ids: list[int]) -> dict[int, float]:
    """popularity.service.forecasts_for, on this connection: {screening id: predicted occupancy 0..1}."""
    sql = f"SELECT screening_id, predicted_occupancy FROM screening_forecasts WHERE screening_id IN {_in(ids)}"
    return {row.screening_id: row.predicted_occupancy for row in named_rows(sqlite, _Forecast, sql, ids)}


def screening_items(rows: list[ScreeningRow], unavailable: dict[int, int], forecasts: dict[int, float]) -> list[dict]:
    """The page's items, field for field what ScreeningOut dumps for the same screenings with the live
    figures catalog.service.attach_live_figures fills (tests/api/test_screening_list_fields.py)."""
    from .service import filling_fast  # the rule lives in the service, which imports this module

    zone = current_app.config["APP_TIMEZONE"]
    items = []
    for row in rows:
        price = from_paise(row.price)
        seats_left = max(row.seats_total - unavailable.get(row.id, 0), 0)
        predicted = forecasts.get(row.id)
        predicted = float(predicted) if predicted is not None else None
        items.append(
            {
                "id": row.id,
                "show": {"id": row.show_id, "name": row.show_name, "image_url": images.url(row.show_image_path)},
                "theatre": {"id": row.theatre_id, "name": row.theatre_name, "place": row.theatre_place},
                "starts_at": _local_time(row.starts_at, zone),
                "price": price,
                "base_price": from_paise(row.base_price),
                "price_trend": price_trend(price, from_paise(row.previous_price)),
                "seats_total": row.seats_total,
                "seats_left": seats_left,
                "houseful": seats_left == 0,
                "filling_fast": filling_fast(row.seats_total, seats_left, predicted),
                "predicted_occupancy": predicted,
            }
        )
    return items
