"""Calendar files of bookings (API.md "Calendar and languages"): one RFC 5545 VEVENT per booking."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

from ..booking.models import CANCELLED
from ..i18n import ngettext

UNKNOWN_DURATION_MINUTES = 180  # API.md: a show of unknown length is given 3 hours


def booking_calendar(booking, seats: list[str]) -> bytes:
    """The .ics text of a booking (a Booking with its screening, show and theatre) and its seat labels.

    UID `booking-<id>@<host of APP_URL>` never changes, so a calendar that imports the file again updates
    the one event; DTSTART is the screening's start (UTC), DTEND start + the show's duration (180 minutes
    when unknown); SUMMARY the show; LOCATION "theatre, place"; STATUS CONFIRMED, or CANCELLED for a
    cancelled booking (importing it removes the event). The cancellation is the event's one revision (a
    screening with bookings keeps its time): SEQUENCE 0, then 1, and DTSTAMP the booking's creation, then its
    cancellation, since calendars keep the copy they have unless the new one has a higher SEQUENCE (RFC 5545
    3.8.7.4) and, without METHOD, DTSTAMP is when the information was last revised (3.8.7.2)."""
    screening = booking.screening
    show, theatre = screening.show, screening.theatre
    minutes = show.duration_minutes or UNKNOWN_DURATION_MINUTES
    host = urlsplit(current_app.config["SETTINGS"].app_url).hostname or "ticketshow"
    calendar = Calendar()
    calendar.add("prodid", "-//Ticket Show//bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    event = Event()
    event.add("uid", f"booking-{booking.id}@{host}")
    cancelled = booking.status == CANCELLED
    event.add("dtstamp", (booking.cancelled_at or booking.created_at) if cancelled else booking.created_at)
    event.add("sequence", 1 if cancelled else 0)
    event.add("dtstart", screening.starts_at)
    event.add("dtend", screening.starts_at + timedelta(minutes=minutes))
    event.add("summary", show.name)
    event.add("location", f"{theatre.name}, {theatre.place}")
    event.add(  # in the current locale: the request's, or the recipient's in a mail task
        "description",
        ngettext(
            "Booking %(id)s: seat %(seats)s. Tickets: %(link)s",
            "Booking %(id)s: seats %(seats)s. Tickets: %(link)s",
            len(seats),
            id=booking.id,
            seats=", ".join(seats),
            link=f"{current_app.config['SETTINGS'].app_url}/bookings/{booking.id}/tickets",
        ),
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
