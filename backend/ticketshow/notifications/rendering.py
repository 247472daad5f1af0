"""Jinja2 for mail (and the reports built on it; the UI is the Vue app). Autoescaped HTML; plain-text twins.

The mail layout and the mails of this package live in templates/emails here; a package with mails of its
own (reports) gets a renderer over its templates folder and these, so its mails extend emails/_layout.html.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _rupees(value) -> str:
    amount = Decimal(value or 0).quantize(Decimal("0.01"))
    return f"₹{amount:,.2f}"


def _signed(value) -> str:
    return f"+{value}" if value > 0 else str(value)


def environment(*template_dirs: Path) -> Environment:
    """A Jinja2 environment over these folders first, then the mail templates here."""
    env = Environment(
        loader=FileSystemLoader([*template_dirs, TEMPLATES]),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a typo in a template fails the test, not a user's mail
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["rupees"] = _rupees
    env.filters["signed"] = _signed
    return env


def renderer(*template_dirs: Path) -> Callable[..., str]:
    """render(name, **context) over these folders and the mail templates."""
    env = environment(*template_dirs)

    def render(name: str, **context) -> str:
        return env.get_template(name).render(**context)

    return render


render = renderer()
