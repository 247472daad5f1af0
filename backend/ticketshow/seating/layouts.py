"""Seating layouts as plain data: checking one, the default one for a capacity, and its seats in order.

A layout (shared/API.md, "Seat maps") is
    {categories: [{code, name, price_pct}], rows: [{label, seats: [{number, category, accessible?} | null]}]}
with `null` a gap (an aisle). A seat's label is its row label followed by its number ("A12"). The seats in
*layout order* (rows top to bottom, seats left to right, gaps skipped) are numbered 1..N: a ticket's
`seat_no` is that position, so the n-th seat of the layout is seat_no n. Layout rows are stored once and
never changed (seating.models.SeatLayout), so a screening's seat numbers never move under it.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
import unicodedata
from dataclasses import dataclass, field

from ..i18n import _

MAX_SEATS = 10_000  # API.md: more than this is a 422
MAX_ROWS = 500
MAX_ROW_CELLS = 500  # seats and gaps in one row
MAX_CATEGORIES = 20
DEFAULT_ROW_SEATS = 20
DEFAULT_CATEGORY = {"code": "standard", "name": "Standard", "price_pct": 100}
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,29}$")
ROW_LABEL = re.compile(r"^[A-Za-z0-9]{1,4}$")
STAGES = ("screen", "stage")


class LayoutError(ValueError):
    """An invalid layout; `problems` maps a field path ("rows.3.seats.7.category") to its messages."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__("invalid layout")
        self.problems = problems


@dataclass(frozen=True)
class Seat:
    label: str
    seat_no: int  # 1-based position in layout order
    row: int  # index of its row in the layout
    cell: int  # index of its cell in the row (gaps count)
    category: str
    accessible: bool


def row_label(index: int) -> str:
    """A, B, ..., Z, AA, AB, ... (spreadsheet style), for the default layout's rows."""
    letters = string.ascii_uppercase
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = letters[rest] + label
    return label


def default_layout(capacity: int) -> dict:
    """Rows A, B, ... of 20 seats numbered from 1, the last row holding the rest; one category `standard`."""
    if not 1 <= capacity <= MAX_SEATS:
        raise LayoutError({"capacity": [_("Must be between 1 and %(max)s.", max=MAX_SEATS)]})
    rows = []
    for index, start in enumerate(range(0, capacity, DEFAULT_ROW_SEATS)):
        count = min(DEFAULT_ROW_SEATS, capacity - start)
        rows.append(
            {
                "label": row_label(index),
                "seats": [{"number": n, "category": "standard", "accessible": False} for n in range(1, count + 1)],
            }
        )
    return {"stage": "screen", "categories": [dict(DEFAULT_CATEGORY)], "rows": rows}


def _problem(problems: dict, path: str, message: str) -> None:
    problems.setdefault(path, []).append(message)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def name_key(name: str) -> str:
    """A category name as names are compared: trimmed, compatibility-normalised and case-folded, so "VIP",
    " vip " and fullwidth "ＶＩＰ" are one name ("Straße" and "STRASSE" too). Unicode's compatibility caseless
    match (The Unicode Standard, 3.13, D146), as NFKC(casefold(NFKC(name)))."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name.strip()).casefold())


def validate_layout(raw) -> dict:
    """The layout in its normal form (every seat with `accessible`, text trimmed), or LayoutError.

    Refused: a shape other than the contract's, duplicate category codes, two categories of the same name
    (name_key: "VIP", " vip " and "ＶＩＰ" read as one on a ticket), a seat of an unknown
    category, duplicate seat labels, no seats, more than 10,000 seats (API.md), more than 500 rows or 500 cells a row.
    """
    problems: dict[str, list[str]] = {}
    if not isinstance(raw, dict):
        raise LayoutError({"layout": [_("Must be an object with categories and rows.")]})
    stage = raw.get("stage", "screen")
    if stage not in STAGES:
        _problem(problems, "stage", _("Must be 'screen' or 'stage'."))
    categories = raw.get("categories")
    codes: set[str] = set()
    names: set[str] = set()  # name_key: the legend and tickets must tell categories apart
    clean_categories = []
    if not isinstance(categories, list) or not 1 <= len(categories) <= MAX_CATEGORIES:
        _problem(problems, "categories", _("Must be a list of 1 to %(max)s categories.", max=MAX_CATEGORIES))
        categories = []
    for i, category in enumerate(categories):
        path = f"categories.{i}"
        if not isinstance(category, dict):
            _problem(problems, path, _("Must be an object {code, name, price_pct}."))
            continue
        code, name, pct = category.get("code"), category.get("name"), category.get("price_pct")
        if not isinstance(code, str) or not CODE.match(code):
            _problem(problems, f"{path}.code", _("1-30 lower-case letters, digits, '-' or '_'."))
        elif code in codes:
            _problem(problems, f"{path}.code", _("Duplicate category code '%(code)s'.", code=code))
        else:
            codes.add(code)
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 60 or any(ord(c) < 32 for c in name):
            _problem(problems, f"{path}.name", _("1 to 60 characters, no control characters."))
        elif (folded := name_key(name)) in names:
            _problem(problems, f"{path}.name", _("Another category already has this name."))
        else:
            names.add(folded)
        if not _is_int(pct) or not 10 <= pct <= 1000:
            _problem(problems, f"{path}.price_pct", _("A whole number from 10 to 1000."))
        if isinstance(name, str):
            clean_categories.append({"code": code, "name": name.strip(), "price_pct": pct})
    rows = raw.get("rows")
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
        _problem(problems, "rows", _("Must be a list of 1 to %(max)s rows.", max=MAX_ROWS))
        rows = []
    labels: set[str] = set()
    row_labels: set[str] = set()
    clean_rows = []
    seats = 0
    for r, row in enumerate(rows):
        path = f"rows.{r}"
        if not isinstance(row, dict) or not isinstance(row.get("seats"), list):
            _problem(problems, path, _("Must be an object {label, seats: [...]}."))
            continue
        label, cells = row.get("label"), row["seats"]
        if not isinstance(label, str) or not ROW_LABEL.match(label):
            _problem(problems, f"{path}.label", _("1 to 4 letters or digits."))
            label = None
        elif label in row_labels:
            _problem(problems, f"{path}.label", _("Duplicate row label '%(label)s'.", label=label))
        else:
            row_labels.add(label)
        if len(cells) > MAX_ROW_CELLS:
            _problem(problems, f"{path}.seats", _("At most %(max)s seats and gaps in a row.", max=MAX_ROW_CELLS))
            continue
        clean_cells = []
        for c, cell in enumerate(cells):
            if cell is None:
                clean_cells.append(None)
                continue
            cell_path = f"{path}.seats.{c}"
            if not isinstance(cell, dict):
                _problem(problems, cell_path, _("A seat {number, category, accessible?} or null for a gap."))
                continue
            number, category, accessible = cell.get("number"), cell.get("category"), cell.get("accessible", False)
            if not _is_int(number) or not 1 <= number <= 9999:
                _problem(problems, f"{cell_path}.number", _("A whole number from 1 to 9999."))
                continue
            if category not in codes:
                _problem(
                    problems, f"{cell_path}.category", _("Unknown category %(category)s.", category=repr(category))
                )
            if not isinstance(accessible, bool):
                _problem(problems, f"{cell_path}.accessible", _("Must be true or false."))
            seats += 1
            if label is not None:
                seat_label = f"{label}{number}"
                if seat_label in labels:
                    _problem(problems, f"{cell_path}.number", _("Duplicate seat label '%(label)s'.", label=seat_label))
                labels.add(seat_label)
            clean_cells.append({"number": number, "category": category, "accessible": accessible is True})
        clean_row = {"label": label, "seats": clean_cells}
        section = row.get("section")
        if section is not None:
            if not isinstance(section, str) or not 1 <= len(section.strip()) <= 60:
                _problem(problems, f"{path}.section", _("1 to 60 characters."))
            else:
                clean_row["section"] = section.strip()
        clean_rows.append(clean_row)
        if seats > MAX_SEATS:
            break
    if seats > MAX_SEATS:
        problems = {"rows": [_("At most %(max)s seats; this layout has more.", max=MAX_SEATS)]}
    elif seats == 0 and "rows" not in problems:
        _problem(problems, "rows", _("A layout needs at least one seat."))
    if problems:
        raise LayoutError(problems)
    return {"stage": stage, "categories": clean_categories, "rows": clean_rows}


def seats_of(layout: dict) -> list[Seat]:
    """Every seat in layout order, numbered 1..N."""
    seats = []
    for r, row in enumerate(layout["rows"]):
        for c, cell in enumerate(row["seats"]):
            if cell is not None:
                seats.append(
                    Seat(
                        f"{row['label']}{cell['number']}",
                        len(seats) + 1,
                        r,
                        c,
                        cell["category"],
                        bool(cell.get("accessible")),
                    )
                )
    return seats


def dumps(layout: dict) -> str:
    return json.dumps(layout, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class CompiledLayout:
    """A stored layout, parsed once per process: layouts are never changed, so the id is the cache key."""

    layout: dict
    seats: tuple[Seat, ...]
    by_label: dict
    price_pct: dict  # category code -> price_pct
    grid: tuple  # per row: a tuple of cells, each (label, category, accessible) or None for a gap
    ranks: dict  # category code -> 0 for the best (highest price_pct; ties: the layout's order), 1, ...
    middles: dict  # category code -> the middle row index of that category's rows
    row_order: tuple  # row indexes, nearest their category's middle first, with that distance
    # per row: the one category code of all its seats when none of them is accessible, else None (a block
    # in such a row needs no per-seat category or wheelchair check)
    uniform: tuple = ()
    # per row: each cell's label and category code (None for a gap), for the ranked pick (seating.picking)
    labels: tuple = ()
    codes: tuple = ()
    # seating.picking's candidate blocks in preference order, per (quantity, categories), built on first use:
    # they live as long as the parsed layout does (this process's cache of it, `compiled` below)
    rankings: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def seat_count(self) -> int:
        return len(self.seats)


def compile_layout(text: str) -> CompiledLayout:
    layout = json.loads(text)
    seats = tuple(seats_of(layout))
    grid = tuple(
        tuple(
            None
            if cell is None
            else (f"{row['label']}{cell['number']}", cell["category"], bool(cell.get("accessible")))
            for cell in row["seats"]
        )
        for row in layout["rows"]
    )
    order = sorted(enumerate(layout["categories"]), key=lambda pair: (-pair[1]["price_pct"], pair[0]))
    ranks = {category["code"]: rank for rank, (_, category) in enumerate(order)}
    rows_of: dict[str, list[int]] = {}
    for seat in seats:
        rows_of.setdefault(seat.category, []).append(seat.row)
    middles = {code: (min(found) + max(found)) / 2 for code, found in rows_of.items()}
    row_dy = [
        min((abs(r - middles[cell[1]]) for cell in cells if cell is not None), default=float("inf"))
        for r, cells in enumerate(grid)
    ]
    row_order = tuple(sorted((row_dy[r], r) for r in range(len(grid))))
    uniform = []
    for cells in grid:
        codes = {cell[1] for cell in cells if cell is not None}
        accessible = any(cell[2] for cell in cells if cell is not None)
        uniform.append(next(iter(codes)) if len(codes) == 1 and not accessible else None)
    return CompiledLayout(
        layout,
        seats,
        {s.label: s for s in seats},
        {c["code"]: c["price_pct"] for c in layout["categories"]},
        grid,
        ranks,
        middles,
        row_order,
        tuple(uniform),
        tuple(tuple(None if cell is None else cell[0] for cell in cells) for cells in grid),
        tuple(tuple(None if cell is None else cell[1] for cell in cells) for cells in grid),
    )


def digest(text: str) -> str:
    """Stored beside the layout: with the id it keys the per-process cache (test databases reuse ids)."""
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


_compiled: dict[tuple[int, str], CompiledLayout] = {}


def compiled(layout_id: int, layout_digest: str, load) -> CompiledLayout:
    """The parsed layout with this id and digest; `load()` gives its JSON text when it is not cached yet."""
    key = (layout_id, layout_digest)
    found = _compiled.get(key)
    if found is None:
        if len(_compiled) >= 256:
            _compiled.clear()
        found = _compiled[key] = compile_layout(load())
    return found


def default_label(seat_no: int) -> str:
    """The label of seat number `seat_no` (1-based) in a default layout: 1 -> A1, 20 -> A20, 21 -> B1."""
    row, seat = divmod(seat_no - 1, DEFAULT_ROW_SEATS)
    return f"{row_label(row)}{seat + 1}"


_defaults: dict[int, CompiledLayout] = {}


def compiled_default(capacity: int) -> CompiledLayout:
    """The default layout of `capacity` seats: what a theatre or screening without a stored layout sells
    (rows written straight to the database by bulk loaders)."""
    found = _defaults.get(capacity)
    if found is None:
        found = _defaults[capacity] = compile_layout(dumps(default_layout(capacity)))
    return found
