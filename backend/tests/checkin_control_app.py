"""The control for the check-in race test: the real app with check-in replaced by a naive check-then-update
(read checked_in_at, commit, then an unconditional UPDATE in another transaction), as a careless version
would do. The race test must catch it letting one ticket in twice. Never imported by the application."""

import time

from sqlalchemy import text

from ticketshow import audit, create_app
from ticketshow.clock import utcnow
from ticketshow.database import immediate_transaction, to_stored_time
from ticketshow.extensions import db
from ticketshow.fields import local_isoformat
from ticketshow.tickets import codes, service


def check_then_update(principal, code, screening_id, nonce=None, scanned_at=None):
    try:
        claim = codes.verify(service._signing_key().public_key(), code)
    except codes.BadCode as exc:
        raise service.InvalidCode(str(exc)) from None
    row = db.session.execute(
        text("SELECT booking_id, checked_in_at FROM tickets WHERE id = :t"), {"t": claim.ticket_id}
    ).first()
    db.session.commit()  # the check ends here; the write below is another transaction
    ticket = {"id": claim.ticket_id, "seat": claim.seat}
    if row.checked_in_at is not None:
        raise service.AlreadyCheckedIn(details={"ticket": ticket, "checked_in_at": row.checked_in_at})
    time.sleep(0.002)  # a little work between check and write, as real code has
    now = utcnow()
    with immediate_transaction(db.session):
        db.session.execute(
            text("UPDATE tickets SET checked_in_at = :now WHERE id = :t"),
            {"now": to_stored_time(now), "t": claim.ticket_id},
        )
        audit.record("checkin", "ticket", claim.ticket_id, {"checked_in_at": None}, {"checked_in_at": now})
    return {"result": "ok", "ticket": ticket, "booking_id": row.booking_id, "checked_in_at": local_isoformat(now)}


service.check_in = check_then_update
app = create_app()
