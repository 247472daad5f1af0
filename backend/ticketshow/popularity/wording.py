"""The forecast's reasons and drivers as codes with parameters, worded in the reader's language.

A forecast run stores each reason as {"code", "params", "label", "effect"} and each driver as {"code",
"label", "share"}: `label` is the English wording at run time (kept for older clients and for rows written
before codes existed), `code` + `params` are what the words are made from. Answers re-word `label` from
the code in the request's language (Flask-Babel), so a Hindi or Tamil dashboard reads its own language and
the server's catalogues stay the one place the words live (the same sentences reach mail and the UI).

Codes (stable; clients may branch on them) and their params:
- too_little_history {finished, needed}: the naive forecast, not enough finished screenings to train
- sold {share} / none_sold {}: bookings so far (share 0..1)
- when {weekday (0 = Monday .. 6), slot ("morning" | "afternoon" | "evening" | "late")}
- show_first {} / show_usual {share}: the show's past occupancy
- similar_none {tags} / similar {tags, share}: shows sharing tags (tags: up to 3 names, data, untranslated)
- theatre_first {} / theatre_usual {share}
- new_today {} / new_days {days} / running_weeks {weeks}: how new the show is
- rating {rating}: the admin's rating, 0..5
Drivers' codes are the reason groups: sold, when, show, similar, theatre, novelty, rating.
"""

from __future__ import annotations

from .. import i18n
from ..i18n import N_, _, ngettext

GROUP_LABELS = {
    "sold": N_("Bookings so far"),
    "when": N_("Day of the week and time of day"),
    "show": N_("The show's past occupancy"),
    "similar": N_("Similar shows' occupancy (shared tags)"),
    "theatre": N_("The theatre's past occupancy"),
    "novelty": N_("How new the show is"),
    "rating": N_("Admin rating"),
}

_SLOTS = {
    "morning": N_("%(weekday)s morning"),
    "afternoon": N_("%(weekday)s afternoon"),
    "evening": N_("%(weekday)s evening"),
    "late": N_("%(weekday)s late night"),
}


def reason(group: str, context: dict) -> dict:
    """The code and params of a reason from a feature row's context (features.FeatureRow.context)."""
    if group == "sold":
        return coded("sold", share=round(context["sold_share"], 4)) if context["sold"] else coded("none_sold")
    if group == "when":
        return coded("when", weekday=context["weekday_index"], slot=context["slot"])
    if group == "show":
        mean = context["show_mean"]
        return coded("show_first") if mean is None else coded("show_usual", share=round(mean, 4))
    if group == "similar":
        tags = list(context["tags"][:3])
        mean = context["similar_mean"]
        return coded("similar_none", tags=tags) if mean is None else coded("similar", tags=tags, share=round(mean, 4))
    if group == "theatre":
        mean = context["theatre_mean"]
        return coded("theatre_first") if mean is None else coded("theatre_usual", share=round(mean, 4))
    if group == "novelty":
        days = int(context["days_added"])
        if days < 1:
            return coded("new_today")
        if days < 28:
            return coded("new_days", days=days)
        return coded("running_weeks", weeks=days // 7)
    if group == "rating":
        return coded("rating", rating=round(float(context["rating"]), 2))
    raise ValueError(group)


def reason_text(code: str, params: dict) -> str:
    """A reason in a theatre manager's words, in the current language (inside a request or force_locale).
    Raises KeyError for an unknown code or a missing param."""
    p = params
    if code == "too_little_history":
        return _(
            "Too little history (%(finished)s of %(needed)s finished screenings): this show's average so far",
            finished=p["finished"],
            needed=p["needed"],
        )
    if code == "sold":
        return _("Already %(share)s sold", share=i18n.percent(p["share"]))
    if code == "none_sold":
        return _("No seats sold yet")
    if code == "when":
        template = _SLOTS[p["slot"]]  # a name bound first: the extractor takes only literals
        return _(template, weekday=i18n.weekday_name(p["weekday"]))
    if code == "show_first":
        return _("First screenings of this show")
    if code == "show_usual":
        return _("This show usually fills %(share)s", share=i18n.percent(p["share"]))
    if code == "similar_none":
        return _("No past screenings of similar shows (%(tags)s)", tags=_tags(p["tags"]))
    if code == "similar":
        return _("Similar shows (%(tags)s) fill %(share)s", tags=_tags(p["tags"]), share=i18n.percent(p["share"]))
    if code == "theatre_first":
        return _("First screenings at this theatre")
    if code == "theatre_usual":
        return _("This theatre usually fills %(share)s", share=i18n.percent(p["share"]))
    if code == "new_today":
        return _("New show, added today")
    if code == "new_days":
        return ngettext("New show, added %(num)d day ago", "New show, added %(num)d days ago", p["days"])
    if code == "running_weeks":
        return ngettext("Running for %(num)d week", "Running for %(num)d weeks", p["weeks"])
    if code == "rating":
        return _("Admin rating %(rating)s/5", rating=i18n.number(p["rating"]))
    raise KeyError(code)


def driver_text(code: str) -> str:
    """A driver (a kind of reason) in the current language. KeyError for an unknown code."""
    label = GROUP_LABELS[code]
    return _(label)


def localise_reasons(reasons: list[dict]) -> list[dict]:
    """Stored reasons with `label` worded in the current language. A reason stored before codes existed
    (no `code`) keeps its stored label and gets code null, params {}."""
    return [_localised(item, reason_text) for item in reasons]


def localise_drivers(drivers: list[dict]) -> list[dict]:
    return [_localised(item, lambda code, params: driver_text(code)) for item in drivers]


def _localised(item: dict, word) -> dict:
    code, params = item.get("code"), item.get("params") or {}
    out = {**item, "code": code, "params": params}
    if code is not None:
        try:
            out["label"] = word(code, params)
        except (KeyError, IndexError, TypeError, ValueError):  # a code from a newer release: its stored words stand
            pass
    return out


def _tags(tags: list[str]) -> str:
    return ", ".join(tags) if tags else _("no tags")


def coded(code: str, **params) -> dict:
    return {"code": code, "params": params}
