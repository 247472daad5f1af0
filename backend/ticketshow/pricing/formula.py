"""The dynamic price formula: a pure function of five figures, so the same inputs always give the same price.

docs/pricing.md explains it with examples; repricing.py applies it to screenings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

RECENT_WINDOW = timedelta(hours=6)
RUSH_SHARE = 0.10  # a tenth of the house booked within RECENT_WINDOW counts as a full rush
LAST_MINUTE_HOURS = 72  # from here on, a house that is still mostly empty gets cheaper
OCCUPANCY_WEIGHT, RUSH_WEIGHT = 0.7, 0.3


@dataclass(frozen=True)
class PricingRule:
    floor_pct: int
    ceiling_pct: int


def dynamic_price(
    base_price: Decimal,
    rule: PricingRule,
    *,
    seats_total: int,
    seats_sold: int,
    recent_seats: int,
    hours_to_start: float,
) -> Decimal:
    """The current price of a screening, in whole rupees, between the floor and the ceiling.

    demand  = 0.7 × share of seats sold + 0.3 × min(1, seats booked in the last 6 h / 10% of the seats)
    urgency = 1 − min(hours to start, 72) / 72           (0 three days out or more, 1 at the start)
    slack   = max(0, 1 − 2 × share of seats sold)         (1 for an empty house, 0 once half full)
    price   = base × (1 + demand × (ceiling − 1) − urgency × slack × (1 − floor))
    The price never falls as seats sell: demand only grows with sales and slack only shrinks.
    """
    if seats_total <= 0 or base_price <= 0:
        return base_price
    occupancy = min(seats_sold / seats_total, 1.0)
    rush = min(recent_seats / (RUSH_SHARE * seats_total), 1.0)
    demand = OCCUPANCY_WEIGHT * occupancy + RUSH_WEIGHT * rush
    urgency = 1 - min(max(hours_to_start, 0.0), LAST_MINUTE_HOURS) / LAST_MINUTE_HOURS
    slack = max(0.0, 1 - 2 * occupancy)
    floor, ceiling = rule.floor_pct / 100, rule.ceiling_pct / 100
    multiplier = 1 + demand * (ceiling - 1) - urgency * slack * (1 - floor)
    lowest = (base_price * rule.floor_pct / 100).to_integral_value(ROUND_CEILING)
    highest = (base_price * rule.ceiling_pct / 100).to_integral_value(ROUND_FLOOR)
    if lowest > highest:  # bounds too tight to hold a whole rupee: keep the base price
        return base_price
    price = (base_price * Decimal(repr(round(multiplier, 6)))).to_integral_value(ROUND_HALF_UP)
    return min(max(price, lowest), highest)


def seat_price(price: Decimal, price_pct: int) -> Decimal:
    """A seat's price: the screening's current price scaled by its category's price_pct, rounded half up to
    whole rupees (API.md "Seat maps"), under dynamic pricing too. 250 × 120 % = 300; 199 × 115 % = 228.85 -> 229.
    At 100 % the price is the screening's own, paise included (150.50 stays 150.50): a standard seat costs
    what the screening lists and what a booking was always charged."""
    if price_pct == 100:
        return Decimal(price).quantize(Decimal("0.01"))
    return (Decimal(price) * price_pct / 100).to_integral_value(ROUND_HALF_UP).quantize(Decimal("0.01"))
