"""The one clock: now in UTC (what is stored), and local days and months in APP_TIMEZONE as UTC bounds for
queries on UTC columns. time-machine moves both in tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app

from .errors import Invalid
from .i18n import _


def utcnow() -> datetime:
    """Now, aware, in UTC: every stored time and every comparison with one."""
    return datetime.now(timezone.utc)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["APP_TIMEZONE"])


def local_now() -> datetime:
    return datetime.now(local_zone())


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day, in UTC."""
    zone = local_zone()
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


# The years a month or a day may name, as for every date-time the API takes (fields.OffsetDateTime): the
# bounds of a month or day near Python's year 9999 (or year 1) overflow, which was a 500 or a failed job.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def month_start(month: str) -> date:
    """'2026-11' → date(2026, 11, 1), from 2000-01 to 2100-12; anything else is a 422 naming the field."""
    try:
        parsed = datetime.strptime(month, "%Y-%m")
    except (TypeError, ValueError):
        raise Invalid({"month": _("Use the form YYYY-MM, e.g. 2026-11.")}) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR or len(month) != 7:
        raise Invalid({"month": _("Use the form YYYY-MM, e.g. 2026-11.")})
    return parsed.date()


def parse_day(value: str) -> date:
    """'2026-11-30' → date(2026, 11, 30), years FIRST_YEAR to LAST_YEAR; anything else is a 422 on `date`."""
    try:
        day = date.fromisoformat(value) if len(value) == 10 else _bad_day()
    except (TypeError, ValueError):
        return _bad_day()
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else _bad_day()


def _bad_day():
    raise Invalid({"date": _("Use the form YYYY-MM-DD, e.g. 2026-11-30.")})


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def month_bounds(first: date) -> tuple[datetime, datetime]:
    """[start, end) of a local month, in UTC."""
    return day_bounds(first)[0], day_bounds(next_month(first))[0]


def month_label(first: date) -> str:
    return first.strftime("%B %Y")
