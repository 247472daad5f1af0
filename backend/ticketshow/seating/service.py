"""Seating rules: layouts, seat maps, holds and blocked seats (shared/API.md "Seat maps" and "Holds").

Layouts go through the session (admin writes, rare). Everything that takes or reads seats runs as driver
SQL (the seat ledger, booking/ledger.py) in one short transaction: a hold is one BEGIN IMMEDIATE on a pooled sqlite3
connection, in which "now" is read, expired holds stop counting, the seats are checked and taken.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import delete, func, select, union_all, update

from .. import audit, metrics
from ..booking import ledger
from ..booking.models import Ticket
from ..catalog.models import Screening, Theatre
from ..clock import utcnow
from ..database import driver_writes, immediate_transaction, pooled_sqlite, session_write_connection
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..fields import local_isoformat
from ..i18n import _, _l, ngettext
from ..pricing import repricing
from ..pricing.formula import seat_price
from ..waitlist import service as waitlist
from .layouts import LayoutError, compiled, compiled_default, default_layout, digest, dumps, seats_of, validate_layout
from .models import BlockedSeat, HeldSeat, SeatLayout
from .picking import best_available
from .schemas import hold_out


class SeatsUnavailable(Conflict):
    code = "seats_unavailable"
    message = _l("Some of these seats have just been taken.")


class HoldExpired(Conflict):
    code, message = "hold_expired", _l("This hold has expired and its seats were released; nothing was booked.")


class RenewalLimit(Conflict):
    code = "renewal_limit"


class CapacityFromLayout(Conflict):
    code = "capacity_from_layout"


# ---- layouts ----------------------------------------------------------------------------------------


def current_layout(theatre_id: int) -> SeatLayout | None:
    """The theatre's layout: its newest layout row (None for a theatre written without one)."""
    return db.session.scalar(
        select(SeatLayout).where(SeatLayout.theatre_id == theatre_id).order_by(SeatLayout.id.desc()).limit(1)
    )


def add_layout(theatre_id: int, layout: dict, *, is_default: bool) -> SeatLayout:
    text = dumps(layout)
    row = SeatLayout(
        theatre_id=theatre_id,
        layout=text,
        digest=digest(text),
        seat_count=len(seats_of(layout)),
        is_default=is_default,
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def add_default_layout(theatre_id: int, capacity: int) -> SeatLayout:
    """For a new theatre (catalog.create_theatre): rows of 20, one category `standard` at 100 %."""
    return add_layout(theatre_id, default_layout(capacity), is_default=True)


def checked_layout(raw) -> dict:
    """validate_layout(), its problems as a 422 naming each field (prefixed `layout.`)."""
    try:
        return validate_layout(raw)
    except LayoutError as error:
        raise Invalid(
            {
                f"layout.{path}" if not path.startswith("layout") else path: messages
                for path, messages in error.problems.items()
            },
            _("The layout is not valid."),
        ) from None


def _live_theatre(theatre_id: int) -> Theatre:
    theatre = db.session.get(Theatre, theatre_id)
    if theatre is None or theatre.removed_at is not None:
        raise NotFound(_("No such theatre."), details={"theatre_id": theatre_id})
    return theatre


def get_layout(theatre_id: int) -> dict:
    """The theatre's layout as API.md gives it, with `theatre_id`, `seat_count` and `is_default`."""
    theatre = _live_theatre(theatre_id)
    row = current_layout(theatre.id)
    if row is None:
        layout, count, is_default = default_layout(theatre.capacity), theatre.capacity, True
    else:
        layout, count, is_default = json.loads(row.layout), row.seat_count, row.is_default
    return {"theatre_id": theatre.id, **layout, "seat_count": count, "is_default": is_default}


def put_layout(theatre_id: int, raw: dict) -> dict:
    """Replace the theatre's layout; its capacity becomes the number of seats.

    Upcoming screenings with no seat sold or held now take the new layout (their blocked seats that it
    lacks are unblocked); the others keep theirs (`kept_screenings`). 422 for an invalid layout
    (layouts.validate_layout), 404 for an unknown theatre. One write transaction.
    """
    from ..cache import mark_catalog_changed

    layout = checked_layout(raw)
    with immediate_transaction(db.session):
        theatre = _live_theatre(theatre_id)
        before = current_layout(theatre.id)
        row = add_layout(theatre.id, layout, is_default=False)
        kept = apply_layout(theatre.id, row, strict=True)
        audit.record(
            "update",
            "layout",
            theatre.id,
            {"layout_id": before.id if before else None, "seat_count": theatre.capacity},
            {"layout_id": row.id, "seat_count": row.seat_count, "kept_screenings": kept},
        )
        theatre.capacity = row.seat_count
        theatre.updated_at = utcnow()
        mark_catalog_changed(db.session)
    return {**get_layout(theatre_id), "kept_screenings": kept}


def change_capacity(theatre_id: int, capacity: int) -> int:
    """PATCH capacity: a theatre on a default layout gets the default layout of the new capacity; one with
    its own layout refuses (409 capacity_from_layout: change the layout instead). Runs inside the caller's
    write transaction. Upcoming screenings whose sold and held seats all exist in the new layout take it.
    Returns how many upcoming screenings kept their layout."""
    row = current_layout(theatre_id)
    if row is not None and not row.is_default:
        raise CapacityFromLayout(
            _(
                "This theatre has its own seating layout: its capacity is the number of seats "
                "in it. Change the layout instead."
            ),
            details={"capacity": [row.seat_count]},
        )
    new = add_default_layout(theatre_id, capacity)
    return apply_layout(theatre_id, new, strict=False)


def apply_layout(theatre_id: int, row: SeatLayout, *, strict: bool) -> int:
    """Move the theatre's upcoming screenings onto layout `row`; returns how many kept their own.

    strict (a new layout): only screenings with no ticket and no live hold move. Not strict (a default
    layout replacing a default one, where a label always has the same seat number): screenings move when
    every seat sold or held exists in the new layout. Runs inside the caller's immediate_transaction; seats
    that come back with a moved screening's new layout (more seats, blocked ones gone) are offered to its
    waiting list there, and the offers are told after the commit.
    """
    now = utcnow()
    upcoming = db.session.execute(
        select(Screening.id, Screening.layout_id).where(
            Screening.theatre_id == theatre_id, Screening.removed_at.is_(None), Screening.starts_at > now
        )
    ).all()
    if not upcoming:
        return 0
    ids = [sid for sid, _ in upcoming]
    new_labels = {seat.label for seat in seats_of(json.loads(row.layout))}
    busy: dict[int, set[str]] = {}
    for screening_id, label in db.session.execute(
        select(Ticket.screening_id, Ticket.seat_label)
        .where(Ticket.screening_id.in_(ids))
        .union_all(
            select(HeldSeat.screening_id, HeldSeat.seat_label).where(
                HeldSeat.screening_id.in_(ids), HeldSeat.expires_at > now
            )
        )
    ):
        busy.setdefault(screening_id, set()).add(label)
    moving = [sid for sid in ids if not busy.get(sid) or (not strict and busy[sid] <= new_labels)]
    if moving:
        db.session.execute(
            update(Screening).where(Screening.id.in_(moving)).values(layout_id=row.id, seats_total=row.seat_count)
        )
        db.session.execute(
            delete(BlockedSeat).where(BlockedSeat.screening_id.in_(moving), BlockedSeat.seat_label.not_in(new_labels))
        )
        db.session.execute(delete(HeldSeat).where(HeldSeat.screening_id.in_(moving), HeldSeat.expires_at <= now))
        repricing.reprice(moving, "capacity")  # the share sold has changed
        db.session.flush()
        # seats the new layout adds (or unblocks) go to who waits before the caller's commit lets anyone in
        sqlite = session_write_connection(db.session)
        offered = [entry for sid in moving for entry in waitlist.offer_if_waiting(sqlite, sid, now)]
        waitlist.notify_after_commit(offered)
    return len(ids) - len(moving)


# ---- holds ------------------------------------------------------------------------------------------


def _expiry(now: datetime) -> datetime:
    """now + HOLD_MINUTES, to the whole second: the API shows times to the second, and the seats must be
    free exactly from the moment it shows."""
    return (now + timedelta(minutes=current_app.config["HOLD_MINUTES"])).replace(microsecond=0)


def _hold_out(hold: dict, now: datetime) -> dict:
    renewals_left = max(current_app.config["HOLD_RENEWALS"] - hold["renewals"], 0)
    return {
        "id": hold["id"],
        "screening_id": hold["screening_id"],
        "seats": hold["seats"],
        "unit_prices": hold["unit_prices"],
        "total_price": hold["total_price"],
        "expires_at": hold["expires_at"],
        "renewals_left": renewals_left,
        "state": "live" if now < hold["expires_at"] else "expired",
    }


def _sale_row(sqlite, screening_id: int, user_id: int | None = None):
    """(the screening on sale, its layout), or 404."""
    screening = ledger.screening_for_sale(sqlite, user_id or 0, screening_id)
    if screening is None:
        raise NotFound(_("No such screening."), details={"screening_id": screening_id})
    return screening, ledger.layout_of(sqlite, screening.layout_id, screening.layout_digest, screening.seats_total)


def unknown_labels(layout, labels) -> list[str]:
    return [label for label in labels if label not in layout.by_label]


def check_labels(labels: list[str] | None) -> None:
    """422 for more seats than BOOKING_MAX_QUANTITY, none, or the same label twice."""
    limit = current_app.config["BOOKING_MAX_QUANTITY"]
    if labels is None:
        return
    if not 1 <= len(labels) <= limit:
        raise Invalid({"seats": _("Choose between 1 and %(limit)s seats at a time.", limit=limit)})
    if len(set(labels)) != len(labels):
        raise Invalid({"seats": _("A seat is listed twice.")})


def hold(
    user_id: int,
    screening_id: int,
    *,
    seats: list[str] | None = None,
    quantity: int | None = None,
    category: str | None = None,
) -> dict:
    """Hold `seats` (labels) or the best `quantity` seats for HOLD_MINUTES; all or nothing.

    Replaces the user's earlier hold on this screening (in the same transaction: if this one fails, the old
    one stays). Prices are the quote: each seat's price now (pricing.seat_price), kept by the hold.
    Returns {id, screening_id, seats, unit_prices, total_price (rupees), expires_at (UTC), renewals_left, state}.
    Raises NotFound (404), ScreeningStarted, SeatsUnavailable (details.seats), Houseful, NotEnoughSeats (409),
    Invalid (422: unknown labels, duplicates, more than BOOKING_MAX_QUANTITY, unknown category).
    """
    from ..booking.service import Houseful, NotEnoughSeats, ScreeningStarted

    check_labels(seats)
    limit = current_app.config["BOOKING_MAX_QUANTITY"]
    if seats is None and not (quantity and 1 <= quantity <= limit):
        raise Invalid({"quantity": _("Hold between 1 and %(limit)s seats at a time.", limit=limit)})
    with driver_writes(db.session) as sqlite:
        screening, layout = _sale_row(sqlite, screening_id, user_id)
        seats_total, price, starts_at = screening.seats_total, screening.unit_price, screening.starts_at_utc
        now = utcnow()
        if starts_at <= now:
            raise ScreeningStarted(details={"starts_at": starts_at.isoformat()})
        if seats is not None:
            unknown = unknown_labels(layout, seats)
            if unknown:
                raise Invalid(
                    {"seats": _("No such seat in this screening: %(seats)s.", seats=", ".join(unknown[:20]))},
                    _("Some seats do not exist in this screening's layout."),
                )
        if category is not None and category not in layout.price_pct:
            raise Invalid(
                {"category": _("No category %(category)s in this screening's layout.", category=repr(category))}
            )
        offered = waitlist.offer_if_waiting(sqlite, screening_id, now)  # lapsed holds reach the waiting list first
        with waitlist.keeping_offers(sqlite, offered) as kept:  # a refused hold keeps the offers
            replaced = ledger.drop_user_hold(sqlite, user_id, screening_id)
            if seats is not None:
                lost = ledger.taken_among(sqlite, screening_id, seats, now)  # indexed lookups of these seats only
                if lost:
                    raise SeatsUnavailable(
                        ngettext(
                            "This seat is no longer available: %(seats)s. Nothing was held.",
                            "These seats are no longer available: %(seats)s. Nothing was held.",
                            len(lost),
                            seats=", ".join(lost),
                        ),
                        details={"seats": lost},
                    )
                chosen = sorted(seats, key=lambda label: layout.by_label[label].seat_no)
            else:
                # Picked under the lock, on the house as it is: one row of taken labels and a walk down the
                # layout's ranked blocks (picking.py), cheaper than a pick on a snapshot that the other
                # clients of a drop have mostly taken by the time the lock is ours.
                taken = ledger.taken_labels(sqlite, screening_id, now)
                left = max(seats_total - len(taken), 0)
                # fewer seats left than asked: no pick can succeed (the end of a drop, where every client
                # asks once more and is told so)
                chosen = best_available(layout, taken, quantity, category) if left >= quantity else None
                if chosen is None:
                    if left == 0:
                        raise Houseful(details={"seats_left": 0})
                    raise NotEnoughSeats(
                        ngettext(
                            "Only %(num)d seat left; you asked for %(quantity)s.",
                            "Only %(num)d seats left; you asked for %(quantity)s.",
                            left,
                            quantity=quantity,
                        ),
                        details={"seats_left": left, "requested": quantity},
                    )
            seat_prices = ledger.prices(layout, price, chosen)
            expires_at = _expiry(now)
            hold_id = ledger.insert_hold(sqlite, user_id, screening_id, layout, seat_prices, now, expires_at)
            if replaced:  # its seats are free again: who waits has them first (else nothing was freed here)
                offered += waitlist.offer_if_waiting(sqlite, screening_id, now)
    waitlist.notify(offered)
    if kept.error:
        raise kept.error
    metrics.hold_event("created")
    return _hold_out(
        {
            "id": hold_id,
            "screening_id": screening_id,
            "seats": chosen,
            "unit_prices": seat_prices,
            "total_price": sum(seat_prices.values(), Decimal("0.00")),
            "expires_at": expires_at,
            "renewals": 0,
        },
        now,
    )


def _own_hold(sqlite, user_id: int, hold_id: int) -> dict:
    found = ledger.read_hold(sqlite, hold_id)
    if found is None or found["user_id"] != user_id:
        raise NotFound(_("No such hold."), details={"hold_id": hold_id})  # another's is "not found"
    return found


def get_hold(user_id: int, hold_id: int) -> dict:
    """The caller's hold (404 for another's or an unknown one), with `state` live or expired."""
    with pooled_sqlite(db.engine) as sqlite:
        return _hold_out(_own_hold(sqlite, user_id, hold_id), utcnow())


def renew_hold(user_id: int, hold_id: int) -> dict:
    """Give the hold HOLD_MINUTES more from now, at most HOLD_RENEWALS times (409 renewal_limit); an
    expired hold cannot be renewed (409 hold_expired): its seats may be someone else's by now."""
    with driver_writes(db.session) as sqlite:
        found = _own_hold(sqlite, user_id, hold_id)
        now = utcnow()
        if found["expires_at"] <= now:
            raise HoldExpired(_("This hold has expired; its seats were released. Choose seats again."))
        allowed = current_app.config["HOLD_RENEWALS"]
        if found["renewals"] >= allowed:
            raise RenewalLimit(
                ngettext(
                    "A hold can be renewed %(num)d time; this one has been.",
                    "A hold can be renewed %(num)d times; this one has been.",
                    allowed,
                ),
                details={"renewals": found["renewals"], "expires_at": local_isoformat(found["expires_at"])},
            )
        found["expires_at"] = _expiry(now)
        found["renewals"] += 1
        ledger.extend_hold(sqlite, hold_id, found["expires_at"])
    metrics.hold_event("renewed")
    return _hold_out(found, now)


def release_hold(user_id: int, hold_id: int) -> None:
    """Let the seats go at once (404 for another's or an unknown hold)."""
    with driver_writes(db.session) as sqlite:
        found = _own_hold(sqlite, user_id, hold_id)
        ledger.delete_hold(sqlite, hold_id)
        offered = waitlist.offer_if_waiting(sqlite, found["screening_id"], utcnow())  # the seats go to who waits
    waitlist.notify(offered)
    metrics.hold_event("released")


def sweep_expired_holds(keep: timedelta = timedelta(hours=1)) -> int:
    """The beat's tidy-up: delete holds that expired more than `keep` ago. Not needed for correctness."""
    with driver_writes(db.session) as sqlite:
        return ledger.sweep_expired(sqlite, utcnow() - keep)


# ---- blocked seats ----------------------------------------------------------------------------------


def set_blocked(screening_id: int, labels: list[str]) -> dict:
    """Replace the screening's blocked seats (`[]` unblocks all). 409 seats_unavailable (details.seats) if
    one is sold or held now; 422 for unknown or repeated labels. Returns {screening_id, seats, seats_left}."""
    if len(set(labels)) != len(labels):
        raise Invalid({"seats": _("A seat is listed twice.")})
    with immediate_transaction(db.session):
        sqlite = session_write_connection(db.session)
        screening, layout = _sale_row(sqlite, screening_id)
        seats_total = screening.seats_total
        unknown = unknown_labels(layout, labels)
        if unknown:
            raise Invalid({"seats": _("No such seat in this screening: %(seats)s.", seats=", ".join(unknown[:20]))})
        now = utcnow()
        taken = ledger.taken(sqlite, screening_id, now)
        lost = [label for label in labels if taken.get(label) in (ledger.SOLD, ledger.HELD, ledger.MINE)]
        if lost:
            raise SeatsUnavailable(
                _("Sold or held seats cannot be blocked: %(seats)s.", seats=", ".join(lost[:20])),
                details={"seats": lost},
            )
        ordered = sorted(labels, key=lambda label: layout.by_label[label].seat_no)
        before = [label for label, state in taken.items() if state == ledger.BLOCKED]
        audit.record(
            "update",
            "blocked_seats",
            screening_id,
            {
                "seats": sorted(before, key=lambda label: layout.by_label[label].seat_no)
                if all(label in layout.by_label for label in before)
                else sorted(before)
            },
            {"seats": ordered},
        )
        db.session.execute(delete(BlockedSeat).where(BlockedSeat.screening_id == screening_id))
        if ordered:
            db.session.execute(
                BlockedSeat.__table__.insert(),
                [
                    {
                        "screening_id": screening_id,
                        "seat_label": label,
                        "seat_no": layout.by_label[label].seat_no,
                        "created_at": now,
                    }
                    for label in ordered
                ],
            )
        offered = waitlist.offer_if_waiting(sqlite, screening_id, now)  # unblocked seats go to who waits
        left = seats_total - ledger.seats_taken_count(sqlite, screening_id, now)
    waitlist.notify(offered)
    return {"screening_id": screening_id, "seats": ordered, "seats_left": max(left, 0)}


# ---- seat counts for lists --------------------------------------------------------------------------


def seats_unavailable(screening_ids, now: datetime | None = None) -> dict[int, int]:
    """Seats that cannot be had now per screening (sold + blocked + in a live hold), one grouped query.

    Inside a session transaction the query runs in it (it sees the session's own writes); otherwise as
    driver SQL on a pooled connection (unavailable_counts), several times cheaper to build and run.
    """
    ids = list(screening_ids)
    if not ids:
        return {}
    now = now or utcnow()
    if not (db.session.registry.has() and db.session().in_transaction()):
        with pooled_sqlite(db.engine) as sqlite:
            return ledger.unavailable_counts(sqlite, ids, now)
    counted = union_all(
        select(Ticket.screening_id).where(Ticket.screening_id.in_(ids)),
        select(BlockedSeat.screening_id).where(BlockedSeat.screening_id.in_(ids)),
        select(HeldSeat.screening_id).where(HeldSeat.screening_id.in_(ids), HeldSeat.expires_at > now),
    ).subquery()
    return dict(db.session.execute(select(counted.c.screening_id, func.count()).group_by(counted.c.screening_id)).all())


def live_figures(screening_ids: list[int]) -> tuple[dict, dict[int, int]]:
    """({id: ledger.LivePrice}, {id: seats unavailable now}) read in one snapshot on a pooled connection:
    what a cached answer's screenings get refilled with on every answer (catalog.refresh_live_figures)."""
    with pooled_sqlite(db.engine) as sqlite:
        sqlite.execute("BEGIN")
        try:
            return ledger.live_prices(sqlite, screening_ids), ledger.unavailable_counts(sqlite, screening_ids, utcnow())
        finally:
            sqlite.rollback()


# ---- the seat map -----------------------------------------------------------------------------------

_templates: dict[tuple, tuple] = {}


STATES = ("available", "held", "sold", "blocked", "mine")


def _map_template(layout, layout_key, price: Decimal) -> tuple:
    """Per layout and price, built once: (rows, categories, positions). Every row as (its JSON's head, its
    cells' JSON with every seat available, "null" for a gap, and the whole row's JSON); `positions` gives
    each seat label its (row, cell, {state: the seat's JSON in that state}), so that a request copies the
    cells of only the rows that have a taken seat and replaces only the taken ones."""
    key = (layout_key, price)
    found = _templates.get(key)
    if found is not None:
        return found
    if len(_templates) > 512:
        _templates.clear()
    category_price = {code: seat_price(price, pct) for code, pct in layout.price_pct.items()}
    rows, positions = [], {}
    for r, cells in enumerate(layout.grid):
        row = layout.layout["rows"][r]
        items = []
        for c, cell in enumerate(cells):
            if cell is None:
                items.append("null")
                continue
            label, code, accessible = cell
            head = '{"label":%s,"category":%s,"price":%s,"state":"' % (
                json.dumps(label),
                json.dumps(code),
                category_price[code],
            )
            tail = '","accessible":%s}' % ("true" if accessible else "false")
            variants = {state: head + state + tail for state in STATES}
            positions[label] = (r, c, variants)
            items.append(variants["available"])
        head = '{"label":%s,%s"seats":[' % (
            json.dumps(row["label"]),
            '"section":%s,' % json.dumps(row["section"], ensure_ascii=False) if row.get("section") else "",
        )
        rows.append((head, tuple(items), head + ",".join(items) + "]}"))
    categories = [
        {"code": c["code"], "name": c["name"], "price_pct": c["price_pct"], "price": category_price[c["code"]]}
        for c in layout.layout["categories"]
    ]
    found = _templates[key] = (rows, categories, positions)
    return found


def seat_map_json(screening_id: int, user_id: int | None) -> str:
    """GET /api/screenings/{id}/seats as JSON text, read now (never cached): every seat with its label,
    category, price (rupees), state (available, held, sold, blocked, or mine: the caller's own hold) and
    accessible; the categories with their prices; seats_left; and the caller's live hold, if any."""
    with pooled_sqlite(db.engine) as sqlite:
        sqlite.execute("BEGIN")  # one snapshot for the screening and its seats
        try:
            screening, layout = _sale_row(sqlite, screening_id, user_id)
            now = utcnow()
            taken = ledger.taken(sqlite, screening_id, now, user_id)
            hold = None
            if user_id:
                mine = ledger.my_live_hold(sqlite, user_id, screening_id, now)
                hold = hold_out(_hold_out(ledger.read_hold(sqlite, mine), now)) if mine else None
        finally:
            sqlite.rollback()
    seats_total, starts_at = screening.seats_total, screening.starts_at_utc
    rows, categories, positions = _map_template(
        layout, (screening.layout_id, screening.layout_digest, seats_total), screening.unit_price
    )
    out = [available for _, _, available in rows]
    changed: dict[int, list[str]] = {}
    for label, state in taken.items():
        found = positions.get(label)
        if found is not None:
            r, c, variants = found
            items = changed.get(r)
            if items is None:
                items = changed[r] = list(rows[r][1])
            items[c] = variants[state]
    for r, items in changed.items():  # only rows with a taken seat are rebuilt, only their taken seats
        out[r] = rows[r][0] + ",".join(items) + "]}"
    left = max(seats_total - len(taken), 0)
    started = starts_at <= now
    head = {
        "screening_id": screening_id,
        "stage": layout.layout.get("stage", "screen"),
        "categories": categories,
        "seats_total": seats_total,
        "seats_left": left,
        "houseful": left == 0,
        "on_sale": not started,
        "my_hold": hold,
    }
    text = current_app.json.dumps(head)
    return text[:-1] + ',"rows":[' + ",".join(out) + "]}"


def screening_layout(screening):
    """The parsed layout a screening (ORM row) sells; for loaders and tests that write tickets in bulk."""
    if screening.layout_id is None:
        return compiled_default(screening.seats_total)
    row = db.session.get(SeatLayout, screening.layout_id)
    return compiled(row.id, row.digest, lambda: row.layout)


def seat_labels(screening) -> list[str]:
    """Its seats' labels in layout order: seat_no n is labels[n - 1]."""
    return [seat.label for seat in screening_layout(screening).seats]
