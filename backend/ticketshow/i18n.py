"""Languages: English, Hindi and Tamil (Flask-Babel over the catalogues in ticketshow/translations).

LOCALES are the codes a user may choose (preferences.locale) and the ones Accept-Language is matched
against; English is the fallback and the language of the source strings (msgids).

Which language:
- a request: the caller's chosen locale (read with the token, policy.Principal.locale), else the best
  match of Accept-Language (q-values honoured, "hi-IN" matches "hi"), else English;
- a worker's mail or PDF (no request): `recipient_locale(user, hint)`, the recipient's chosen locale, else
  the locale of the request that caused it when that request was the recipient's own (`request_hint()`,
  passed along with the task), else English; the task renders inside `flask_babel.force_locale(...)`.

Formatting (dates, times, numbers, money) goes through Babel with the locale's Indian variant ("hi" →
"hi_IN"): Indian digit grouping, ₹1,00,000.00.

Catalogues: translations/<hi|ta>/LC_MESSAGES/messages.po, extracted with babel.cfg (docs/i18n.md). The
compiled .mo files are committed next to them, so a fresh clone answers in Hindi and Tamil with no build
step; tests/test_i18n_catalogues.py fails when a .mo is stale, a msgid is untranslated or fuzzy, or the code
has a string the catalogue lacks.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from flask import g, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, gettext, lazy_gettext, ngettext, refresh

LOCALES = ("en", "hi", "ta")
DEFAULT_LOCALE = "en"
# Babel's data for the Indian variants: Indian digit grouping and en-IN's day-month order.
_TERRITORY = {"en": "en_IN", "hi": "hi_IN", "ta": "ta_IN"}

babel = Babel()

_ = gettext
_l = lazy_gettext

__all__ = [
    "LOCALES",
    "DEFAULT_LOCALE",
    "babel",
    "init_app",
    "current_locale",
    "force_locale",
    "recipient_locale",
    "request_hint",
    "translate_message",
    "money",
    "number",
    "percent",
    "weekday_name",
    "date_text",
    "datetime_text",
    "time_text",
    "month_text",
    "_",
    "_l",
    "N_",
    "ngettext",
]


def N_(message: str) -> str:  # noqa: N802  (the conventional name of gettext's no-op marker)
    """Marks a string for extraction without translating it here (it is translated where it is shown)."""
    return message


def init_app(app) -> None:
    babel.init_app(app, default_locale=DEFAULT_LOCALE, locale_selector=select_locale)
    # Flask-Babel keeps the chosen locale on `g`, which lives as long as the app context: a request inside an
    # app context that is already pushed (tests, a CLI command) would inherit the previous request's language.
    app.before_request(_fresh_locale)
    app.after_request(_vary_on_language)


def _fresh_locale() -> None:
    state = g._get_current_object()
    # Only an app context that already served a request has Flask-Babel's namespace to clear (a server
    # pushes a fresh one per request): refresh() would otherwise create it just to find nothing in it.
    if "_flask_babel" in state.__dict__:
        refresh()
    state.__dict__.pop("ticketshow_locale_from_request", None)


def _vary_on_language(response):
    """An answer whose words were chosen by Accept-Language says so (`Vary`), so no cache hands a Hindi error
    or report to an English reader. Answers that translated nothing (most 200s) stay cacheable as they were."""
    if g.get("ticketshow_locale_from_request"):
        headers = response.headers
        if "Vary" not in headers:  # what vary.add gives then, without parsing and rebuilding a header set
            headers["Vary"] = "Accept-Language"
        else:
            response.vary.add("Accept-Language")
    return response


def select_locale() -> str:
    """The request's language: the caller's chosen locale, else Accept-Language, else English.

    The caller is known once policy has verified the token; an error answered before that (401, a bad JSON
    body, an unknown path) follows Accept-Language, which the UI always sends with its current language.
    """
    if not has_request_context():
        return DEFAULT_LOCALE
    g.ticketshow_locale_from_request = True  # the answer depends on the caller or Accept-Language: Vary
    chosen = _caller_locale()
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def accepted_locale() -> str | None:
    """Accept-Language's best match among en/hi/ta; None when the request sent no such header or it names
    none of them. Sign-up keeps it as the new account's language, so that mail sent later with no request
    (reminders, monthly reports, waiting-list offers) reaches the person in the language they signed up in."""
    if not has_request_context() or not request.accept_languages:
        return None
    return request.accept_languages.best_match(LOCALES)


def _verified_caller():
    """flask_jwt_extended.get_current_user(), read from `g` where it keeps it: the caller whose token was
    verified on this request, None before that (or for an optional check without a token)."""
    loaded = g.get("_jwt_extended_jwt_user")
    return loaded["loaded_user"] if loaded else None


def _caller_locale() -> str | None:
    return getattr(_verified_caller(), "locale", None)


def current_locale() -> str:
    """ "en", "hi" or "ta": the language strings are being translated into right now."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LOCALES else DEFAULT_LOCALE


def request_hint() -> dict | None:
    """What a task needs to mail the caller of this request in the caller's language:
    {"user_id": int, "locale": "hi"}; None outside a request or before the caller is known."""
    if not has_request_context():
        return None
    principal = _verified_caller()
    if principal is None:
        return None
    return {"user_id": principal.id, "locale": select_locale()}


def recipient_locale(user, hint: dict | None = None) -> str:
    """The language of mail and PDFs for `user` (a User): their chosen locale, else the locale of the
    request that caused the mail when it was their own request (`hint` from request_hint()), else English."""
    if getattr(user, "locale", None) in LOCALES:
        return user.locale
    if hint and hint.get("user_id") == getattr(user, "id", None) and hint.get("locale") in LOCALES:
        return hint["locale"]
    return DEFAULT_LOCALE


def _babel_locale(locale: str | None = None) -> Locale:
    return Locale.parse(_TERRITORY.get(locale or current_locale(), "en_IN"))


def money(value, locale: str | None = None) -> str:
    """Rupees for the locale, Indian grouping: ₹1,00,000.00 (Decimal, int or a numeric string)."""
    amount = Decimal(value or 0).quantize(Decimal("0.01"))
    return format_currency(amount, "INR", locale=_babel_locale(locale))


def number(value, locale: str | None = None) -> str:
    """A count or quantity with the locale's (Indian) digit grouping: 12,34,567."""
    return format_decimal(value, locale=_babel_locale(locale))


def percent(share: float, locale: str | None = None) -> str:
    """A share (0..1) as a whole percentage for the locale: "40%" / "40%" / "40%" (Babel's pattern and digits)."""
    return format_percent(round(share, 2), locale=_babel_locale(locale))


def weekday_name(index: int, locale: str | None = None) -> str:
    """A day of the week by Python's weekday() (0 = Monday): "Saturday" / "शनिवार" / "சனிக்கிழமை"."""
    return _babel_locale(locale).days["format"]["wide"][index]


def datetime_text(moment: datetime, locale: str | None = None) -> str:
    """A local time as people read it, e.g. "Mon, 30 Nov, 2026, 6:30 pm" / "सोम, 30 नव॰ 2026, 6:30 pm" /
    "திங்., 30 நவ., 2026, 6:30 PM": the locale's own day and time patterns joined as it joins them.
    `moment` is already in the zone to show (APP_TIMEZONE)."""
    babel_locale = _babel_locale(locale)
    day = format_skeleton("yMMMEd", moment, locale=babel_locale)
    time = format_time(moment, "short", locale=babel_locale)
    return babel_locale.datetime_formats["medium"].replace("{1}", day).replace("{0}", time)


def date_text(moment, locale: str | None = None) -> str:
    """A day, e.g. "30 November 2026" / "30 நவம்பர், 2026"."""
    return format_date(moment, "long", locale=_babel_locale(locale))


def month_text(day, locale: str | None = None) -> str:
    """A month, e.g. "November 2026" / "नवंबर 2026" / "நவம்பர் 2026"."""
    return format_date(day, "LLLL y", locale=_babel_locale(locale))


def time_text(moment, locale: str | None = None) -> str:
    """A time of day, e.g. "6:30 pm"."""
    return format_time(moment, "short", locale=_babel_locale(locale))


# Marshmallow's and webargs' own messages for fields (their wording, placeholders and all). They are raised in
# English by the libraries; translate_message() finds the template a message came from and translates it.
LIBRARY_MESSAGES = [
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid datetime."),
    N_("Not a valid date."),
    N_("Not a valid time."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Invalid value for the field."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be one of: {choices}."),
    N_("Must be equal to {other}."),
    N_("String does not match expected pattern."),
    N_("Invalid input."),
    N_("Invalid type."),
]


@cache
def _library_patterns() -> list[tuple[re.Pattern, str]]:
    patterns = []
    for template in LIBRARY_MESSAGES:
        if "{" not in template:
            continue
        regex = re.escape(template)
        regex = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>.+?)", regex)
        patterns.append((re.compile(f"^{regex}$", re.DOTALL), template))
    return patterns


def translate_message(message) -> str:
    """A message in the current language: lazy strings are rendered, a library's English field message
    (e.g. "Length must be between 1 and 200.") is matched to its template and translated; anything else is
    returned as it is (already translated at its source, or data)."""
    text = str(message)
    if current_locale() == DEFAULT_LOCALE:
        return text
    translated = gettext(text)
    if translated != text:
        return translated
    for pattern, template in _library_patterns():
        match = pattern.match(text)
        if match:
            translated = gettext(template)
            for name, value in match.groupdict().items():  # not str.format: a value may hold braces
                translated = translated.replace("{" + name + "}", value)
            return translated
    return text
