"""Layouts (checking, the default, layout order) and best-available picking: pure functions, no database."""

import pytest

from ticketshow.seating.layouts import (
    LayoutError,
    compile_layout,
    default_label,
    default_layout,
    dumps,
    row_label,
    seats_of,
    validate_layout,
)
from ticketshow.seating.picking import best_available


def compiled(layout):
    return compile_layout(dumps(validate_layout(layout)))


def row(label, spec, category="std", accessible=()):
    """'....x..' style: '.' a seat (numbered left to right from 1), ' ' a gap."""
    seats, number = [], 0
    for char in spec:
        if char == " ":
            seats.append(None)
        else:
            number += 1
            seats.append({"number": number, "category": category, "accessible": number in accessible})
    return {"label": label, "seats": seats}


def house(*rows, categories=None):
    return compiled(
        {"categories": categories or [{"code": "std", "name": "Standard", "price_pct": 100}], "rows": list(rows)}
    )


# ---- layouts ----------------------------------------------------------------------------------------


def test_default_layout_rows_of_twenty_last_row_the_rest():
    layout = default_layout(45)
    assert [r["label"] for r in layout["rows"]] == ["A", "B", "C"]
    assert [len(r["seats"]) for r in layout["rows"]] == [20, 20, 5]
    assert layout["categories"] == [{"code": "standard", "name": "Standard", "price_pct": 100}]
    seats = seats_of(layout)
    assert len(seats) == 45 and seats[0].label == "A1" and seats[20].label == "B1" and seats[-1].label == "C5"
    assert [s.seat_no for s in seats] == list(range(1, 46))
    assert all(default_label(s.seat_no) == s.label for s in seats)


def test_default_layout_past_z_and_the_limits():
    layout = default_layout(10_000)
    assert len(layout["rows"]) == 500 and layout["rows"][26]["label"] == "AA" and layout["rows"][-1]["label"] == "SF"
    assert len(seats_of(layout)) == 10_000
    assert default_label(521) == "AA1"
    with pytest.raises(LayoutError):
        default_layout(10_001)


def test_layout_order_skips_gaps():
    layout = validate_layout(
        {"categories": [{"code": "std", "name": "S", "price_pct": 100}], "rows": [row("A", ".. .."), row("B", "...")]}
    )
    assert [(s.label, s.seat_no, s.cell) for s in seats_of(layout)] == [
        ("A1", 1, 0),
        ("A2", 2, 1),
        ("A3", 3, 3),
        ("A4", 4, 4),
        ("B1", 5, 0),
        ("B2", 6, 1),
        ("B3", 7, 2),
    ]


@pytest.mark.parametrize(
    "layout, field",
    [
        (
            {"categories": [{"code": "std", "name": "S", "price_pct": 100}], "rows": [row("A", ".."), row("A", "..")]},
            "rows.1.label",
        ),
        (
            {
                "categories": [{"code": "std", "name": "S", "price_pct": 100}],
                "rows": [{"label": "A", "seats": [{"number": 1, "category": "std"}, {"number": 1, "category": "std"}]}],
            },
            "rows.0.seats.1.number",
        ),
        (
            {"categories": [{"code": "std", "name": "S", "price_pct": 100}], "rows": [row("A", "..", category="vip")]},
            "rows.0.seats.0.category",
        ),
        (
            {"categories": [{"code": "std", "name": "S", "price_pct": 100}] * 2, "rows": [row("A", ".")]},
            "categories.1.code",
        ),
        (
            {"categories": [{"code": "std", "name": "S", "price_pct": 5}], "rows": [row("A", ".")]},
            "categories.0.price_pct",
        ),
        ({"categories": [{"code": "std", "name": "S", "price_pct": 100}], "rows": []}, "rows"),
        ({"categories": [{"code": "std", "name": "S", "price_pct": 100}], "rows": [row("A", "   ")]}, "rows"),
        ({"categories": [], "rows": [row("A", ".")]}, "categories"),
        (
            {"categories": [{"code": "std", "name": "S", "price_pct": 100}], "rows": [{"label": "A", "seats": "..."}]},
            "rows.0",
        ),
        (
            {
                "categories": [{"code": "std", "name": "S", "price_pct": 100}],
                "rows": [{"label": "A", "seats": [{"number": True, "category": "std"}]}],
            },
            "rows.0.seats.0.number",
        ),
        ([], "layout"),
    ],
)
def test_invalid_layouts_name_the_field(layout, field):
    with pytest.raises(LayoutError) as error:
        validate_layout(layout)
    assert field in error.value.problems


def test_more_than_ten_thousand_seats_is_refused():
    rows = [row(row_label(n), "." * 100) for n in range(100)] + [row("ZZZ", ".")]
    with pytest.raises(LayoutError) as error:
        validate_layout({"categories": [{"code": "std", "name": "S", "price_pct": 100}], "rows": rows})
    assert "10000" in error.value.problems["rows"][0]
    rows.pop()
    assert (
        len(seats_of(validate_layout({"categories": [{"code": "std", "name": "S", "price_pct": 100}], "rows": rows})))
        == 10_000
    )


# ---- best available ---------------------------------------------------------------------------------


def test_side_by_side_nearest_the_middle():
    layout = house(row("A", ".........."), row("B", ".........."), row("C", ".........."))
    assert best_available(layout, set(), 2) == ["B5", "B6"]
    assert best_available(layout, set(), 3) in (["B4", "B5", "B6"], ["B5", "B6", "B7"])


def test_one_row_block_beats_a_better_placed_split():
    layout = house(row("A", "....."), row("B", "....."), row("C", "....."))
    taken = {"B2", "B4", "A2", "A4"}  # the middle row and the front are broken up
    assert best_available(layout, taken, 3) == ["C2", "C3", "C4"]


def test_never_strands_a_single_seat_when_another_choice_avoids_it():
    layout = house(row("A", "........"))
    # A1 sold: the middle pair A4-A5 would be fine, but A2-A3 taken would strand nobody either;
    # with A1 and A4 sold, A2-A3 is flush and leaves no single seat.
    assert best_available(layout, {"A1", "A4"}, 2) in (["A2", "A3"], ["A5", "A6"], ["A7", "A8"])
    picked = best_available(layout, {"A1", "A4"}, 2)
    free_after = {f"A{n}" for n in range(1, 9)} - {"A1", "A4"} - set(picked)
    for n in range(2, 8):  # no free seat with taken seats on both sides
        assert not (f"A{n}" in free_after and f"A{n - 1}" not in free_after and f"A{n + 1}" not in free_after)
    # Taking A3-A4 of A1..A6 with A1 sold would strand A2: the picker moves over.
    assert best_available(house(row("A", "......")), {"A1"}, 2) != ["A3", "A4"]


def test_a_stranded_seat_is_accepted_when_nothing_else_fits():
    layout = house(row("A", "....."))
    assert best_available(layout, {"A1", "A5"}, 2) in (["A2", "A3"], ["A3", "A4"])


def test_an_aisle_is_not_a_taken_seat_and_blocks_are_not_split_by_it():
    layout = house(row("A", "... ..."), row("B", "... ..."))
    assert best_available(layout, set(), 3) in (["A1", "A2", "A3"], ["A4", "A5", "A6"])
    # no block of 4 across the aisle: two pieces of the longest runs instead
    picked = best_available(layout, set(), 4)
    assert len(picked) == 4 and len({label[0] for label in picked}) <= 2
    # a pair flush against the aisle leaves one seat between it and a sold seat? A1 sold, A2-A3 is flush.
    assert best_available(house(row("A", "... ...")), {"A1", "A4", "A5", "A6"}, 2) == ["A2", "A3"]


def test_best_category_first_and_its_own_middle():
    categories = [
        {"code": "classic", "name": "Classic", "price_pct": 100},
        {"code": "recliner", "name": "Recliner", "price_pct": 180},
    ]
    layout = house(
        row("A", "......", "classic"),
        row("B", "......", "classic"),
        row("C", "....", "recliner"),
        categories=categories,
    )
    assert best_available(layout, set(), 2) == ["C2", "C3"]
    assert best_available(layout, {"C1", "C2", "C3", "C4"}, 2) in (["A3", "A4"], ["B3", "B4"])
    assert best_available(layout, set(), 2, "classic") in (["A3", "A4"], ["B3", "B4"])


def test_accessible_seats_are_kept_for_those_who_need_them():
    layout = house(row("A", "....", accessible=(2, 3)), row("B", "...."))
    assert best_available(layout, set(), 2) == ["B2", "B3"]


def test_split_over_rows_when_no_row_has_the_block():
    layout = house(row("A", "...."), row("B", "...."))
    picked = best_available(layout, {"A1", "A3", "B2", "B4"}, 3)
    assert len(picked) == 3 and not set(picked) & {"A1", "A3", "B2", "B4"}
    assert best_available(layout, {"A1", "A2", "A3", "B1", "B2", "B3"}, 3) is None
    assert best_available(layout, {"A1", "A2", "A3", "B1", "B2"}, 3) == ["B3", "A4", "B4"] or sorted(
        best_available(layout, {"A1", "A2", "A3", "B1", "B2"}, 3)
    ) == ["A4", "B3", "B4"]


def test_every_seat_can_be_sold_one_pick_at_a_time():
    layout = house(*[row(label, "......... .........") for label in "ABCDE"])
    taken: set[str] = set()
    sizes = [3, 1, 4, 2, 2, 5, 1, 3]
    n = 0
    while len(taken) < 90:
        quantity = min(sizes[n % len(sizes)], 90 - len(taken))
        picked = best_available(layout, taken, quantity)
        assert picked is not None and len(set(picked)) == quantity and not set(picked) & taken
        taken |= set(picked)
        n += 1
    assert best_available(layout, taken, 1) is None
