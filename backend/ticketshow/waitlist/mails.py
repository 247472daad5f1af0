"""The waiting list's messages: an offer (seats, price, until when, one button to the booking page with the
hold) and the kind note when a list closes without seats for someone. Times in APP_TIMEZONE."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from ..clock import local_zone
from ..notifications.rendering import renderer

render = renderer(Path(__file__).resolve().parent / "templates")  # over the mail layout


def _when(moment) -> str:
    return moment.astimezone(local_zone()).strftime("%a %d %b %Y, %H:%M")


def _context(user, screening) -> dict:
    return {
        "username": user.username,
        "show": screening.show.name,
        "theatre": screening.theatre.name,
        "place": screening.theatre.place,
        "starts_at": _when(screening.starts_at),
    }


def offer_message(user, screening, entry, hold: dict, link: str, _expires_iso: str) -> dict:
    context = {
        **_context(user, screening),
        "seats": ", ".join(hold["seats"]),
        "total_price": f"{hold['total_price']:.2f}",
        "expires_at": _when(hold["expires_at"]),
        "link": link,
    }
    subject = f"Seats for you: {context['show']}, {context['starts_at']} — held until {context['expires_at']}"
    chat = (
        f"🎟️ {user.username}: seats {context['seats']} for {context['show']} ({context['starts_at']}) are "
        f"held for you until {context['expires_at']}, ₹{context['total_price']}. Book: {link}"
    )
    return {
        "to": user.email,
        "to_name": user.username,
        "subject": subject,
        "text": render("emails/waitlist_offer.txt", **context),
        "html": render("emails/waitlist_offer.html", **context),
        "chat": chat,
    }


def closed_message(user, screening, entry) -> dict:
    """The kind note: no seats came back before the list closed, or the screening itself was removed (an
    admin's forced removal of it, its show or its theatre), which closed the list at once."""
    app_url = current_app.config["SETTINGS"].app_url.rstrip("/")
    removed = screening.removed_at is not None
    link = f"{app_url}/shows/{screening.show.id}" if screening.show.removed_at is None else f"{app_url}/"
    context = {**_context(user, screening), "quantity": entry.quantity, "link": link, "removed": removed}
    if removed:
        subject = f"{context['show']}: this screening has been cancelled"
        chat = (
            f"{user.username}: the screening of {context['show']} ({context['starts_at']}) you were waiting for "
            f"has been cancelled; the waiting list has closed. Other screenings: {link}"
        )
    else:
        subject = f"{context['show']}: no seats came back this time"
        chat = (
            f"{user.username}: no seats came back for {context['show']} ({context['starts_at']}); the waiting "
            f"list has closed. Other screenings: {link}"
        )
    return {
        "to": user.email,
        "to_name": user.username,
        "subject": subject,
        "text": render("emails/waitlist_closed.txt", **context),
        "html": render("emails/waitlist_closed.html", **context),
        "chat": chat,
    }
