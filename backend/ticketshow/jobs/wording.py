"""Job summaries as codes with parameters, worded in the reader's language.

A task returns `Outcome(summary=Summary("reminders_sent", sent=12, day="2026-12-01", owed=0))`; the job row
keeps the English words in `summary` (older clients, alert mail, logs) and the code and params in
`summary_code` / `summary_params`; answers (JobOut) word `summary` from them in the request's language, so a
Hindi or Tamil dashboard reads its own language and the words live in the server's catalogues only.
A plain-string summary (an export's theatre name while it waits, rows older than codes) is shown as stored.

Codes (stable; clients may branch on them) and their params:
- reminders_sent {sent, day ("YYYY-MM-DD"), owed}: daily reminders mailed, and how many are still owed
- reports_sent {sent, month ("YYYY-MM"), owed}: monthly reports mailed
- export_rows {theatre (name, data), rows}: an export's CSV written
- forecast_done {screenings, model ("ridge" | "naive"), samples, mae (0..1 or null), baseline (0..1 or null)}
"""

from __future__ import annotations

from datetime import date

from .. import i18n
from ..i18n import N_, _, force_locale, ngettext

_MODELS = {"ridge": N_("ridge"), "naive": N_("naive")}  # the model kinds, as run_forecast names them


class Summary(str):
    """A job summary that is also a code with params: the str value is the English wording (what the
    `summary` column keeps), so it passes unchanged through every place a summary string goes."""

    code: str
    params: dict

    def __new__(cls, code: str, **params):
        with force_locale("en"):
            text = summary_text(code, params, None) or code
        value = super().__new__(cls, text[:300])
        value.code, value.params = code, params
        return value


def summary_text(code: str | None, params: dict, stored: str | None) -> str | None:
    """The summary for `code` in the current language; `stored` when there is no code or it is unknown."""
    if code is None:
        return stored
    try:
        return _word(code, params)
    except (KeyError, TypeError, ValueError):  # a code from a newer release: its stored words stand
        return stored


def _word(code: str, p: dict) -> str:
    if code == "reminders_sent":
        day = i18n.date_text(date.fromisoformat(p["day"]))
        if p.get("owed"):
            return ngettext(
                "%(num)d reminder sent for %(day)s; %(owed)s not yet sent",
                "%(num)d reminders sent for %(day)s; %(owed)s not yet sent",
                p["sent"],
                day=day,
                owed=p["owed"],
            )
        return ngettext("%(num)d reminder sent for %(day)s", "%(num)d reminders sent for %(day)s", p["sent"], day=day)
    if code == "reports_sent":
        month = i18n.month_text(date.fromisoformat(p["month"] + "-01"))
        if p.get("owed"):
            return ngettext(
                "%(num)d report sent for %(month)s; %(owed)s not yet sent",
                "%(num)d reports sent for %(month)s; %(owed)s not yet sent",
                p["sent"],
                month=month,
                owed=p["owed"],
            )
        return ngettext(
            "%(num)d report sent for %(month)s", "%(num)d reports sent for %(month)s", p["sent"], month=month
        )
    if code == "export_rows":
        return ngettext(
            "%(theatre)s: %(num)d screening row", "%(theatre)s: %(num)d screening rows", p["rows"], theatre=p["theatre"]
        )
    if code == "forecast_done":
        model_word = _MODELS[p["model"]]  # a name bound first: the extractor takes only literals
        model = _(model_word)
        if p.get("mae") is not None and p.get("baseline") is not None:
            return ngettext(
                "%(num)d screening forecast by the %(model)s model from %(samples)s snapshots; "
                "validation MAE %(mae)s vs naive %(baseline)s",
                "%(num)d screenings forecast by the %(model)s model from %(samples)s snapshots; "
                "validation MAE %(mae)s vs naive %(baseline)s",
                p["screenings"],
                model=model,
                samples=i18n.number(p["samples"]),
                mae=i18n.number(round(p["mae"], 3)),
                baseline=i18n.number(round(p["baseline"], 3)),
            )
        return ngettext(
            "%(num)d screening forecast by the %(model)s model from %(samples)s snapshots",
            "%(num)d screenings forecast by the %(model)s model from %(samples)s snapshots",
            p["screenings"],
            model=model,
            samples=i18n.number(p["samples"]),
        )
    raise KeyError(code)
