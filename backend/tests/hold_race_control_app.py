"""The control for the hold race test: the real app with holding replaced by a naive check-then-insert,
and (tests.hold_race.forget_the_unique_key) held_seats rebuilt without its unique (screening, seat) key, as a version that
forgot it would have it.

It reads the taken seats in one transaction and inserts the hold in another; the race test must catch
two clients holding one seat. Never imported by the application itself.
"""

import time
from datetime import timedelta

from ticketshow import create_app
from ticketshow.booking import ledger
from ticketshow.clock import utcnow
from ticketshow.database import pooled_sqlite
from ticketshow.extensions import db
from ticketshow.seating import service


def check_then_insert(user_id, screening_id, *, seats=None, quantity=None, category=None):
    with pooled_sqlite(db.engine) as sqlite:
        screening = ledger.screening_for_sale(sqlite, user_id, screening_id)
        layout = ledger.layout_of(sqlite, screening.layout_id, screening.layout_digest, screening.seats_total)
        now = utcnow()
        taken = ledger.taken(sqlite, screening_id, now)  # the check, in its own (autocommit) read
    lost = [label for label in seats if label in taken]
    if lost:
        raise service.SeatsUnavailable(details={"seats": lost})
    time.sleep(0.01)  # some work between check and write, as real code has: a window the race can find
    with pooled_sqlite(db.engine) as sqlite:
        sqlite.execute("BEGIN")
        prices = ledger.prices(layout, screening.unit_price, seats)
        expires_at = now + timedelta(minutes=8)
        hold_id = ledger.insert_hold(sqlite, user_id, screening_id, layout, prices, now, expires_at)
        sqlite.commit()
    return {
        "id": hold_id,
        "screening_id": screening_id,
        "seats": seats,
        "unit_prices": prices,
        "total_price": sum(prices.values()),
        "expires_at": expires_at,
        "renewals_left": 1,
        "state": "live",
    }


service.hold = check_then_insert
app = create_app()
