"""A theatre is one hall: resolve screenings that overlap in the same theatre.

From now on the catalogue refuses an overlap (409 theatre_busy); rows written before may hold some. For
each theatre, live screenings are walked in start order; a screening that starts before the previous one
frees the hall (start + the show's duration, 180 minutes when unknown, + CHANGEOVER_MINUTES, default 20):

- an upcoming screening with no confirmed booking is shifted to the first quarter hour after the hall is
  free (nobody holds a ticket for the old time, so nobody is misled);
- a past screening, or one with confirmed bookings, keeps its time (history and people's tickets are not
  rewritten) and is flagged: a warning names it and the screening it overlaps, for the admin to move or
  cancel through the API, which tells its ticket holders.

The walk is deterministic (start time, then id). Nothing is changed on downgrade.

Revision ID: 0005_theatre_busy
Revises: 0004
"""
import logging
import os
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0005_theatre_busy"
down_revision = "0004"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(str(text))


def _stored(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="microseconds")


def _next_quarter_hour(moment: datetime) -> datetime:
    rounded = moment.replace(second=0, microsecond=0)
    if rounded < moment:
        rounded += timedelta(minutes=1)
    return rounded + timedelta(minutes=-rounded.minute % 15)


def upgrade():
    changeover = float(os.environ.get("CHANGEOVER_MINUTES", "").strip() or 20)
    bind = op.get_bind()
    now = datetime.utcnow()  # stored times are naive UTC
    rows = bind.execute(sa.text(
        "SELECT s.id, s.theatre_id, s.starts_at, coalesce(sh.duration_minutes, 180), "
        "       (SELECT count(*) FROM bookings b WHERE b.screening_id = s.id AND b.status = 'confirmed') "
        "FROM screenings s JOIN shows sh ON sh.id = s.show_id "
        "WHERE s.removed_at IS NULL ORDER BY s.theatre_id, s.starts_at, s.id")).fetchall()
    by_theatre: dict[int, list] = {}
    for row in rows:
        by_theatre.setdefault(row[1], []).append([row[0], _parse(row[2]), row[3], row[4]])
    for theatre_id, screenings in by_theatre.items():
        pending = sorted(screenings, key=lambda s: (s[1], s[0]))
        placed: list = []  # screenings whose time is settled, in start order
        while pending:
            screening = pending.pop(0)
            screening_id, starts_at, duration, bookings = screening
            previous = placed[-1] if placed else None
            free_at = previous[1] + timedelta(minutes=previous[2] + changeover) if previous else None
            if free_at is not None and starts_at < free_at:
                if starts_at > now and bookings == 0:
                    new_start = _next_quarter_hour(free_at)
                    bind.execute(sa.text("UPDATE screenings SET starts_at = :starts WHERE id = :id"),
                                 {"starts": _stored(new_start), "id": screening_id})
                    log.warning("theatre %s: screening %s moved from %s to %s UTC (it overlapped screening %s)",
                                theatre_id, screening_id, starts_at, new_start, previous[0])
                    screening[1] = new_start
                    pending.append(screening)
                    pending.sort(key=lambda s: (s[1], s[0]))
                    continue
                log.warning("theatre %s: screening %s at %s UTC overlaps screening %s and was kept (%s); "
                            "move or cancel it through the API", theatre_id, screening_id, starts_at, previous[0],
                            "it has bookings" if bookings else "it is in the past")
                if starts_at + timedelta(minutes=duration) < previous[1] + timedelta(minutes=previous[2]):
                    continue  # the longer one still sets when the hall is free
            placed.append(screening)


def downgrade():
    pass
