"""The control for the race test: the real app with booking replaced by a naive check-then-insert.

It reads the seats left in one transaction and writes the tickets in another, as a careless version
would; the race test must catch it. Never imported by the application itself.
"""

import time

from sqlalchemy import func, select

from ticketshow import create_app
from ticketshow.booking import service
from ticketshow.booking.models import CONFIRMED, Booking, Ticket
from ticketshow.catalog.models import Screening
from ticketshow.extensions import db
from ticketshow.seating.layouts import default_label


def check_then_insert(user_id, screening_id, quantity, *, idempotency_key=None, expected_unit_price=None):
    screening = db.session.get(Screening, screening_id)
    sold = db.session.scalar(select(func.count()).where(Ticket.screening_id == screening.id))
    db.session.commit()  # the check ends here; the write below is a separate transaction
    seats_left = screening.seats_total - sold
    if seats_left == 0:
        raise service.Houseful(details={"seats_left": 0})
    if seats_left < quantity:
        raise service.NotEnoughSeats("Not enough seats.", details={"seats_left": seats_left})
    time.sleep(0.002)  # a little work between check and write, as real code has
    booking = Booking(
        user_id=user_id,
        screening_id=screening.id,
        quantity=quantity,
        unit_price=screening.price,
        total_price=screening.price * quantity,
        status=CONFIRMED,
    )
    db.session.add(booking)
    db.session.flush()
    # Seat numbers past the end of what was sold so far: without the write lock they can exceed the hall.
    max_seat = db.session.scalar(
        select(func.coalesce(func.max(Ticket.seat_no), 0)).where(Ticket.screening_id == screening.id)
    )
    db.session.add_all(
        Ticket(
            booking_id=booking.id,
            screening_id=screening.id,
            seat_no=max_seat + n + 1,
            seat_label=default_label(max_seat + n + 1),
        )
        for n in range(quantity)
    )
    db.session.commit()
    return booking, True


service.book = check_then_insert
app = create_app()
