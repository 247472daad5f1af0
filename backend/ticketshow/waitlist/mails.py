"""The waiting list's messages: an offer (seats, price, until when, one button to the booking page with the
hold) and the kind note when a list closes without seats for someone. Times in APP_TIMEZONE, words, dates
and money in the recipient's language (i18n.recipient_locale: these mails are caused by other people's
cancellations or by the clock, never by the recipient's own request)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from .. import i18n
from ..clock import local_zone
from ..i18n import _, ngettext
from ..notifications.rendering import renderer

render = renderer(Path(__file__).resolve().parent / "templates")  # over the mail layout


def _when(moment) -> str:
    return i18n.datetime_text(moment.astimezone(local_zone()))


def _context(user, screening) -> dict:
    return {
        "username": user.username,
        "show": screening.show.name,
        "theatre": screening.theatre.name,
        "place": screening.theatre.place,
        "starts_at": _when(screening.starts_at),
    }


def offer_message(user, screening, entry, hold: dict, link: str, _expires_iso: str) -> dict:
    with i18n.force_locale(i18n.recipient_locale(user)):
        context = {
            **_context(user, screening),
            "seats": ", ".join(hold["seats"]),
            "total_price": i18n.money(hold["total_price"]),
            "expires_at": _when(hold["expires_at"]),
            "link": link,
        }
        subject = _(
            "Seats for you: %(show)s, %(when)s — held until %(until)s",
            show=context["show"],
            when=context["starts_at"],
            until=context["expires_at"],
        )
        chat = "🎟️ " + _(
            "%(name)s: seats %(seats)s for %(show)s (%(when)s) are held for you until %(until)s, %(price)s. "
            "Book: %(link)s",
            name=user.username,
            seats=context["seats"],
            show=context["show"],
            when=context["starts_at"],
            until=context["expires_at"],
            price=context["total_price"],
            link=link,
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
    with i18n.force_locale(i18n.recipient_locale(user)):
        context = {**_context(user, screening), "quantity": entry.quantity, "link": link, "removed": removed}
        values = {"name": user.username, "show": context["show"], "when": context["starts_at"], "link": link}
        if removed:
            subject = _("%(show)s: this screening has been cancelled", show=context["show"])
            chat = _(
                "%(name)s: the screening of %(show)s (%(when)s) you were waiting for has been cancelled; the "
                "waiting list has closed. Other screenings: %(link)s",
                **values,
            )
        else:
            subject = _("%(show)s: no seats came back this time", show=context["show"])
            chat = ngettext(
                "%(name)s: no seat came back for %(show)s (%(when)s); the waiting list has closed. "
                "Other screenings: %(link)s",
                "%(name)s: no seats came back for %(show)s (%(when)s); the waiting list has closed. "
                "Other screenings: %(link)s",
                entry.quantity,
                **values,
            )
        return {
            "to": user.email,
            "to_name": user.username,
            "subject": subject,
            "text": render("emails/waitlist_closed.txt", **context),
            "html": render("emails/waitlist_closed.html", **context),
            "chat": chat,
        }
