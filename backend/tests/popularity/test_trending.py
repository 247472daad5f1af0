"""The Trending badge is rare enough to mean something: fast bookings for the size of the house, picking
up, and only the fastest tenth of each kind (popularity.service.trending_subjects)."""

from __future__ import annotations

from ticketshow.popularity.service import trending_subjects


def _shows(*stats):
    """{("show", n): (recent seats, seats in the 3 weeks before, seats on sale)} numbered from 1."""
    return {("show", n): s for n, s in enumerate(stats, start=1)}


def test_only_the_fastest_tenth_trend():
    # 20 shows all selling 20 % of their seats in 3 days, picking up fast: 2 badges, the two fastest.
    stats = _shows(*[(200 + n, 10, 1000) for n in range(20)])
    assert trending_subjects(stats) == {("show", 20), ("show", 19)}


def test_a_small_catalogue_still_gets_one_badge_at_most():
    stats = _shows((300, 0, 1000), (250, 0, 1000), (10, 0, 1000))
    assert trending_subjects(stats) == {("show", 1)}


def test_the_minimums_keep_dull_or_steady_sales_unbadged():
    assert trending_subjects(_shows((9, 0, 20))) == set()  # under 10 seats, however small the house
    assert trending_subjects(_shows((70, 0, 1000))) == set()  # 7 % of the house in 3 days: not fast
    assert trending_subjects(_shows((300, 2000, 1000))) == set()  # fast, but slower than before: not rising
    assert trending_subjects(_shows((300, 0, 0))) == set()  # nothing on sale


def test_shows_and_theatres_are_ranked_apart():
    stats = {("show", 1): (500, 0, 1000), ("theatre", 1): (100, 0, 1000), ("theatre", 2): (90, 0, 1000)}
    assert trending_subjects(stats) == {("show", 1), ("theatre", 1)}
