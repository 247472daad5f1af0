"""Text helpers: the folded form used for case- and accent-insensitive search."""
from __future__ import annotations

import unicodedata


def _is_latin_base(char: str) -> bool:
    code = ord(char)
    return code < 0x0250 or 0x1E00 <= code <= 0x1EFF


def fold(text: str) -> str:
    """Lower-case and strip accents from Latin letters ("Café" -> "cafe").

    Combining marks are dropped only after Latin letters: in Devanagari or Tamil the same marks are
    vowel signs, and dropping them would make different words equal.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    base = ""
    for char in decomposed:
        if unicodedata.combining(char):
            if base and _is_latin_base(base):
                continue
        else:
            base = char
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).casefold()


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text)
