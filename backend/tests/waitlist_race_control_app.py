"""The control for the waiting-list race test: the real app, but a cancellation offers the freed seats in a
transaction of its own after the cancellation has committed (as a version that "notified the waiting list
afterwards" would), leaving a window in which anyone can take them. The race test must catch outsiders
booking freed seats while people wait. Never imported by the application itself."""

import time

from ticketshow import create_app
from ticketshow.booking import service as booking_service
from ticketshow.clock import utcnow
from ticketshow.database import driver_writes
from ticketshow.extensions import db
from ticketshow.waitlist import service as waitlist


class _Afterwards:
    """booking.service's view of the waiting list: nothing inside the cancellation, a pass after it."""

    def __init__(self):
        self.pending: list[int] = []

    def __getattr__(self, name):
        return getattr(waitlist, name)

    def offer_if_waiting(self, sqlite, screening_id, now):
        self.pending.append(screening_id)
        return []

    def notify(self, offered):
        pending, self.pending = self.pending, []
        for screening_id in pending:
            time.sleep(0.005)  # a little work between the commit and the pass, as real code has
            with driver_writes(db.session) as sqlite:
                offered = offered + waitlist.offer_seats(sqlite, screening_id, utcnow())
        waitlist.notify(offered)


booking_service.waitlist = _Afterwards()
app = create_app()
