"""Seating layouts of three demo venues, as their halls are built; the other venues keep the default layout.

- Marina Kalai Arangam: a multiplex screen. Classic rows at the front, Prime in the middle, a row of
  Recliners at the back, a centre aisle all the way and two wheelchair spaces in row A.
- Rangmanch Playhouse: a proscenium theatre. Stalls with two side aisles, and a balcony (dress circle)
  above, sold at a premium.
- Cubbon Black Box: a small black box of four straight rows.
Each holds exactly the venue's capacity in catalogue.py.
"""

from __future__ import annotations


def _block(numbers, category, accessible=()):
    return [{"number": n, "category": category, "accessible": n in accessible} for n in numbers]


def multiplex() -> dict:
    rows = []
    for label in "ABCDEF":  # Classic: 12 + aisle + 12
        accessible = (1, 24) if label == "A" else ()
        rows.append(
            {
                "label": label,
                "section": "Classic",
                "seats": _block(range(1, 13), "classic", accessible)
                + [None]
                + _block(range(13, 25), "classic", accessible),
            }
        )
    for label in "GHJKLM":  # Prime (no row I, as cinemas skip it)
        rows.append(
            {
                "label": label,
                "section": "Prime",
                "seats": _block(range(1, 13), "prime") + [None] + _block(range(13, 25), "prime"),
            }
        )
    rows.append(
        {
            "label": "N",
            "section": "Recliners",
            "seats": [None, None]
            + _block(range(1, 7), "recliner")
            + [None] * 13
            + _block(range(7, 13), "recliner")
            + [None, None],
        }
    )
    return {
        "stage": "screen",
        "categories": [
            {"code": "classic", "name": "Classic", "price_pct": 100},
            {"code": "prime", "name": "Prime", "price_pct": 120},
            {"code": "recliner", "name": "Recliner", "price_pct": 180},
        ],
        "rows": rows,
    }


def proscenium_with_balcony() -> dict:
    rows = []
    for label in "ABCDEFGH":  # Stalls: 4 | aisle | 12 | aisle | 4
        accessible = (1, 20) if label == "H" else ()
        rows.append(
            {
                "label": label,
                "section": "Stalls",
                "seats": _block(range(1, 5), "stalls", accessible)
                + [None]
                + _block(range(5, 17), "stalls")
                + [None]
                + _block(range(17, 21), "stalls", accessible),
            }
        )
    for label in "JKL":  # Balcony, above the stalls
        rows.append(
            {
                "label": label,
                "section": "Balcony",
                "seats": _block(range(1, 11), "balcony") + [None] + _block(range(11, 21), "balcony"),
            }
        )
    return {
        "stage": "stage",
        "categories": [
            {"code": "stalls", "name": "Stalls", "price_pct": 100},
            {"code": "balcony", "name": "Balcony", "price_pct": 130},
        ],
        "rows": rows,
    }


def black_box() -> dict:
    return {
        "stage": "stage",
        "categories": [{"code": "general", "name": "General", "price_pct": 100}],
        "rows": [
            {"label": label, "seats": _block(range(1, 13), "general", (1,) if label == "A" else ())} for label in "ABCD"
        ],
    }


LAYOUTS = {
    "Marina Kalai Arangam": multiplex,
    "Rangmanch Playhouse": proscenium_with_balcony,
    "Cubbon Black Box": black_box,
}
