"""Waiting lists for houseful screenings (shared/API.md "Waiting list"; docs/waitlist.md).

Joining, leaving and reading are the caller's own. The heart is `offer_seats(sqlite, screening_id, now)`,
the offer pass: it runs inside whatever write transaction freed seats (a cancellation, a released or
replaced hold, unblocked seats, a hold or a booking that found lapsed holds, the beat's minute pass), so a
seat that comes back reaches the first waiting entry that fits before the lock is let go: nobody else can
take it in between. An offer is a seat hold inserted through the seat ledger (booking/ledger.py), so the
held_seats unique key refuses one seat in two offers, whatever happens.

Notifications go after the commit (`notify(entry_ids)`, or `notify_after_commit` inside a session
transaction whose commit is the caller's caller's): one Celery message per entry (email and the chat
webhook). An entry whose message could not be queued keeps notified_at NULL, and the beat sends it.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..booking import ledger
from ..clock import utcnow
from ..database import driver_writes, from_stored_time, named_rows, pooled_sqlite, to_stored_time
from ..errors import Conflict, DomainError, Invalid, NotFound
from ..extensions import db
from ..i18n import _, _l, ngettext
from ..seating.picking import best_available
from .models import ACTIVE, CLOSED, DECLINED, EXPIRED, LEFT, OFFERED, WAITING, WaitlistEntry

log = logging.getLogger(__name__)


class NotHouseful(Conflict):
    code = "not_houseful"


class AlreadyWaiting(Conflict):
    code, message = "already_waiting", _l("You are already on this screening's waiting list.")


class WaitlistClosed(Conflict):
    code = "waitlist_closed"


# ---- the rules of time ------------------------------------------------------------------------------


def closes_at(starts_at: datetime) -> datetime:
    """When the waiting list stops: the cancellation cutoff before the start (CANCELLATION_CUTOFF_MINUTES).
    After it no seat can come back from a cancellation, and an offer may not outlive it."""
    return starts_at - timedelta(minutes=current_app.config["CANCELLATION_CUTOFF_MINUTES"])


def offer_expiry(now: datetime, starts_at: datetime) -> datetime:
    """now + OFFER_MINUTES, never past closes_at(starts_at), to the whole second (seats free exactly when shown)."""
    until = min(now + timedelta(minutes=current_app.config["OFFER_MINUTES"]), closes_at(starts_at))
    return until.replace(microsecond=0)


# ---- the offer pass (driver SQL, inside the caller's BEGIN IMMEDIATE) ---------------------------------


class _Entry(NamedTuple):
    id: int
    user_id: int
    quantity: int


_LAPSE = """
    UPDATE waitlist_entries SET state = 'expired', ended_at = ?2
    WHERE screening_id = ?1 AND state = 'offered'
      AND NOT EXISTS (SELECT 1 FROM seat_holds AS h WHERE h.id = waitlist_entries.hold_id AND h.expires_at > ?2)"""
_WAITING = "SELECT id, user_id, quantity FROM waitlist_entries WHERE screening_id = ? AND state = 'waiting' ORDER BY id"
_USER_LIVE_HELD = """
    SELECT h.seat_label FROM held_seats AS h JOIN seat_holds AS k ON k.id = h.hold_id
    WHERE k.user_id = ? AND k.screening_id = ? AND h.expires_at > ?"""
_MAKE_OFFER = """
    UPDATE waitlist_entries SET state = 'offered', hold_id = ?, offered_at = ?, offer_expires_at = ?
    WHERE id = ? AND state = 'waiting'"""
_NO_RENEWAL = "UPDATE seat_holds SET renewals = ? WHERE id = ?"


def offer_seats(sqlite, screening_id: int, now: datetime) -> list[int]:
    """The offer pass for one screening; returns the ids of the entries offered seats now (tell them after
    the commit with notify()). Runs in the caller's write transaction, with `now` read under its lock.

    1. Offers whose hold is gone or lapsed become `expired` (their seats are already free by the clock).
    2. Waiting entries, first come first served: each whose quantity fits the seats that can be had gets a
       hold on the best available seats (seating.picking, together in one row when possible) until
       offer_expiry(); one that does not fit is skipped and keeps its place. An offer cannot be renewed.
    Nothing is offered once the list has closed (the cancellation cutoff); the beat closes it.
    """
    sqlite.execute(_LAPSE, (screening_id, to_stored_time(now)))
    waiting = named_rows(sqlite, _Entry, _WAITING, (screening_id,)).fetchall()
    if not waiting:
        return []
    screening = ledger.screening_for_sale(sqlite, 0, screening_id)
    if screening is None:
        return []
    expires_at = offer_expiry(now, screening.starts_at_utc)
    if expires_at <= now:
        return []
    layout = ledger.layout_of(sqlite, screening.layout_id, screening.layout_digest, screening.seats_total)
    taken = ledger.taken(sqlite, screening_id, now)
    offered: list[int] = []
    for entry in waiting:
        if screening.seats_total - len(taken) <= 0:
            break
        # the entry's own live hold on this screening (a user has one hold per screening) gives way to the offer
        own = {
            label for (label,) in sqlite.execute(_USER_LIVE_HELD, (entry.user_id, screening_id, to_stored_time(now)))
        }
        visible = {label: state for label, state in taken.items() if label not in own} if own else taken
        if screening.seats_total - len(visible) < entry.quantity:
            continue  # does not fit: skipped, keeps its place
        chosen = best_available(layout, visible, entry.quantity)
        if chosen is None:
            continue
        ledger.drop_user_hold(sqlite, entry.user_id, screening_id)
        seat_prices = ledger.prices(layout, screening.unit_price, chosen)
        hold_id = ledger.insert_hold(sqlite, entry.user_id, screening_id, layout, seat_prices, now, expires_at)
        sqlite.execute(_NO_RENEWAL, (current_app.config["HOLD_RENEWALS"], hold_id))
        sqlite.execute(_MAKE_OFFER, (hold_id, to_stored_time(now), to_stored_time(expires_at), entry.id))
        taken = dict(visible)
        taken.update(dict.fromkeys(chosen, ledger.HELD))
        offered.append(entry.id)
    return offered


def has_active_entries(sqlite, screening_id: int) -> bool:
    return (
        sqlite.execute(
            "SELECT 1 FROM waitlist_entries WHERE screening_id = ? AND state IN ('waiting', 'offered') LIMIT 1",
            (screening_id,),
        ).fetchone()
        is not None
    )


def offer_if_waiting(sqlite, screening_id: int, now: datetime) -> list[int]:
    """offer_seats() when the screening has an active entry: one indexed read otherwise (hot paths)."""
    return offer_seats(sqlite, screening_id, now) if has_active_entries(sqlite, screening_id) else []


class Kept:
    """What keeping_offers() saw: the refusal to raise once the transaction has committed the offers."""

    error: DomainError | None = None


@contextlib.contextmanager
def keeping_offers(sqlite, offered: list[int]):
    """Around the rest of a hold or booking whose opening pass made offers: if it is refused (houseful, seats
    taken...), its own writes are undone (ROLLBACK TO a savepoint) but the offers stay and commit with the
    transaction; the caller raises `kept.error` after it. Without offers, nothing is added (the hot path)."""
    kept = Kept()
    if not offered:
        yield kept
        return
    sqlite.execute("SAVEPOINT waitlist_offers")
    try:
        yield kept
    except DomainError as error:
        sqlite.execute("ROLLBACK TO waitlist_offers")
        kept.error = error
    sqlite.execute("RELEASE waitlist_offers")


def mark_booked(sqlite, hold_id: int, booking_id: int, now: datetime) -> None:
    """A booking made from an offer's hold: the entry is `booked` (same transaction as the booking)."""
    sqlite.execute(
        "UPDATE waitlist_entries SET state = 'booked', booking_id = ?, ended_at = ? "
        "WHERE hold_id = ? AND state = 'offered'",
        (booking_id, to_stored_time(now), hold_id),
    )


_ACTIVE_OF = "SELECT id, hold_id FROM waitlist_entries WHERE screening_id = ? AND state IN ('waiting', 'offered')"


def close_lists(sqlite, screening_ids, now: datetime) -> list[int]:
    """Screenings removed (an admin's forced removal of the screening, its show or its theatre): their waiting
    lists close in the removal's transaction. Every active entry becomes `closed`, an open offer's hold is
    released with it, and notified_at is cleared so that each owner is told kindly that it did not work out
    (message_for: the "closed" notice, which names the removal), even one already told of an offer.
    Returns the ids to tell after the commit (notify / notify_after_commit)."""
    closed: list[int] = []
    for screening_id in screening_ids:
        for entry_id, hold_id in sqlite.execute(_ACTIVE_OF, (screening_id,)).fetchall():
            if hold_id is not None:
                ledger.delete_hold(sqlite, hold_id)
            sqlite.execute(
                "UPDATE waitlist_entries SET state = ?, ended_at = ?, notified_at = NULL WHERE id = ?",
                (CLOSED, to_stored_time(now), entry_id),
            )
            closed.append(entry_id)
    return closed


# ---- the caller's entries ----------------------------------------------------------------------------


def _position(sqlite, entry_id: int, screening_id: int) -> int:
    """1 for the first waiting entry of the screening, and so on."""
    return sqlite.execute(
        "SELECT count(*) FROM waitlist_entries WHERE screening_id = ? AND state = 'waiting' AND id <= ?",
        (screening_id, entry_id),
    ).fetchone()[0]


def join(user_id: int, screening_id: int, quantity: int) -> tuple[dict, list[int]]:
    """POST /api/screenings/{id}/waitlist: wait for `quantity` seats (1..BOOKING_MAX_QUANTITY).

    Returns (entry {id, screening_id, quantity, state: "waiting", position, created_at, screening, hold: None,
    booking_id: None}, entries offered by the
    pass run first). Raises Invalid (422 quantity), NotFound (404: no such screening), ScreeningStarted,
    WaitlistClosed (409 after the cancellation cutoff), NotHouseful (409 while `quantity` seats can be had:
    book them instead; details.seats_left), AlreadyWaiting (409: an active entry exists; the partial unique
    index refuses a second one under any concurrency).
    """
    from ..booking.service import ScreeningStarted

    limit = current_app.config["BOOKING_MAX_QUANTITY"]
    if not 1 <= quantity <= limit:
        raise Invalid({"quantity": _("Wait for between 1 and %(limit)s seats.", limit=limit)})
    with driver_writes(db.session) as sqlite:
        now = utcnow()
        screening = ledger.screening_for_sale(sqlite, user_id, screening_id)
        if screening is None:
            raise NotFound(_("No such screening."), details={"screening_id": screening_id})
        if screening.starts_at_utc <= now:
            raise ScreeningStarted(details={"starts_at": screening.starts_at_utc.isoformat()})
        closing = closes_at(screening.starts_at_utc)
        if now >= closing:
            raise WaitlistClosed(
                _("The waiting list for this screening has closed: no seats can come back this close to the start."),
                details={"closed_at": closing.isoformat()},
            )
        offered = offer_seats(sqlite, screening_id, now)  # lapsed holds go to those already waiting first
        if sqlite.execute(
            "SELECT 1 FROM waitlist_entries WHERE user_id = ? AND screening_id = ? AND state IN ('waiting', 'offered')",
            (user_id, screening_id),
        ).fetchone():
            raise AlreadyWaiting()
        layout = ledger.layout_of(sqlite, screening.layout_id, screening.layout_digest, screening.seats_total)
        taken = ledger.taken(sqlite, screening_id, now)
        left = max(screening.seats_total - len(taken), 0)
        if left >= quantity and best_available(layout, taken, quantity) is not None:
            raise NotHouseful(
                ngettext(
                    "%(num)d seat is available: book it now.", "%(num)d seats are available: book them now.", left
                ),
                details={"seats_left": left},
            )
        (entry_id,) = sqlite.execute(
            "INSERT INTO waitlist_entries (screening_id, user_id, quantity, state, created_at) VALUES (?, ?, ?, ?, ?) "
            "RETURNING id",
            (screening_id, user_id, quantity, WAITING, to_stored_time(now)),
        ).fetchone()
        position = _position(sqlite, entry_id, screening_id)
    return (
        {
            "id": entry_id,
            "screening_id": screening_id,
            "quantity": quantity,
            "state": WAITING,
            "position": position,
            "created_at": now,
            "hold": None,
            "booking_id": None,
            "screening": {
                "id": screening_id,
                "starts_at": screening.starts_at_utc,
                "show": {"id": screening.show_id, "name": screening.show_name},
                "theatre": {"id": screening.theatre_id, "name": screening.theatre_name, "place": screening.place},
            },
        },
        offered,
    )


def leave(user_id: int, entry_id: int) -> list[int]:
    """DELETE /api/waitlist/{id}: leave the list, or decline an offer (its hold is released and the seats go
    to the next entry that fits, in the same transaction). An entry that has already ended stays as it is.
    Returns the entries offered seats. Raises NotFound for another user's entry or an unknown one."""
    with driver_writes(db.session) as sqlite:
        row = sqlite.execute(
            "SELECT user_id, screening_id, state, hold_id FROM waitlist_entries WHERE id = ?", (entry_id,)
        ).fetchone()
        if row is None or row[0] != user_id:
            raise NotFound(_("No such waiting-list entry."), details={"entry_id": entry_id})
        screening_id, state, hold_id = row[1:]
        if state not in ACTIVE:
            return []
        now = utcnow()
        if state == OFFERED and hold_id is not None:
            ledger.delete_hold(sqlite, hold_id)
        sqlite.execute(
            "UPDATE waitlist_entries SET state = ?, ended_at = ? WHERE id = ?",
            (DECLINED if state == OFFERED else LEFT, to_stored_time(now), entry_id),
        )
        return offer_seats(sqlite, screening_id, now)


class _Listed(NamedTuple):
    id: int
    screening_id: int
    quantity: int
    state: str
    hold_id: int | None
    booking_id: int | None
    created_at: str
    offered_at: str | None
    offer_expires_at: str | None
    position: int | None


_MINE = """
    SELECT e.id, e.screening_id, e.quantity, e.state, e.hold_id, e.booking_id, e.created_at, e.offered_at,
           e.offer_expires_at,
           CASE WHEN e.state = 'waiting' THEN (SELECT count(*) FROM waitlist_entries AS o
                WHERE o.screening_id = e.screening_id AND o.state = 'waiting' AND o.id <= e.id) END
    FROM waitlist_entries AS e WHERE e.user_id = ? AND e.state NOT IN ('left', 'declined')
    ORDER BY e.id DESC LIMIT 200"""


def my_entries(user_id: int) -> list[dict]:
    """GET /api/waitlist: the caller's entries, newest first (left and declined ones are gone), each
    {id, screening_id, screening {id, starts_at, show {id, name}, theatre {id, name, place}}, quantity, state,
    position (waiting only), hold {id, seats, unit_prices, total_price (rupees), expires_at (UTC)} while
    offered, booking_id once booked}. An offer whose hold lapsed reads `expired` at once (the clock decides;
    the beat writes it)."""
    from ..catalog.models import Screening

    now = utcnow()
    with pooled_sqlite(db.engine) as sqlite:
        sqlite.execute("BEGIN")
        try:
            rows = named_rows(sqlite, _Listed, _MINE, (user_id,)).fetchall()
            holds = {
                row.hold_id: ledger.read_hold(sqlite, row.hold_id)
                for row in rows
                if row.state == OFFERED and row.hold_id is not None
            }
        finally:
            sqlite.rollback()
    screenings = (
        {
            s.id: s
            for s in db.session.scalars(select(Screening).where(Screening.id.in_({row.screening_id for row in rows})))
        }
        if rows
        else {}
    )
    out = []
    for row in rows:
        state, hold = row.state, None
        if state == OFFERED:
            found = holds.get(row.hold_id)
            if found is None or found["expires_at"] <= now:
                state = EXPIRED
            else:
                hold = {
                    "id": found["id"],
                    "seats": found["seats"],
                    "unit_prices": found["unit_prices"],
                    "total_price": found["total_price"],
                    "expires_at": found["expires_at"],
                }
        screening = screenings.get(row.screening_id)
        out.append(
            {
                "id": row.id,
                "screening_id": row.screening_id,
                "quantity": row.quantity,
                "state": state,
                "position": row.position,
                "hold": hold,
                "booking_id": row.booking_id,
                "created_at": from_stored_time(row.created_at),
                "offer_expires_at": from_stored_time(row.offer_expires_at) if state == OFFERED else None,
                "screening": _screening_summary(screening) if screening is not None else None,
            }
        )
    return out


def _screening_summary(screening) -> dict:
    return {
        "id": screening.id,
        "starts_at": screening.starts_at,
        "show": {"id": screening.show.id, "name": screening.show.name},
        "theatre": {"id": screening.theatre.id, "name": screening.theatre.name, "place": screening.theatre.place},
    }


def screening_status(user_id: int | None, screening_id: int) -> dict:
    """For the booking page: {length (entries waiting), my_entry (the caller's active entry or None)}.
    NotFound (404) for an id that names no screening (a removed one still answers: its entries close)."""
    with pooled_sqlite(db.engine) as sqlite:
        if sqlite.execute("SELECT 1 FROM screenings WHERE id = ?", (screening_id,)).fetchone() is None:
            raise NotFound(_("No such screening."), details={"screening_id": screening_id})
        length = sqlite.execute(
            "SELECT count(*) FROM waitlist_entries WHERE screening_id = ? AND state = 'waiting'", (screening_id,)
        ).fetchone()[0]
    mine = None
    if user_id:
        mine = next(
            (
                entry
                for entry in my_entries(user_id)
                if entry["screening_id"] == screening_id and entry["state"] in ACTIVE
            ),
            None,
        )
    return {"screening_id": screening_id, "length": length, "my_entry": mine}


# ---- the beat -----------------------------------------------------------------------------------------


def beat_pass() -> dict:
    """Every minute: for each screening with an active entry, in its own BEGIN IMMEDIATE, lapsed offers and
    holds reach the next entries (offer_seats); entries still waiting once the list closes (the cancellation
    cutoff, or the screening removed) become `closed`. Then everyone not yet told is told (notify).
    Returns {offered, closed} counts."""
    with pooled_sqlite(db.engine) as sqlite:
        screening_ids = [
            sid
            for (sid,) in sqlite.execute(
                "SELECT DISTINCT screening_id FROM waitlist_entries WHERE state IN ('waiting', 'offered')"
            )
        ]
    offered, closed, told = 0, 0, []
    for screening_id in screening_ids:
        with driver_writes(db.session) as sqlite:
            now = utcnow()
            screening = ledger.screening_for_sale(sqlite, 0, screening_id)
            if screening is None or now >= closes_at(screening.starts_at_utc):
                sqlite.execute(
                    "UPDATE waitlist_entries SET state = 'expired', ended_at = ?2 WHERE screening_id = ?1 "
                    "AND state = 'offered' AND NOT EXISTS (SELECT 1 FROM seat_holds AS h WHERE "
                    "h.id = waitlist_entries.hold_id AND h.expires_at > ?2)",
                    (screening_id, to_stored_time(now)),
                )
                ended = [
                    entry_id
                    for (entry_id,) in sqlite.execute(
                        "UPDATE waitlist_entries SET state = ?, ended_at = ? WHERE screening_id = ? AND state = 'waiting' "
                        "RETURNING id",
                        (CLOSED, to_stored_time(now), screening_id),
                    ).fetchall()
                ]
                told += ended
                closed += len(ended)
            else:
                made = offer_seats(sqlite, screening_id, now)
                told += made
                offered += len(made)
    notify(told + [entry_id for entry_id in _untold() if entry_id not in told])
    return {"offered": offered, "closed": closed}


def _untold() -> list[int]:
    """Entries whose owner has not been told yet: offers still open and closed lists, older than a minute
    (the message queued at the time may still be on its way)."""
    before = utcnow() - timedelta(minutes=1)
    return list(
        db.session.scalars(
            select(WaitlistEntry.id).where(
                WaitlistEntry.notified_at.is_(None),
                ((WaitlistEntry.state == OFFERED) & (WaitlistEntry.offered_at <= before))
                | ((WaitlistEntry.state == CLOSED) & (WaitlistEntry.ended_at <= before)),
            )
        )
    )


# ---- telling people -----------------------------------------------------------------------------------


def notify(entry_ids: list[int]) -> None:
    """After the commit: one message per entry on the mail queue. A queue that cannot be reached loses
    nothing: the entry stays untold (notified_at NULL) and the beat queues it again."""
    if not entry_ids:
        return
    from .tasks import notify_entry

    for entry_id in entry_ids:
        try:
            notify_entry.delay(entry_id)
        except Exception:  # the broker is away: the answer must not fail; the beat retries
            log.warning("could not queue the waiting-list notice for entry %s", entry_id, exc_info=True)


_AFTER_COMMIT = "waitlist_notify_after_commit"


def notify_after_commit(entry_ids: list[int]) -> None:
    """notify(entry_ids) once the session's current transaction commits (never after a rollback): for offers
    made deep inside a session transaction that a caller further up commits (a layout change, a removal)."""
    if entry_ids:
        db.session.info.setdefault(_AFTER_COMMIT, []).extend(entry_ids)


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    notify(session.info.pop(_AFTER_COMMIT, []))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


def message_for(entry_id: int) -> dict | None:
    """The email for an entry that has news (an open offer, a closed list), or None when there is nothing to
    tell (already told, booked, lapsed). {to, to_name, subject, text, html, chat}."""
    from ..auth.models import User
    from ..catalog.models import Screening
    from ..fields import local_isoformat
    from . import mails

    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or entry.notified_at is not None or entry.state not in (OFFERED, CLOSED):
        return None
    user = db.session.get(User, entry.user_id)
    screening = db.session.get(Screening, entry.screening_id)
    if entry.state == CLOSED:
        return mails.closed_message(user, screening, entry)
    with pooled_sqlite(db.engine) as sqlite:
        hold = ledger.read_hold(sqlite, entry.hold_id) if entry.hold_id else None
    if hold is None or hold["expires_at"] <= utcnow():
        return None
    link = f"{current_app.config['SETTINGS'].app_url.rstrip('/')}/book/{screening.id}?hold={hold['id']}"
    return mails.offer_message(user, screening, entry, hold, link, local_isoformat(hold["expires_at"]))


def mark_told(entry_id: int) -> None:
    from ..database import immediate_transaction

    with immediate_transaction(db.session):
        entry = db.session.get(WaitlistEntry, entry_id)
        if entry is not None and entry.notified_at is None:
            entry.notified_at = utcnow()


# ---- figures for the dashboard ------------------------------------------------------------------------

_FIGURES = """
    SELECT e.screening_id,
           coalesce(sum(e.state = 'waiting'), 0),
           coalesce(sum(CASE WHEN e.state = 'waiting' THEN e.quantity END), 0),
           coalesce(sum(e.state = 'offered' AND EXISTS (SELECT 1 FROM seat_holds AS h
                                                        WHERE h.id = e.hold_id AND h.expires_at > ?)), 0),
           coalesce(sum(e.offered_at IS NOT NULL), 0),
           coalesce(sum(e.state = 'booked'), 0)
    FROM waitlist_entries AS e WHERE e.screening_id IN ({marks}) GROUP BY e.screening_id"""

NO_FIGURES = {"length": 0, "seats_wanted": 0, "offers_out": 0, "offers_made": 0, "conversions": 0}


def screening_figures(screening_ids) -> dict[int, dict]:
    """The waiting-list figures of each screening, for staff (the dashboard; GET .../waitlist/figures).

    Returns {screening_id: {length, seats_wanted, offers_out, offers_made, conversions}}, all counts:
    - length: entries waiting now (what the booking page shows);
    - seats_wanted: the seats those waiting entries ask for, summed;
    - offers_out: offers open now (state `offered` with a live hold: by the clock, like the seat map);
    - offers_made: offers ever made (entries with `offered_at`: open, booked, lapsed or declined);
    - conversions: offers booked (entries `booked`).
    A screening without entries is missing from the answer (NO_FIGURES is its figures). One grouped read
    on the (screening_id, state, id) index; nothing is written (a lapsed offer the beat has not yet
    turned `expired` already counts as not out).
    """
    ids = list(dict.fromkeys(screening_ids))
    out: dict[int, dict] = {}
    with pooled_sqlite(db.engine) as sqlite:
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            sql = _FIGURES.format(marks=", ".join("?" * len(chunk)))
            for sid, length, wanted, offers_out, made, booked in sqlite.execute(
                sql, (to_stored_time(utcnow()), *chunk)
            ):
                out[sid] = {
                    "length": length,
                    "seats_wanted": wanted,
                    "offers_out": offers_out,
                    "offers_made": made,
                    "conversions": booked,
                }
    return out


def figures_of(screening_id: int) -> dict:
    """GET /api/screenings/{id}/waitlist/figures: {screening_id, **screening_figures()} of one screening
    (zeros when nobody ever waited). NotFound (404) for an id that names no screening (a removed one still
    answers: its closed list keeps its figures)."""
    with pooled_sqlite(db.engine) as sqlite:
        if sqlite.execute("SELECT 1 FROM screenings WHERE id = ?", (screening_id,)).fetchone() is None:
            raise NotFound(_("No such screening."), details={"screening_id": screening_id})
    return {"screening_id": screening_id, **screening_figures([screening_id]).get(screening_id, NO_FIGURES)}
