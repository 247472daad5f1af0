"""Usernames that identify one person: RFC 8265 (PRECIS) profiles plus a look-alike skeleton.

Three forms of one name, each with its job:
- `username` (canonical_username), stored and shown: the UsernameCasePreserved form of each
  space-separated userpart (RFC 8265 section 3.5 lets an application allow spaces between userparts):
  width-mapped (fullwidth "ＡＳＨＡ" is "ASHA"), NFC, letters and digits of any script plus ASCII
  punctuation; no controls, no format or other invisible characters, no symbols or emoji (422 naming
  `username`).
- `username_key` (username_key), unique, and the only thing login looks up: the exact UsernameCaseMapped
  form ("ASHA", "Asha" and "ａｓｈａ" are "asha"). A look-alike typed at login ("аsha" with a Cyrillic а)
  is another name and logs in to nobody's account but its own.
- `username_skeleton` (username_skeleton), unique too: UTS #39's confusables skeleton of the width-mapped,
  case-PRESERVED name, then case-folded (Latin accents folded as in search). The skeleton comes first
  because look-alikes are a matter of glyphs, and glyphs have case: capital "I" looks like "l" (so "biII"
  looks like "bill"), "0" like "O", Greek capital "Η" like "H" while its small "η" looks like "n".
  Folding first made "biII" into "biii" (slipping past "bill") and Greek "ΗΑΝ" into "nav" (a false
  clash). Invisible characters are dropped (the skeleton's default-ignorable step), so a name the profile
  refuses still has a skeleton: a look-alike of a taken name is 409 even when it is also malformed.

A new name must be free on both keys: 409 `username_taken` ("looks like an existing name"). The prototype
data is Unicode's confusables.txt as shipped by `confusable-homoglyphs`.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

from precis_i18n import get_profile

from ..errors import Invalid
from ..i18n import _, _l
from ..text import fold

MAX_LENGTH = 64
_PRESERVED = get_profile("UsernameCasePreserved")
_MAPPED = get_profile("UsernameCaseMapped")

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
# Whole sentences, so that each language can word them its own way; %(found)s is " (found U+200B)" or "".
_REASONS = {
    "controls": _l("A username cannot contain control characters (such as line breaks)%(found)s."),
    "precis_ignorable_properties": _l(
        "A username cannot contain invisible characters (such as zero-width spaces or soft hyphens)%(found)s."
    ),
    "spaces": _l("A username cannot contain spaces other than single spaces between words%(found)s."),
    "symbols": _l("A username cannot contain symbols or emoji%(found)s."),
    "punctuation": _l("A username cannot contain punctuation outside ASCII%(found)s."),
    "has_compat": _l("A username cannot contain compatibility characters%(found)s."),
    "other": _l("A username cannot contain characters that are not letters or digits%(found)s."),
    "unassigned": _l("A username cannot contain unassigned code points%(found)s."),
    "bidi_rule": _l(
        "A username cannot contain a mix of right-to-left and left-to-right text that could display "
        "ambiguously%(found)s."
    ),
    "empty": _l("A username cannot be empty%(found)s."),
}


def _invisible(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) == "Cf" or any(low <= code <= high for low, high in _IGNORABLE_RANGES)


def canonical_username(raw: str) -> str:
    """The name as stored and shown. Raises Invalid (422, `username`) when RFC 8265 disallows it."""
    parts = _userparts(raw)
    if not parts:
        raise Invalid({"username": _("Must not be empty.")})
    enforced = []
    for part in parts:
        try:
            enforced.append(_PRESERVED.enforce(part))
        except UnicodeEncodeError as exc:
            kind = exc.reason.split("/")[-1]
            bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
            where = f" (U+{ord(bad[0]):04X})" if bad else ""
            raise Invalid(
                {"username": str(_REASONS.get(kind, _REASONS["other"])) % {"found": where}},
                _("The username is not allowed."),
            ) from exc
    name = " ".join(enforced)
    if len(name) > MAX_LENGTH:
        raise Invalid({"username": _("Must be at most %(num)s characters.", num=MAX_LENGTH)})
    return name


@lru_cache(maxsize=1)
def _prototypes() -> dict[str, str]:
    """{character: its prototype}, UTS #39's confusables mapping, rebuilt from `confusable-homoglyphs` data.

    That data lists look-alikes both ways: a prototype lists all its sources, a source lists only its
    prototype. So a character with exactly one look-alike is a source of it; when two characters list only
    each other, the ASCII one (else the lower code point) is the prototype. Checked against ICU 72's
    SpoofChecker over every assigned code point: the same classes of look-alikes but for "ẚ" (a
    compatibility character RFC 8265 refuses anyway).
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
    # A prototype is its own skeleton: where a pair was picked the other way round than Unicode's data,
    # the characters inside longer prototypes ("ł" -> "l" + U+0338) follow the pick.
    return {source: "".join(table.get(char, char) for char in prototype) for source, prototype in table.items()}


def _userparts(raw: str) -> list[str]:
    return [part for part in raw.split(" ") if part]  # leading, trailing and doubled spaces dropped


def username_key(raw: str) -> str | None:
    """The exact RFC 8265 UsernameCaseMapped form of a name (width-mapped, lower-cased, NFC; userparts
    joined by one space), or None when the profile refuses it (then it names no account). Never raises:
    it is also the login lookup, and login answers 401, not 422, to a name that cannot exist."""
    parts = _userparts(raw)
    if not parts:
        return None
    try:
        return " ".join(_MAPPED.enforce(part) for part in parts)
    except (UnicodeError, ValueError):  # disallowed characters, lone surrogates
        return None


def _width_mapped(char: str) -> str:
    """RFC 8265's width mapping: a fullwidth or halfwidth character becomes its decomposition ("Ｉ" -> "I")."""
    decomposition = unicodedata.decomposition(char)
    if decomposition.startswith(("<wide> ", "<narrow> ")):
        return chr(int(decomposition.split()[1], 16))
    return char


def username_skeleton(raw: str) -> str:
    """The look-alike key of a name (see the module docstring): two names with one skeleton look the same.

    UTS #39 section 4's skeleton of the width-mapped, case-preserved name (NFD, default-ignorable code
    points dropped, each character replaced by its prototype, NFD again), spaces collapsed, then folded
    with text.fold (case-folded, Latin accents dropped: "ásha" is "asha" on a small screen). Never raises.
    """
    widened = "".join(_width_mapped(char) for char in raw)
    visible = "".join(char for char in unicodedata.normalize("NFD", widened) if not _invisible(char))
    table = _prototypes()
    skeleton = "".join(table.get(char, char) for char in " ".join(visible.split()))
    return fold(unicodedata.normalize("NFD", skeleton))
