"""The best-available pick as it was before the ranked scan (seating/picking.py): a reference oracle.

Kept verbatim (bar this docstring, its name, and the split pick it shares with picking.py, which the ranked
scan did not change) so that test_picking_reference.py can compare the ranked scan with it over many random
house states: it scores every block of every row it reads, so it states the rules (docs/seating.md, "Best
available") more plainly than the fast version does.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from ticketshow.seating.layouts import CompiledLayout
from ticketshow.seating.picking import _split_pick  # unchanged: the split when no block fits


def reference_best_available(
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
