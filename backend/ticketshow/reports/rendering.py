"""Jinja2 for emails and reports only (the UI is the Vue app). Autoescaped HTML; plain-text twins."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _rupees(value) -> str:
    amount = Decimal(value or 0).quantize(Decimal("0.01"))
    return f"₹{amount:,.2f}"


def _signed(value) -> str:
    return f"+{value}" if value > 0 else str(value)


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a typo in a template fails the test, not a user's mail
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters["rupees"] = _rupees
environment.filters["signed"] = _signed


def render(name: str, **context) -> str:
    return environment.get_template(name).render(**context)
