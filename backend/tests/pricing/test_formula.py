"""The pricing formula on its own: bounds, whole rupees, and prices that follow demand and time."""

from decimal import Decimal

import pytest

from ticketshow.pricing.formula import PricingRule, dynamic_price

RULE = PricingRule(floor_pct=80, ceiling_pct=150)


def price(sold, *, total=100, recent=0, hours=200.0, base="200", rule=RULE):
    return dynamic_price(
        Decimal(base), rule, seats_total=total, seats_sold=sold, recent_seats=recent, hours_to_start=hours
    )


@pytest.mark.parametrize("base", ["200", "250.50", "99.99", "1"])
def test_price_stays_between_floor_and_ceiling_in_whole_rupees(base):
    lowest, highest = Decimal(base) * Decimal("0.8"), Decimal(base) * Decimal("1.5")
    seen = set()
    for sold in range(0, 101, 5):
        for recent in (0, 5, 50):
            for hours in (-1, 0, 2, 24, 71, 72, 500):
                quoted = price(sold, recent=min(recent, sold), hours=hours, base=base)
                seen.add(quoted)
                if lowest.to_integral_value() != highest.to_integral_value():
                    assert lowest <= quoted <= highest, (sold, recent, hours, quoted)
                    assert quoted == quoted.to_integral_value()
    assert len(seen) > 1 or base == "1"


def test_price_never_falls_as_seats_sell():
    for hours in (1, 30, 200):
        for recent in (0, 10):
            prices = [price(sold, recent=min(recent, sold), hours=hours) for sold in range(101)]
            assert prices == sorted(prices), (hours, recent)
            assert prices[-1] > prices[0]


def test_recent_bookings_push_the_price_up():
    assert price(20, recent=0) < price(20, recent=5) < price(20, recent=10) == price(20, recent=40)


def test_anchor_points():
    assert price(0, hours=500) == Decimal(200)  # nothing sold, days away: the base price
    assert price(0, hours=0) == Decimal(160)  # an empty house at the start: the floor
    assert price(100, recent=100, hours=5) == Decimal(300)  # full after a rush: the ceiling
    assert price(50, hours=500) == Decimal(235)  # half sold: 200 × (1 + 0.35 × 0.5)


def test_an_empty_house_gets_cheaper_as_the_start_nears():
    prices = [price(0, hours=h) for h in (100, 72, 48, 24, 0)]
    assert prices == sorted(prices, reverse=True) and prices[0] > prices[-1]


def test_bounds_too_tight_for_a_whole_rupee_keep_the_base_price():
    assert price(90, base="250.50", rule=PricingRule(100, 100)) == Decimal("250.50")
    assert price(90, base="250", rule=PricingRule(100, 100)) == Decimal("250")
