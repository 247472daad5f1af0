"""Validation messages in plain words: what to do, said about the field, instead of a validator's text.

Marshmallow and its validators speak to programmers ("Missing data for required field.", "Must be greater
than or equal to 1 and less than or equal to 10000."). A 422's `details` is shown to people next to the
field (issue 16), so every message goes through `plain(field, message)` once, in the error handlers:
"Enter a name.", "Between 1 and 10,000.". Messages written for people already (the services' own, the
email validator's) pass through unchanged.

Field labels are keyed by the last part of the field's path ("screenings.0.starts_at" -> "starts_at").
"""

from __future__ import annotations

import re

# What to enter, by field name: "Enter {label}." for a missing or null field.
LABELS = {
    "name": "a name",
    "username": "a username",
    "email": "an email address",
    "password": "a password",
    "current_password": "your current password",
    "new_password": "a new password",
    "place": "a place",
    "address": "an address",
    "capacity": "the number of seats",
    "rating": "a rating from 0 to 5",
    "score": "a score",
    "tags": "the tags (an empty list will do)",
    "ticket_price": "a ticket price",
    "price": "a price",
    "starts_at": "a date and time",
    "show_id": "a show",
    "theatre_id": "a theatre",
    "screening_id": "a screening",
    "quantity": "how many seats",
    "seats": "the seats",
    "token": "the code from the email",
    "enabled": "on or off (true or false)",
    "role": "a role",
    "month": "a month",
    "code": "the ticket code",
}

# A list field's items, for its length rule ("At most 12 tags.").
ITEMS = {
    "tags": "tags",
    "tag": "tags",
    "aliases": "other spellings",
    "screenings": "screenings",
    "seats": "seats",
    "theatre_ids": "theatres",
    "labels": "seats",
    "rows": "rows",
}

# Exact validator texts -> plain words ({label} and {items} are filled in).
_EXACT = {
    "Missing data for required field.": "Enter {label}.",
    "Field may not be null.": "Enter {label}.",
    "Not a valid integer.": "Enter a whole number.",
    "Not a valid number.": "Enter a number.",
    "Number too large.": "This number is too large.",
    "Special numeric values (nan or infinity) are not permitted.": "Enter an ordinary number.",
    "Not a valid boolean.": "Choose yes or no (true or false).",
    "Not a valid datetime.": "Enter a date and time with its offset, such as 2026-12-01T18:30:00+05:30.",
    "Not a valid date.": "Enter a date, such as 2026-12-01.",
    "Not a valid string.": "Enter text.",
    "Not a valid list.": "Send a list.",
    "Not a valid mapping type.": "Send an object with named fields.",
    "Not a valid email address.": "Enter an email address, such as name@example.com.",
    "Unknown field.": "This field is not accepted here; remove it.",
    "Invalid input type.": "Send an object with named fields.",
    "Invalid value.": "This value is not accepted.",
    "Must not be empty.": "Enter {label}.",
}

_RANGE = re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$")
_AT_LEAST = re.compile(r"^Must be greater than or equal to (\S+)\.$")
_AT_MOST = re.compile(r"^Must be less than or equal to (\S+)\.$")
_MORE_THAN = re.compile(r"^Must be greater than (\S+)\.$")
_LESS_THAN = re.compile(r"^Must be less than (\S+)\.$")
_LENGTH_BETWEEN = re.compile(r"^Length must be between (\d+) and (\d+)\.$")
_SHORTER = re.compile(r"^Shorter than minimum length (\d+)\.$")
_LONGER = re.compile(r"^Longer than maximum length (\d+)\.$")
_ONE_OF = re.compile(r"^Must be one of: (.*)\.$")


def _number(text: str) -> str:
    """1000 -> "1,000"; 2.5 -> "2.5"; anything else as it is."""
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer() and abs(value) < 1e18:
        return f"{int(value):,}"
    return text


def _field_name(path: str) -> str:
    parts = [p for p in path.split(".") if not p.isdigit()]
    return parts[-1] if parts else path


def plain(path: str, message: str) -> str:
    """`message` about the field at `path` ("capacity", "screenings.0.starts_at"), in plain words."""
    field = _field_name(path)
    label = LABELS.get(field, "a value for this field")
    items = ITEMS.get(field)
    if message in _EXACT:
        text = _EXACT[message]
        return text.format(label=label) if "{label}" in text else text
    if match := _RANGE.match(message):
        return f"Between {_number(match[1])} and {_number(match[2])}."
    if match := _AT_LEAST.match(message):
        return f"At least {_number(match[1])}."
    if match := _AT_MOST.match(message):
        return f"At most {_number(match[1])}."
    if match := _MORE_THAN.match(message):
        return f"More than {_number(match[1])}."
    if match := _LESS_THAN.match(message):
        return f"Less than {_number(match[1])}."
    unit = items or "characters"
    if match := _LENGTH_BETWEEN.match(message):
        return f"Between {_number(match[1])} and {_number(match[2])} {unit}."
    if match := _SHORTER.match(message):
        return f"At least {_number(match[1])} {unit}."
    if match := _LONGER.match(message):
        return f"At most {_number(match[1])} {unit}."
    if match := _ONE_OF.match(message):
        return f"Choose one of: {match[1]}."
    return message


def plain_details(details: dict) -> dict:
    """A 422's details {field: [messages]} with every message in plain words; other values kept."""
    return {
        field: [plain(field, m) if isinstance(m, str) else m for m in messages]
        if isinstance(messages, list)
        else messages
        for field, messages in details.items()
    }
