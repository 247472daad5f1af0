"""Best available seats: a pure function of the layout, the seats that cannot be had, and how many.

The rules (docs/seating.md), in order of weight:
1. Side by side in one row when possible: a block of `quantity` adjacent seats (no gap between them) of one
   category is always preferred to seats spread over rows.
2. Never leave a single empty seat stranded between two taken ones (sold, held, blocked, or this block)
   when another block avoids it: an aisle or a row's end is not "taken".
3. The best category they can have: categories rank by price_pct, highest first (ties: the layout's order);
   a block in a better category beats any block in a worse one.
4. Keep accessible (wheelchair) seats for those who need them when another block avoids them.
5. Nearest the middle: the block's centre closest to its row's centre, and the row closest to the middle
   row of that category (distance in seat widths and rows).
When no block fits in any category, the seats are taken in as few pieces as possible: each time the
longest available run (up to what is still needed), nearest the middle, best category first.

How: rules 3-5 (and the final tie-breaks, front row first, then leftmost) do not depend on what is taken, so
every block a layout offers for a quantity is ranked by them once per process (`_ranking`, kept with the
parsed layout); a pick walks that ranking and answers the first block with no seat taken that strands no
seat (rule 2 outranks the others), or, when every free block strands one, the first free block. This is
exactly the block that scoring every block by (stranded, category, wheelchair, distance, row, seat) would
choose: tests/seating/reference_picking.py keeps that scorer, and a property test compares the two.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Collection
from itertools import islice

from .layouts import CompiledLayout

_RANKINGS_PER_LAYOUT = 64  # quantities x category choices: a layout sells 1..BOOKING_MAX_QUANTITY


def category_ranks(compiled: CompiledLayout) -> dict[str, int]:
    """0 for the best category (highest price_pct), then 1, 2, ...; the layout's order breaks ties."""
    return compiled.ranks


def best_available(
    compiled: CompiledLayout, unavailable: Collection[str], quantity: int, category: str | Collection[str] | None = None
) -> list[str] | None:
    """The labels of the best `quantity` seats that can be had, or None when fewer are left.

    `unavailable`: labels sold, held or blocked (a set is used as it is; another collection is copied into
    one). `category`: only seats of that category (or of these categories): a user's choice.
    Cost: one C-level pass over the ranked blocks until the first free one (a few microseconds when the middle
    is free, ~0.1 ms for a 1,000-seat house nearly sold), plus building the ranking on first use.
    """
    if isinstance(category, str):
        category = {category}
    if quantity < 1:
        return []
    taken = unavailable if isinstance(unavailable, (set, frozenset)) else set(unavailable)
    blocks, places = _ranking(compiled, quantity, category)
    is_free = taken.isdisjoint  # a block is a tuple of labels: free when none of them is taken
    first_stranding = None
    start = 0
    while True:
        try:
            found = start + operator.indexOf(map(is_free, islice(blocks, start, None)), True)
        except ValueError:  # no free block after `start`
            break
        r, a = places[found]
        if not _strands(compiled.labels[r], compiled.codes[r], a, quantity, taken, category):
            return list(blocks[found])
        if first_stranding is None:
            first_stranding = found
        start = found + 1
    if first_stranding is not None:
        return list(blocks[first_stranding])
    # No block fits anywhere: every free seat, for the split pick (only now: a block is the usual answer).
    ranks, grid = compiled.ranks, compiled.grid
    fallback_cells = [
        (ranks[cell[1]], r, c, cell[0])
        for _, r in compiled.row_order
        for c, cell in enumerate(grid[r])
        if cell is not None and cell[0] not in taken and (category is None or cell[1] in category)
    ]
    if len(fallback_cells) < quantity:
        return None
    return _split_pick(compiled, fallback_cells, quantity, compiled.middles)


def _ranking(compiled: CompiledLayout, quantity: int, category: Collection[str] | None) -> tuple[tuple, tuple]:
    """(blocks, places): every block of `quantity` adjacent seats of one category (of `category`, if given) in
    one row, best first by (category rank, has a wheelchair space, distance from the middle, row, first
    seat); blocks[i] is its labels, places[i] its (row index, first cell index). Built once per layout,
    quantity and category choice (layouts never change)."""
    key = (quantity, None if category is None else frozenset(category))
    found = compiled.rankings.get(key)
    if found is not None:
        return found
    ranks, middles = compiled.ranks, compiled.middles
    entries = []
    for r, cells in enumerate(compiled.grid):
        centre = (len(cells) - 1) / 2
        for a in range(len(cells) - quantity + 1):
            block = cells[a : a + quantity]
            if any(cell is None for cell in block):
                continue  # across an aisle
            code = block[0][1]
            if (category is not None and code not in category) or any(cell[1] != code for cell in block):
                continue
            accessible = any(cell[2] for cell in block)
            distance = math.hypot(abs(a + (quantity - 1) / 2 - centre), abs(r - middles[code]))
            entries.append((ranks[code], accessible, distance, r, a, tuple(cell[0] for cell in block)))
    entries.sort(key=lambda entry: entry[:5])  # (row, first seat) is unique: the order is total
    found = tuple(entry[5] for entry in entries), tuple((entry[3], entry[4]) for entry in entries)
    if len(compiled.rankings) >= _RANKINGS_PER_LAYOUT:
        compiled.rankings.clear()
    compiled.rankings[key] = found
    return found


def _strands(labels: tuple, codes: tuple, a: int, quantity: int, taken, category) -> bool:
    """Whether the free block at cells [a, a + quantity) of a row leaves one free seat alone between itself
    and a taken seat: on either side, the next cell is a free seat (of `category`, if given) and the cell
    beyond it a taken one (a gap or the row's end is not taken)."""

    def free(i: int) -> bool:
        label = labels[i]
        return label is not None and label not in taken and (category is None or codes[i] in category)

    end = a + quantity
    return (a >= 2 and free(a - 1) and labels[a - 2] in taken) or (
        end + 1 < len(labels) and free(end) and labels[end + 1] in taken
    )


def _split_pick(compiled: CompiledLayout, free_cells: list, quantity: int, middles: dict) -> list[str]:
    """No block fits: take the longest runs first (fewest pieces), each nearest the middle, best category first."""
    grid = compiled.grid
    free = {(r, c): (rank, label) for rank, r, c, label in free_cells}
    picked: list[str] = []
    while len(picked) < quantity:
        need = quantity - len(picked)
        runs = []
        for (r, c), (rank, _) in free.items():
            if (r, c - 1) in free and free[(r, c - 1)][0] == rank:
                continue  # not the start of a run
            length = 1
            while (r, c + length) in free and free[(r, c + length)][0] == rank:
                length += 1
            runs.append((r, c, length, rank))
        candidates = []
        for r, c, length, rank in runs:
            take = min(length, need)
            centre = (len(grid[r]) - 1) / 2
            code = grid[r][c][1]
            best_a = min(range(c, c + length - take + 1), key=lambda a: abs(a + (take - 1) / 2 - centre))
            distance = math.hypot(best_a + (take - 1) / 2 - centre, r - middles[code])
            candidates.append((-take, rank, distance, r, best_a, take))
        _, _, _, r, a, take = min(candidates)
        for c in range(a, a + take):
            picked.append(free.pop((r, c))[1])
    return picked
