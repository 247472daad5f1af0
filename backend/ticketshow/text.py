"""Text helpers: the folded form used for case- and accent-insensitive search."""

from __future__ import annotations

import unicodedata

import idna.core

from .i18n import _


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


# Bidirectional formatting characters: embeddings and overrides close with PDF, isolates with PDI.
_BIDI_OPENERS = {
    "\u202a": "embedding",
    "\u202b": "embedding",
    "\u202d": "embedding",
    "\u202e": "embedding",
    "\u2066": "isolate",
    "\u2067": "isolate",
    "\u2068": "isolate",
}
_BIDI_CLOSERS = {"\u202c": "embedding", "\u2069": "isolate"}
_ZERO_WIDTH_JOINERS = {"\u200c", "\u200d"}  # ZWNJ, ZWJ
# RFC 5892's CONTEXTJ rules look this far either side of a joiner (its scans stop at the first letter anyway).
_JOINER_WINDOW = 32


def _joiner_in_context(text: str, index: int) -> bool:
    """ZWNJ and ZWJ are part of the text where RFC 5892 (appendix A.1, A.2) allows them: after a virama (Indic
    scripts: क्‍ष), and ZWNJ between letters of a joining script that would otherwise join (Persian می‌خواهم,
    Urdu); and ZWJ joins emoji into one picture (the family 👨‍👩‍👧). Anywhere else a joiner is a trick.
    The rules come from the `idna` package (its joining types are Unicode's ArabicShaping.txt)."""
    start = max(index - _JOINER_WINDOW, 0)
    window = text[start : index + _JOINER_WINDOW + 1]
    try:
        if idna.core.valid_contextj(window, index - start):
            return True
    except ValueError:  # a neighbour unknown to Unicode's database: no rule allows the joiner next to it
        return False
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if text[index] == "\u200d" and before and after:
        emojiish = lambda c: unicodedata.category(c) in {"So", "Sk"} or c == "\ufe0f"  # noqa: E731
        return emojiish(before) and unicodedata.category(after) == "So"
    return False


def unbalanced_bidi(text: str) -> bool:
    """An override, embedding or isolate left open (or a closer with no opener) at the end of a paragraph:
    it would reverse or reorder whatever is displayed after the text, such as the next column."""
    for paragraph in text.split("\n"):
        stack: list[str] = []
        for char in paragraph:
            if char in _BIDI_OPENERS:
                stack.append(_BIDI_OPENERS[char])
            elif char in _BIDI_CLOSERS:
                if not stack or stack.pop() != _BIDI_CLOSERS[char]:
                    return True
        if stack:
            return True
    return False


def line_problem(text: str) -> str | None:
    """Why `text` cannot be a one-line field (a name, place, tag, address, caption...), or None.

    Refused: control characters (line breaks and tabs included), format characters (Cf: zero-width spaces,
    soft hyphens, bidirectional overrides and marks, tag characters...) except the joiners that Indic
    scripts and emoji need, and lone surrogates. They are invisible or rearrange what is shown, so two
    different names would look the same or a name would reverse the text after it.
    """
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category == "Cs":
            return _("Contains a lone surrogate, which is not a Unicode character.")
        if category == "Cc":
            return _(
                "Control characters (such as line breaks or tabs) are not allowed (found %(char)s).",
                char=f"U+{ord(char):04X}",
            )
        if category == "Cf" and not (char in _ZERO_WIDTH_JOINERS and _joiner_in_context(text, index)):
            if char in _BIDI_OPENERS or char in _BIDI_CLOSERS or char in "\u200e\u200f\u061c":
                return _(
                    "Bidirectional formatting characters are not allowed (found %(char)s).", char=f"U+{ord(char):04X}"
                )
            return _("Invisible formatting characters are not allowed (found %(char)s).", char=f"U+{ord(char):04X}")
    return None


def text_problem(text: str) -> str | None:
    """Why `text` cannot be a multi-line field (a description), or None: line breaks and tabs are fine;
    other control characters, lone surrogates and unbalanced bidirectional formatting are not."""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            return _("Contains a lone surrogate, which is not a Unicode character.")
        if category == "Cc" and char not in "\n\r\t":
            return _("Control characters are not allowed (found %(char)s).", char=f"U+{ord(char):04X}")
    if unbalanced_bidi(text.replace("\r", "\n")):
        return _("A right-to-left or left-to-right override is left open; close it (U+202C or U+2069) or remove it.")
    return None


def header_text(value: str | None, max_length: int = 200) -> str:
    """`value` made safe for a mail header, whatever is stored: every control, format, line or paragraph
    separator becomes a space (a CR/LF can never start a new header), spaces are collapsed, lone surrogates
    are replaced, and the result is cut to `max_length`."""
    if not value:
        return ""
    cleaned = "".join(" " if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp", "Cs"} else c for c in str(value))
    return " ".join(cleaned.split())[:max_length]


def clean_line(text: str | None) -> str | None:
    """`text` as a one-line field may hold it (for rows stored before line_problem was enforced): controls
    become spaces, refused format characters are dropped, spaces are collapsed. None stays None."""
    if text is None:
        return None
    kept = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category in {"Cc", "Zl", "Zp"}:
            kept.append(" ")
        elif category in {"Cf", "Cs"} and not (char in _ZERO_WIDTH_JOINERS and _joiner_in_context(text, index)):
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def clean_text(text: str | None) -> str | None:
    """`text` as a multi-line field may hold it: other controls than line breaks and tabs dropped, and if a
    bidirectional override is left open, every bidi formatting character removed."""
    if text is None:
        return None
    cleaned = "".join(c for c in text if unicodedata.category(c) not in {"Cc", "Cs"} or c in "\n\r\t")
    if unbalanced_bidi(cleaned.replace("\r", "\n")):
        cleaned = "".join(c for c in cleaned if c not in _BIDI_OPENERS and c not in _BIDI_CLOSERS)
    return cleaned
