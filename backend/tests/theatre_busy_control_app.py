"""The control for the theatre_busy race test: the real app with the overlap check moved out of the write
transaction (check, commit, pause, then insert), as a careless version would do. Never imported by the app."""

import time

from ticketshow import create_app
from ticketshow.catalog import service
from ticketshow.catalog.models import Screening
from ticketshow.extensions import db

_real_create = service.create_screening.__wrapped__.__wrapped__  # below @catalog_write's transaction


def check_then_insert(show_id, theatre_id, starts_at, price):
    show = db.session.get(service.Show, show_id)
    service.check_theatre_free(theatre_id, starts_at, show.duration_minutes)
    db.session.commit()  # the check ends here; the insert below is another transaction
    time.sleep(0.05)
    theatre = db.session.get(service.Theatre, theatre_id)
    screening = Screening(
        show_id=show.id,
        theatre_id=theatre.id,
        starts_at=starts_at,
        base_price=show.ticket_price,
        price=show.ticket_price,
        seats_total=theatre.capacity,
    )
    db.session.add(screening)
    db.session.commit()
    return service.get_screening(screening.id)


service.create_screening = check_then_insert
app = create_app()
