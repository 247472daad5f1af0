"""Finding shows by words: every word of the query, in any order, as a word or the start of one, in the name,
caption, tags or description, or in the romanised name or an alias (by their loose spelling keys).

The index is the FTS5 table show_search (migration 0017), one row per live show kept in step by triggers;
this module computes what the triggers cannot (romanised forms and keys, stored in shows.search_keys) and
turns a query into an FTS5 expression.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..text import fold
from .romanise import romanise, search_key, search_keys

MAX_QUERY_WORDS = 8  # more words than that are not a title; the rest are ignored

# FTS5 column weights for bm25: a hit in the name counts most, then romanised name and aliases, caption, tags.
_WEIGHTS = (10.0, 4.0, 3.0, 1.0, 6.0)  # name, caption, tags, description, extra


def search_fields(name: str, caption: str | None, tags: Iterable[str], aliases: str | None) -> dict:
    """shows.name_romanised and shows.search_keys for a show's current text.

    search_keys: the romanised forms of the name (and of any alias in an Indian script), the aliases as
    written, and the loose spelling key of every Latin word of all of these and of the caption and tags.
    """
    alias_list = [line for line in (aliases or "").split("\n") if line]
    romanised = romanise(name)
    alias_forms = [form for alias in alias_list for form in romanise(alias)]
    literal = [*romanised, *alias_list, *alias_forms]
    keys = search_keys(*literal, name, caption, *tags)
    return {
        "name_romanised": romanised[0] if romanised else None,
        "search_keys": " ".join(filter(None, [" ".join(literal), keys])) or None,
    }


def _words(query: str) -> list[str]:
    """The query's words as the index cuts them: runs of letters, marks and digits (an Indian-script word keeps
    its vowel signs), folded."""
    words, current = [], []
    for char in fold(query):
        if unicodedata.category(char)[0] in "LMN":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words[:MAX_QUERY_WORDS]


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every word, each as a prefix in any column, or its loose spelling key as a
    prefix in the romanised names and aliases. None when the query has no word."""
    terms = []
    for word in _words(query):
        alternatives = [f"{_quoted(word)}*"]
        if re.fullmatch(r"[a-z0-9]+", word):
            key = search_key(word)
            alternatives.append(f"extra : {_quoted(key)}*")
        terms.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(terms) or None


def ranks_sql(query: str) -> tuple[str, list] | None:
    """A SELECT of show_id, rank for the shows matching `query` (lower rank = better; bm25 with _WEIGHTS)
    and its parameters, for driver SQL; None when the query has no word."""
    expression = match_expression(query)
    if expression is None:
        return None
    weights = ", ".join(str(w) for w in _WEIGHTS)
    return (
        f"SELECT rowid AS show_id, bm25(show_search, {weights}) AS rank FROM show_search WHERE show_search MATCH ?",
        [expression],
    )
