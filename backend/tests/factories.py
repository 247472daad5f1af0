"""Direct database builders for states the foundation's API cannot make yet (bookings come with the
booking service); they write exactly the rows that service writes."""

from __future__ import annotations

from sqlalchemy import func, select

from ticketshow.booking.models import Booking, Ticket
from ticketshow.catalog.models import Screening
from ticketshow.extensions import db
from ticketshow.seating.service import seat_labels


def book_seats(user_id: int, screening_id: int, quantity: int) -> Booking:
    screening = db.session.get(Screening, screening_id)
    sold = db.session.scalar(
        select(func.coalesce(func.max(Ticket.seat_no), 0)).where(Ticket.screening_id == screening_id)
    )
    booking = Booking(
        user_id=user_id,
        screening_id=screening_id,
        quantity=quantity,
        unit_price=screening.price,
        total_price=screening.price * quantity,
    )
    db.session.add(booking)
    db.session.flush()
    labels = seat_labels(screening)
    db.session.add_all(
        Ticket(
            booking_id=booking.id,
            screening_id=screening_id,
            seat_no=sold + n + 1,
            seat_label=labels[sold + n],
            price=screening.price,
        )
        for n in range(quantity)
    )
    db.session.commit()
    return booking
