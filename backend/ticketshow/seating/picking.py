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
"""

from __future__ import annotations

import math
from collections.abc import Collection

from .layouts import CompiledLayout


def category_ranks(compiled: CompiledLayout) -> dict[str, int]:
    """0 for the best category (highest price_pct), then 1, 2, ...; the layout's order breaks ties."""
    return compiled.ranks


def best_available(
    compiled: CompiledLayout, unavailable: Collection[str], quantity: int, category: str | Collection[str] | None = None
) -> list[str] | None:
    """The labels of the best `quantity` seats that can be had, or None when fewer are left.

    `unavailable`: labels sold, held or blocked. `category`: only seats of that category (or of these
    categories): a user's choice.
    """
    if isinstance(category, str):
        category = {category}
    if quantity < 1:
        return []
    ranks, middles = compiled.ranks, compiled.middles
    best = None  # (score tuple, row, first cell of the block)
    # Rows nearest their category's middle first: once a block with nothing against it (no stranded seat,
    # the best category, no wheelchair space) is found, a row farther from the middle than that block's
    # distance cannot beat it, so a big house is rarely read to the end (the score still decides).
    grid, uniform = compiled.grid, compiled.uniform
    for dy, r in compiled.row_order:
        cells = grid[r]
        if best is not None and best[0][:3] == (False, 0, False) and dy > best[0][3]:
            break
        taken = [cell is not None and cell[0] in unavailable for cell in cells]
        free = [
            cell is not None and not taken[i] and (category is None or cell[1] in category)
            for i, cell in enumerate(cells)
        ]
        if free.count(True) < quantity:
            continue  # no block fits in this row (a sold-out middle row costs two list scans, no more)
        centre = (len(cells) - 1) / 2
        c = 0
        while c < len(cells):
            if not free[c]:
                c += 1
                continue
            start = c
            while c < len(cells) and free[c]:
                c += 1
            end = c  # a run of free seats [start, end), between taken seats, gaps or the row's ends
            if end - start < quantity:
                continue
            left_taken = start >= 1 and taken[start - 1]
            right_taken = end < len(cells) and taken[end]
            code = uniform[r] if uniform else None
            if code is not None:  # one category, no wheelchair space: only the place differs
                rank, row_dy = ranks[code], abs(r - middles[code])
                for a in range(start, end - quantity + 1):
                    stranded = (a - start == 1 and left_taken) or (end - (a + quantity) == 1 and right_taken)
                    score = (stranded, rank, False, math.hypot(abs(a + (quantity - 1) / 2 - centre), row_dy), r, a)
                    if best is None or score < best[0]:
                        best = (score, r, a)
                continue
            for a in range(start, end - quantity + 1):
                block = cells[a : a + quantity]
                code = block[0][1]
                if any(cell[1] != code for cell in block):
                    continue
                stranded = (a - start == 1 and left_taken) or (end - (a + quantity) == 1 and right_taken)
                accessible = any(cell[2] for cell in block)
                dx = abs(a + (quantity - 1) / 2 - centre)
                score = (stranded, ranks[code], accessible, math.hypot(dx, abs(r - middles[code])), r, a)
                if best is None or score < best[0]:
                    best = (score, r, a)
    if best is not None:
        _, r, a = best
        return [cell[0] for cell in grid[r][a : a + quantity]]
    # No block fits anywhere: every free seat, for the split pick (only now: a block is the usual answer).
    fallback_cells = [
        (ranks[cell[1]], r, c, cell[0])
        for _, r in compiled.row_order
        for c, cell in enumerate(grid[r])
        if cell is not None and cell[0] not in unavailable and (category is None or cell[1] in category)
    ]
    if len(fallback_cells) < quantity:
        return None
    return _split_pick(compiled, fallback_cells, quantity, middles)


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
