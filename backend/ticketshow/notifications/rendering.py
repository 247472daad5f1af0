"""Jinja2 for mail (and the reports built on it; the UI is the Vue app). Autoescaped HTML; plain-text twins.

The mail layout and the mails of this package live in templates/emails here; a package with mails of its
own (reports) gets a renderer over its templates folder and these, so its mails extend emails/_layout.html.

Templates speak the current locale (ticketshow.i18n; a worker wraps a render in force_locale for the
recipient): `{{ _("Seats") }}`, `{{ _("Hello %(name)s,", name=user.username) }}` and `ngettext` (Jinja's i18n
extension, new-style: variables are escaped), `lang()` for `<html lang>`, and the filters `rupees` (₹ with
Indian grouping), `when` (a local date and time), `day` (a date), `month` and `number`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from flask_babel import get_translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import i18n

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _rupees(value) -> str:
    return i18n.money(Decimal(value or 0))


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
        extensions=["jinja2.ext.i18n"],
    )
    # Jinja formats the result with the template's values itself (escaping them); flask_babel's gettext and
    # ngettext would format it again with only `num`, so the catalogue's own lookups are installed.
    env.install_gettext_callables(
        lambda message: get_translations().ugettext(message),
        lambda singular, plural, n: get_translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    env.filters["rupees"] = _rupees
    env.filters["signed"] = _signed
    env.filters["when"] = lambda moment: i18n.datetime_text(moment)
    env.filters["day"] = lambda moment: i18n.date_text(moment)
    env.filters["month"] = lambda moment: i18n.month_text(moment)
    env.filters["number"] = lambda value: i18n.number(value)
    env.globals["lang"] = i18n.current_locale
    return env


def renderer(*template_dirs: Path) -> Callable[..., str]:
    """render(name, **context) over these folders and the mail templates."""
    env = environment(*template_dirs)

    def render(name: str, **context) -> str:
        return env.get_template(name).render(**context)

    return render


render = renderer()
