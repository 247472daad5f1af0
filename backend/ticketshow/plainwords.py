"""Validation messages in plain words: what to do, said about the field, instead of a validator's text.

Marshmallow and its validators speak to programmers ("Missing data for required field.", "Must be greater
than or equal to 1 and less than or equal to 10000."). A 422's `details` is shown to people next to the
field (issue 16), so every message goes through `plain(field, message)` once, in the error handlers:
"Enter a name.", "Between 1 and 10,000.". Messages written for people already (the services' own, the
email validator's) pass through unchanged.

Field labels are keyed by the last part of the field's path ("screenings.0.starts_at" -> "starts_at").

The plain words are in the request's language (ticketshow.i18n): labels and sentences are catalogue
entries, numbers are grouped for the locale. A message already translated where it was raised is not
a validator's English text, so it passes through as it is.
"""

from __future__ import annotations

import re
import unicodedata

from .i18n import _, _l, number

# What to enter, by field name: "Enter {label}." for a missing or null field.
LABELS = {
    "name": _l("a name"),
    "username": _l("a username"),
    "email": _l("an email address"),
    "password": _l("a password"),
    "current_password": _l("your current password"),
    "new_password": _l("a new password"),
    "place": _l("a place"),
    "address": _l("an address"),
    "capacity": _l("the number of seats"),
    "rating": _l("a rating from 0 to 5"),
    "score": _l("a score"),
    "tags": _l("the tags (an empty list will do)"),
    "ticket_price": _l("a ticket price"),
    "price": _l("a price"),
    "starts_at": _l("a date and time"),
    "show_id": _l("a show"),
    "theatre_id": _l("a theatre"),
    "screening_id": _l("a screening"),
    "quantity": _l("how many seats"),
    "seats": _l("the seats"),
    "token": _l("the code from the email"),
    "enabled": _l("on or off (true or false)"),
    "role": _l("a role"),
    "month": _l("a month"),
    "code": _l("the ticket code"),
}

# A list field's items, for its length rule ("At most 12 tags.").
ITEMS = {
    "tags": _l("tags"),
    "tag": _l("tags"),
    "aliases": _l("other spellings"),
    "screenings": _l("screenings"),
    "seats": _l("seats"),
    "theatre_ids": _l("theatres"),
    "labels": _l("seats"),
    "rows": _l("rows"),
    "categories": _l("categories"),
}

ENTER_LABEL = "Enter {label}."  # "Enter %(what)s." in the request's language, `what` being the label

# Exact validator texts -> plain words ({label} and {items} are filled in).
_EXACT = {
    "Missing data for required field.": ENTER_LABEL,
    "Field may not be null.": ENTER_LABEL,
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid number.": _l("Enter a number."),
    "Number too large.": _l("This number is too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Enter an ordinary number."),
    "Not a valid boolean.": _l("Choose yes or no (true or false)."),
    "Not a valid datetime.": _l("Enter a date and time with its offset, such as 2026-12-01T18:30:00+05:30."),
    "Not a valid date.": _l("Enter a date, such as 2026-12-01."),
    "Not a valid string.": _l("Enter text."),
    "Not a valid list.": _l("Send a list."),
    "Not a valid mapping type.": _l("Send an object with named fields."),
    "Not a valid email address.": _l("Enter an email address, such as name@example.com."),
    "Unknown field.": _l("This field is not accepted here; remove it."),
    "Invalid input type.": _l("Send an object with named fields."),
    "Invalid value.": _l("This value is not accepted."),
    "Must not be empty.": ENTER_LABEL,
    # marshmallow's Regexp without its own `error=`: a schema should say the rule (seating/schemas.py does)
    "String does not match expected pattern.": _l("This is not in the expected form."),
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
    """1000 -> "1,000" (100000 -> "1,00,000": the locale's Indian grouping); 2.5 -> "2.5"; anything else as
    it is."""
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer() and abs(value) < 1e18:
        return number(int(value))
    return text


def _field_name(path: str) -> str:
    parts = [p for p in path.split(".") if not p.isdigit()]
    return parts[-1] if parts else path


def plain(path: str, message: str) -> str:
    """`message` about the field at `path` ("capacity", "screenings.0.starts_at"), in plain words."""
    field = _field_name(path)
    label = LABELS.get(field, _l("a value for this field"))
    items = ITEMS.get(field)
    if message in _EXACT:
        text = _EXACT[message]
        return _("Enter %(what)s.", what=str(label)) if text == ENTER_LABEL else str(text)
    if match := _RANGE.match(message):
        return _("Between %(min)s and %(max)s.", min=_number(match[1]), max=_number(match[2]))
    if match := _AT_LEAST.match(message):
        return _("At least %(min)s.", min=_number(match[1]))
    if match := _AT_MOST.match(message):
        return _("At most %(max)s.", max=_number(match[1]))
    if match := _MORE_THAN.match(message):
        return _("More than %(min)s.", min=_number(match[1]))
    if match := _LESS_THAN.match(message):
        return _("Less than %(max)s.", max=_number(match[1]))
    unit = str(items) if items else _("characters")
    if match := _LENGTH_BETWEEN.match(message):
        return _("Between %(min)s and %(max)s %(unit)s.", min=_number(match[1]), max=_number(match[2]), unit=unit)
    if match := _SHORTER.match(message):
        if match[1] == "1":  # "At least 1 characters." said nothing a person needs: the field is empty
            return _("Enter %(what)s.", what=str(label))
        return _("At least %(min)s %(unit)s.", min=_number(match[1]), unit=unit)
    if match := _LONGER.match(message):
        return _("At most %(max)s %(unit)s.", max=_number(match[1]), unit=unit)
    if match := _ONE_OF.match(message):
        return _("Choose one of: %(choices)s.", choices=match[1])
    return _CODE_POINT.sub(_character, message)


# "found U+006E" told a person nothing: the services name a refused character by its code point (text.py,
# auth/usernames.py), which is right for an invisible one and opaque for one they can see (issue 16).
_CODE_POINT = re.compile(r"\bU\+([0-9A-F]{4,6})\b")
# Letters that draw nothing (Hangul fillers): named, not quoted.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def _character(match: re.Match) -> str:
    """A code point as a person can recognise it: a character they can see in quotes ("“n”", "“🎭”"); an
    invisible one (controls, format characters, spaces, lone marks) by its code point and Unicode name
    ("U+200B ZERO WIDTH SPACE"; controls have no name: "U+0009")."""
    code = int(match[1], 16)
    if code > 0x10FFFF:
        return match[0]
    char = chr(code)
    if unicodedata.category(char)[0] in "LNPS" and char not in _BLANK_LETTERS:
        return f"\u201c{char}\u201d"
    name = unicodedata.name(char, "")
    return f"{match[0]} {name}" if name else match[0]


def plain_details(details: dict) -> dict:
    """A 422's details {field: [messages]} with every message in plain words; other values kept."""
    return {
        field: [plain(field, m) if isinstance(m, str) else m for m in messages]
        if isinstance(messages, list)
        else messages
        for field, messages in details.items()
    }
