"""The ranked best-available pick (seating/picking.py) against the scorer it replaced, kept as a reference
oracle (reference_picking.py): the same seats for many random house states, seeded. Pure functions, no
database."""

import random

from ticketshow.seating.layouts import compile_layout, default_layout, dumps, validate_layout
from ticketshow.seating.picking import best_available

from .reference_picking import reference_best_available

CATEGORIES = [
    {"code": "classic", "name": "Classic", "price_pct": 100},
    {"code": "prime", "name": "Prime", "price_pct": 150},
    {"code": "twin", "name": "Twin", "price_pct": 150},  # a tie with prime: the layout's order decides
    {"code": "box", "name": "Box", "price_pct": 300},
]


def random_layout(rng: random.Random):
    """Rows of 1-16 cells with gaps, categories that change along a row or not at all, wheelchair spaces."""
    categories = rng.sample(CATEGORIES, rng.randint(1, len(CATEGORIES)))
    codes = [c["code"] for c in categories]
    rows = []
    for r in range(rng.randint(1, 9)):
        cells, number = [], 0
        code = rng.choice(codes)
        for _ in range(rng.randint(1, 16)):
            if number and rng.random() < 0.12:
                cells.append(None)
                continue
            if rng.random() < 0.15:
                code = rng.choice(codes)
            number += 1
            cells.append({"number": number, "category": code, "accessible": rng.random() < 0.06})
        if number == 0:
            cells.append({"number": 1, "category": code, "accessible": False})
        rows.append({"label": f"R{r}", "seats": cells})
    used = {cell["category"] for row in rows for cell in row["seats"] if cell}
    layout = {"categories": [c for c in categories if c["code"] in used], "rows": rows}
    return compile_layout(dumps(validate_layout(layout)))


def test_picking_matches_the_reference_over_random_houses():
    rng = random.Random(20261129)
    seen = {"stranding": 0, "split": 0, "none": 0, "category": 0, "accessible": 0, "block": 0}
    for _ in range(400):
        layout = random_layout(rng)
        labels = [seat.label for seat in layout.seats]
        codes = sorted(layout.price_pct)
        accessible = {seat.label for seat in layout.seats if seat.accessible}
        for _ in range(12):
            taken = set(rng.sample(labels, rng.randint(0, len(labels))))
            quantity = rng.randint(1, 6)
            category = rng.choice([None, None, None, rng.choice(codes), set(rng.sample(codes, min(2, len(codes))))])
            expected = reference_best_available(layout, taken, quantity, category)
            got = best_available(layout, taken, quantity, category)
            assert got == expected, (layout.layout, sorted(taken), quantity, category)
            # also as a dict of states, as the seat map reads them
            assert best_available(layout, dict.fromkeys(taken, "sold"), quantity, category) == expected
            if expected is None:
                seen["none"] += 1
                continue
            seen["category"] += category is not None
            seen["accessible"] += bool(accessible & set(expected))
            rows = {layout.by_label[label].row for label in expected}
            cells = sorted(layout.by_label[label].cell for label in expected)
            if len(rows) > 1 or cells[-1] - cells[0] + 1 != quantity:
                seen["split"] += 1
                continue
            seen["block"] += 1
            if _strands(layout, taken, expected):
                seen["stranding"] += 1
    # every path of the rules was exercised, so agreement means something
    assert all(count >= 20 for count in seen.values()), seen


def _strands(layout, taken: set[str], block: list[str]) -> bool:
    """The block leaves one free seat between itself and a taken seat of its row (coverage only: categories
    are not looked at)."""
    seats = [layout.by_label[label] for label in block]
    cells = layout.grid[seats[0].row]

    def is_taken(c):
        return 0 <= c < len(cells) and cells[c] is not None and cells[c][0] in taken

    def is_free(c):
        return 0 <= c < len(cells) and cells[c] is not None and cells[c][0] not in taken

    first, last = seats[0].cell, seats[-1].cell
    return (is_free(first - 1) and is_taken(first - 2)) or (is_free(last + 1) and is_taken(last + 2))


def test_selling_a_default_house_one_pick_at_a_time_matches_the_reference():
    """The drop the hold race benchmarks: a 1,000-seat default house sold 1-4 seats at a time to the end,
    with some holds let go again (their seats free in the middle of a sold area)."""
    layout = compile_layout(dumps(default_layout(1000)))
    rng = random.Random(17)
    taken: set[str] = set()
    picks = []
    while True:
        quantity = rng.randint(1, 4)
        expected = reference_best_available(layout, taken, quantity)
        assert best_available(layout, taken, quantity) == expected
        if expected is None:
            if best_available(layout, taken, 1) is None:
                break
            continue
        taken |= set(expected)
        picks.append(expected)
        if rng.random() < 0.05:
            taken -= set(picks.pop(rng.randrange(len(picks))))
    assert len(taken) == 1000


def test_the_ranking_is_kept_with_the_layout():
    layout = compile_layout(dumps(default_layout(100)))
    assert best_available(layout, set(), 2) == ["C10", "C11"]
    assert set(layout.rankings) == {(2, None)}
    blocks, places = layout.rankings[(2, None)]
    assert blocks[0] == ("C10", "C11") and places[0] == (2, 9)
    assert len(blocks) == 5 * 19  # every pair of neighbours in five rows of twenty
    best_available(layout, set(), 2, "standard")
    assert (2, frozenset({"standard"})) in layout.rankings
