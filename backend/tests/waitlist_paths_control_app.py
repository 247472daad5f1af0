"""The control for the waiting-list paths race test: the real app, but the offer pass never runs inside the
transaction that frees seats. After a capacity or layout change or unblocked seats, it runs 200 ms after the
request, in a transaction of its own (as a version that handed it to a background job would); a booking or
a hold does not look for lapsed holds first (as a version that left lapses to the beat's minute pass would).
The race test must catch outsiders booking the seats in those windows. Never imported by the application."""

import threading

from flask import g, request

from ticketshow import create_app
from ticketshow.clock import utcnow
from ticketshow.database import driver_writes
from ticketshow.extensions import db
from ticketshow.waitlist import service as waitlist

DELAY_SECONDS = 0.2  # how long a background job might take to get to the pass
_real_pass = waitlist.offer_if_waiting


def _later(sqlite, screening_id, now):
    if request.method == "POST" and (request.path == "/api/bookings" or request.path.endswith("/holds")):
        return []  # lapsed holds are left to the beat
    g.setdefault("waitlist_later", []).append(screening_id)
    return []


waitlist.offer_if_waiting = _later  # every caller looks it up on the module at call time
app = create_app()


def _offer(screening_ids):
    with app.app_context():
        offered = []
        for screening_id in screening_ids:
            with driver_writes(db.session) as sqlite:
                offered += _real_pass(sqlite, screening_id, utcnow())
        waitlist.notify(offered)


@app.after_request
def _offer_afterwards(response):
    """After the view, whose transaction has committed: the pass, a little later, beside the worker."""
    pending = list(dict.fromkeys(g.pop("waitlist_later", [])))
    if pending:
        threading.Timer(DELAY_SECONDS, _offer, args=(pending,)).start()
    return response
