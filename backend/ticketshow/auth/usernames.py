"""Usernames that identify one person: RFC 8265 (PRECIS) profiles plus a look-alike key.

- The stored, displayed name is the UsernameCasePreserved form of each space-separated userpart (RFC 8265
  section 3.5 lets an application allow spaces between userparts): width-mapped (fullwidth "ＡＳＨＡ" is
  "ASHA"), NFC, letters and digits of any script plus ASCII punctuation; no controls, no format or other
  invisible characters, no symbols or emoji (422 naming `username`).
- `username_key` is what makes a name unique and what login looks up. It goes further than
  UsernameCaseMapped: invisible characters (zero-width space, word joiner, soft hyphen, variation
  selectors...) are dropped, the name is folded as in search (case, width, Latin accents), and each
  character is replaced by its prototype from Unicode's confusables data (UTS #39 skeleton, data from
  `confusable-homoglyphs`). So "asha", "ASHA", "Аsha" (Cyrillic А), "as\u00adha" and "ａｓｈａ" all have
  one key: a second account that looks like the first is 409 username_taken.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

from precis_i18n import get_profile

from ..errors import Invalid
from ..text import fold

MAX_LENGTH = 64
_PRESERVED = get_profile("UsernameCasePreserved")

# Default-ignorable code points beyond the format (Cf) category: they draw nothing.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)
_REASONS = {
    "controls": "control characters (such as line breaks)",
    "precis_ignorable_properties": "invisible characters (such as zero-width spaces or soft hyphens)",
    "spaces": "spaces other than single spaces between words",
    "symbols": "symbols or emoji",
    "punctuation": "punctuation outside ASCII",
    "has_compat": "compatibility characters",
    "other": "characters that are not letters or digits",
    "unassigned": "unassigned code points",
    "bidi_rule": "a mix of right-to-left and left-to-right text that could display ambiguously",
    "empty": "nothing",
}


def _invisible(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) == "Cf" or any(low <= code <= high for low, high in _IGNORABLE_RANGES)


def canonical_username(raw: str) -> str:
    """The name as stored and shown. Raises Invalid (422, `username`) when RFC 8265 disallows it."""
    parts = [part for part in raw.split(" ") if part]  # leading, trailing and doubled spaces dropped
    if not parts:
        raise Invalid({"username": "Must not be empty."})
    enforced = []
    for part in parts:
        try:
            enforced.append(_PRESERVED.enforce(part))
        except UnicodeEncodeError as exc:
            kind = exc.reason.split("/")[-1]
            bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
            where = f" (found U+{ord(bad[0]):04X})" if bad else ""
            raise Invalid(
                {"username": f"A username cannot contain {_REASONS.get(kind, _REASONS['other'])}{where}."},
                "The username is not allowed.",
            ) from exc
    name = " ".join(enforced)
    if len(name) > MAX_LENGTH:
        raise Invalid({"username": f"Must be at most {MAX_LENGTH} characters."})
    return name


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """{character: its prototype}, UTS #39's confusables mapping, rebuilt from `confusable-homoglyphs` data.

    That data lists look-alikes both ways: a prototype lists all its sources, a source lists only its
    prototype. So a character with exactly one look-alike is a source of it; when two characters list only
    each other, the ASCII one (else the lower code point) is the prototype.
    """
    import confusable_homoglyphs

    data = json.loads((Path(confusable_homoglyphs.__file__).parent / "confusables.json").read_text("utf-8"))

    def clean(text: str) -> str:
        return text.replace("\u200e", "").replace("\u200f", "")  # the data wraps right-to-left glyphs in marks

    table: dict[str, str] = {}
    for key, homoglyphs in data.items():
        source = clean(key)
        if len(source) != 1 or len(homoglyphs) != 1:
            continue
        prototype = clean(homoglyphs[0]["c"])
        if prototype == source:
            continue
        back = data.get(prototype) or data.get(homoglyphs[0]["c"]) or []
        if len(back) == 1 and len(prototype) == 1:  # a pair listing only each other: pick one way
            if (prototype.isascii(), -ord(prototype)) < (source.isascii(), -ord(source)):
                continue
        table[source] = prototype
    return table


def username_key(raw: str) -> str:
    """The unique key of a username (see the module docstring). Never raises: it is also the login lookup.

    UTS #39's skeleton of the case-folded name (as it recommends for case-insensitive identifiers), with
    invisible characters dropped first and Latin accents folded as in search.
    """
    visible = "".join(char for char in unicodedata.normalize("NFD", raw) if not _invisible(char))
    folded = fold(" ".join(visible.split()))
    table = _prototypes()
    skeleton = "".join(table.get(char, char) for char in unicodedata.normalize("NFD", folded))
    return fold(skeleton)  # prototypes may be capitals ("0" -> "O"): fold again
