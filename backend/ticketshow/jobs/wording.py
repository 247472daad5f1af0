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

A job's `error` is kept the same way (JobError; columns `error`, `error_code`, `error_params`), its codes:
- exception {type, message}: what the job's body raised (type and message are data: the exception's own words)
- not_yet_sent {owed, failures: ["user 5: SMTPRecipientsRefused", ...]}: a batch that still owes mail
- worker_lost {attempt, since (UTC ISO 8601 of the last heartbeat, or null)}: the worker died mid-attempt
- retrying {attempt, of, at (UTC ISO 8601), reason}: pending again until `at`, and why
- requeued {reason}: the watchdog put it back in the queue
- gave_up {attempts, reason}: failed for good after that many attempts
where `reason` is another error as {code, params} (or {text} for words without a code).
"""

from __future__ import annotations

from datetime import date, datetime

from .. import i18n
from ..clock import to_local
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


class JobError(str):
    """A job's error as a code with params (module docstring), like Summary: the str value is the English
    wording (what the `error` column keeps and the logs read; the admin's alert mail words the code in its
    reader's language). A JobError given as a param (a `reason`) is kept as {code, params}, any other str as
    {text}."""

    code: str
    params: dict

    def __new__(cls, code: str, **params):
        params = {
            key: _as_reason(value) if isinstance(value, str) and key == "reason" else value
            for key, value in params.items()
        }
        with force_locale("en"):
            text = error_text(code, params, None) or code
        value = super().__new__(cls, text[:2000])
        value.code, value.params = code, params
        return value


def _as_reason(reason: str) -> dict:
    return {"code": reason.code, "params": reason.params} if isinstance(reason, JobError) else {"text": str(reason)}


def error_text(code: str | None, params: dict, stored: str | None) -> str | None:
    """The error for `code` in the current language; `stored` when there is no code (rows older than
    codes) or it is unknown (a code from a newer release: its stored words stand)."""
    if code is None:
        return stored
    try:
        return _word_error(code, params)
    except (KeyError, TypeError, ValueError):
        return stored


def _reason(reason: dict) -> str:
    return reason["text"] if "text" in reason else _word_error(reason["code"], reason["params"])


def _utc_moment(value: str) -> str:
    """A stored UTC time (ISO 8601) as the reader reads the app's local time."""
    return i18n.datetime_text(to_local(datetime.fromisoformat(value)))


def _word_error(code: str, p: dict) -> str:
    if code == "exception":
        if not p.get("message"):
            return p["type"]
        return _("%(type)s: %(message)s", type=p["type"], message=p["message"])
    if code == "not_yet_sent":
        return ngettext(
            "%(num)d not yet sent: %(failures)s",
            "%(num)d not yet sent: %(failures)s",
            p["owed"],
            failures="; ".join(p["failures"]),
        )
    if code == "worker_lost":
        if p.get("since"):
            return _(
                "worker lost during attempt %(attempt)s (no heartbeat since %(since)s)",
                attempt=p["attempt"],
                since=_utc_moment(p["since"]),
            )
        return _("worker lost during attempt %(attempt)s (no heartbeat)", attempt=p["attempt"])
    if code == "retrying":
        return _(
            "attempt %(attempt)s of %(of)s: %(reason)s; next attempt at %(at)s",
            attempt=p["attempt"],
            of=p["of"],
            reason=_reason(p["reason"]),
            at=_utc_moment(p["at"]),
        )
    if code == "requeued":
        return _("%(reason)s; requeued", reason=_reason(p["reason"]))
    if code == "gave_up":
        return ngettext(
            "gave up after %(num)d attempt: %(reason)s",
            "gave up after %(num)d attempts: %(reason)s",
            p["attempts"],
            reason=_reason(p["reason"]),
        )
    raise KeyError(code)
