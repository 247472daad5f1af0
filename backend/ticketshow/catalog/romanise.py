"""Romanised forms of show names in Indian scripts, and the loose spelling key that search compares.

People type Indian titles in Latin letters, each their own way: மழைக்காலம் is "Mazhaikaalam", "mazhaikalam"
or "Mazhai kaalam"; चाँदनी रात is "Chandni Raat" or "chaandni raat". The letters come from the
indic-transliteration library (ITRANS, with its Dravidian variant so that Tamil's ழ is "zh"); what the library
does not do is how the words are said, which is what people type:

- Hindi and Bengali drop the inherent vowel at the end of a word and between a vowel-consonant and a
  consonant-vowel ("safara" -> "safar", "chaandanii" -> "chaandnii"); Bengali says the one that stays as "o"
  ("galpa" -> "golpo") and writes ব as "b".
- The ITRANS capitals become the spellings used on posters: long vowels doubled ("aa", "ee", "oo"),
  retroflex letters plain, nasal marks "n" (or "m" before p, b, m).
- A Tamil word starting with ச is often written with "s" (Sirippu) and sometimes "ch" (Chennai): both are kept.

`search_key` then forgets what spellings disagree on: doubled letters, long vowels ("ee" = "i", "oo" = "u"),
"w" = "v". A query word and an indexed word are compared by their keys, so "mazhaikalam" finds
"mazhaikkaalam". Anything the rules miss, the admin can add as an alias (Show.aliases).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..text import fold

# Unicode blocks of the scripts the catalogue uses, with the library's scheme for each (indic_transliteration's
# names; the library itself, 4 MB with its scheme tables, is imported only when a name is romanised: the web
# workers search by keys and rarely romanise, docs/benchmarks.md "Memory").
_SCRIPTS = {
    "devanagari": (0x0900, 0x097F, "devanagari"),
    "bengali": (0x0980, 0x09FF, "bengali"),
    "gurmukhi": (0x0A00, 0x0A7F, "gurmukhi"),
    "gujarati": (0x0A80, 0x0AFF, "gujarati"),
    "oriya": (0x0B00, 0x0B7F, "oriya"),
    # Plain "tamil" reads க as the Sanskrit series (k/kh/g/gh) and picks "gh"; the superscripted scheme
    # reads the bare letter as k, as Tamil is written.
    "tamil": (0x0B80, 0x0BFF, "tamil_superscripted"),
    "telugu": (0x0C00, 0x0C7F, "telugu"),
    "kannada": (0x0C80, 0x0CFF, "kannada"),
    "malayalam": (0x0D00, 0x0D7F, "malayalam"),
}
_TARGET = "itrans_dravidian"

# Scripts whose inherent vowel is dropped as in speech (schwa deletion).
_SCHWA_DELETING = {"devanagari", "bengali", "gurmukhi", "gujarati"}

# ITRANS spellings -> poster spellings, longest first (applied left to right, case-sensitive).
_READABLE = [
    ("RRi", "ri"),
    ("R^i", "ri"),
    ("RRI", "ri"),
    ("LLi", "li"),
    ("L^i", "li"),
    (".Dh", "rh"),
    (".D", "r"),
    (".N", "n"),
    (".n", "n"),
    (".h", ""),
    (".a", ""),
    (".L", "zh"),
    ("~N", "n"),
    ("~n", "n"),
    ("JN", "gy"),
    ("GY", "gy"),
    ("x", "ksh"),
    ("Ch", "chh"),
    ("sh", "sh"),
    ("Sh", "sh"),
    ("Th", "th"),
    ("Dh", "dh"),
    ("ph", "ph"),
    ("K", "kh"),
    ("G", "gh"),
    ("q", "k"),
    ("A", "aa"),
    ("I", "ee"),
    ("ii", "ee"),
    ("U", "oo"),
    ("uu", "oo"),
    ("E", "e"),
    ("O", "o"),
    ("T", "t"),
    ("D", "d"),
    ("N", "n"),
    ("L", "l"),
    ("M", "n"),
    ("H", "h"),
    ("~", "n"),
    ("Y", "y"),
    ("R", "r"),
    ("z", "z"),
]
_READABLE_PATTERN = re.compile("|".join(re.escape(a) for a, _ in sorted(_READABLE, key=lambda p: -len(p[0]))))
_READABLE_MAP = dict(_READABLE)


def _script_of(char: str) -> str | None:
    code = ord(char)
    for name, (first, last, _) in _SCRIPTS.items():
        if first <= code <= last:
            return name
    return None


def _runs(text: str):
    """(script or None, text) runs: a word in an Indian script, or anything else."""
    current, start = None, 0
    for index, char in enumerate(text):
        script = _script_of(char) if not char.isspace() else None
        if index and script != current:
            yield current, text[start:index]
            start = index
        current = script
    if text:
        yield current, text[start:]


class _Unit:
    """A syllable unit: a consonant (with its nukta, vowel sign or virama, and any nasal sign after them), an
    independent vowel, or another character."""

    __slots__ = ("head", "tail", "consonant", "ending")

    def __init__(self, char: str):
        self.head, self.tail, self.consonant, self.ending = char, "", _is_consonant(char), None

    @property
    def text(self) -> str:
        return self.head + self.tail

    @property
    def kind(self) -> str:
        """'inherent' (a consonant saying its own vowel), 'half' (with a virama), 'vowel' (a consonant with a
        vowel sign, or an independent vowel) or 'other'."""
        if self.consonant:
            return {"virama": "half", "sign": "vowel"}.get(self.ending, "inherent")
        return "vowel" if " LETTER " in unicodedata.name(self.text[0], "") else "other"


def _is_consonant(char: str) -> bool:
    name = unicodedata.name(char, "")
    return " LETTER " in name and not name.split(" LETTER ")[1].startswith(("A", "E", "I", "O", "U", "VOCALIC"))


def _aksharas(word: str) -> list[_Unit]:
    units: list[_Unit] = []
    for char in word:
        name = unicodedata.name(char, "")
        if units and unicodedata.category(char) in {"Mn", "Mc"}:
            unit = units[-1]
            if "NUKTA" in name and not unit.tail:
                unit.head += char
                continue
            unit.tail += char
            if unit.consonant and unit.ending is None and "VIRAMA" in name:
                unit.ending = "virama"
            elif unit.consonant and unit.ending is None and "VOWEL SIGN" in name:
                unit.ending = "sign"
        else:
            units.append(_Unit(char))
    return units


def _speak(word: str, script: str) -> str:
    """The word with the inherent vowels that are not said marked silent (a virama), and for Bengali the
    ones that are said written as o."""
    units = _aksharas(word)
    syllables = [i for i, u in enumerate(units) if u.kind != "other"]
    if len(syllables) < 2:
        return word
    virama = {"devanagari": "\u094d", "bengali": "\u09cd", "gurmukhi": "\u0a4d", "gujarati": "\u0acd"}[script]
    silent: set[int] = set()
    last = syllables[-1]
    if units[last].kind == "inherent" and not units[last].tail:
        conjunct_end = len(syllables) > 1 and units[syllables[-2]].kind == "half"
        if not (script == "bengali" and conjunct_end):  # Bengali says a final conjunct's vowel: golpo
            silent.add(last)
    # Right to left: a middle inherent vowel goes between a sounded syllable and a consonant-vowel.
    for position in range(len(syllables) - 2, 0, -1):
        here, before, after = syllables[position], syllables[position - 1], syllables[position + 1]
        if units[here].kind != "inherent" or units[here].tail or here in silent:
            continue
        before_sounds = units[before].kind in {"vowel", "inherent"} and before not in silent
        after_sounds = units[after].kind in {"vowel", "inherent"} and after not in silent
        if before_sounds and after_sounds:
            silent.add(here)
    out = []
    for index, unit in enumerate(units):
        if index in silent:
            out.append(unit.head + virama)
        elif script == "bengali" and unit.kind == "inherent":
            out.append(unit.head + "\u09cb" + unit.tail)  # ো: Bengali's inherent vowel is said "o"
        else:
            out.append(unit.text)
    return "".join(out)


def _readable(itrans: str, script: str) -> str:
    itrans = re.sub(r"(?<=[A-Za-z])[0-9]", "", itrans)  # Dravidian ITRANS numbers its extra letters: n2 (ன)
    text = _READABLE_PATTERN.sub(lambda m: _READABLE_MAP[m.group(0)], itrans)
    if script in {"bengali"}:
        text = text.replace("v", "b")  # Bengali's ব is b
    text = re.sub(r"n(?=[pbm])", "m", text)
    return "".join(c for c in text.lower() if c.isascii() and (c.isalnum() or c in " -"))


@lru_cache(maxsize=4096)
def _romanise_word(word: str, script: str) -> tuple[str, ...]:
    from indic_transliteration import sanscript

    source = _SCRIPTS[script][2]
    spoken = _speak(unicodedata.normalize("NFC", word), script) if script in _SCHWA_DELETING else word
    # NFC splits some nukta letters (য়, ड़) into letter + nukta, which the library knows better composed.
    spoken = unicodedata.normalize("NFKC", spoken)
    if script == "bengali":
        spoken = spoken.replace("\u09af\u09bc", "\u09af")  # য় (ya with a nukta) is said y
    first = _readable(sanscript.transliterate(spoken, source, _TARGET), script)
    if script != "tamil":
        return (first,)
    # Tamil voices a single stop between vowels or after a nasal (மதுரை is Madurai), and a word-initial ச
    # is said s or ch (Sirippu, Chennai): the plain letters stay first.
    voiced = _TAMIL_VOICED.sub(lambda m: m.group(1) + _TAMIL_VOICING[m.group(2)], first)
    forms = dict.fromkeys([first, voiced])
    if first.startswith("ch"):
        forms.update(dict.fromkeys(["s" + form[2:] for form in forms]))
    return tuple(forms)


_TAMIL_VOICING = {"k": "g", "t": "d", "p": "b", "ch": "s"}
_TAMIL_VOICED = re.compile(r"((?<=[aeiou])|(?<=[aeiou][nm]))(ch|k|t|p)(?=[aeiou])")


def romanise(text: str | None) -> list[str]:
    """Latin-letter forms of `text` (usually one; two when a Tamil word may start with s or ch), or [] when
    it has no letters of an Indian script. Other parts of the text are kept as they are.

    >>> romanise("மழைக்காலம்")
    ['mazhaikkaalam']
    >>> romanise("चाँदनी रात का सफ़र")
    ['chaandnee raat kaa safar']
    """
    if not text:
        return []
    forms = [""]
    indic = False
    for script, part in _runs(text):
        if script is None:
            forms = [form + part for form in forms]
            continue
        indic = True
        variants = _romanise_word(part, script)
        forms = [form + variant for form in forms for variant in variants][:4]
    return [" ".join(form.split()).lower() for form in forms] if indic else []


_DOUBLE = re.compile(r"([a-z])\1+")


def search_key(word: str) -> str:
    """A Latin word's loose spelling: lower case, "ee" -> "i", "oo" -> "u", "w" -> "v", "zh" kept, and every
    run of one letter once ("kkaa" -> "ka"). Two spellings of one Indian word usually share it."""
    key = word.lower().replace("ee", "i").replace("oo", "u").replace("w", "v")
    return _DOUBLE.sub(r"\1", key)


_WORD = re.compile(r"[a-z0-9]+")


def search_keys(*texts: str | None) -> str:
    """Every Latin word of `texts` (after folding accents) as its search key, once, space-separated."""
    keys: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(fold(text or "")):
            keys.setdefault(search_key(word), None)
    return " ".join(keys)
