"""Theatre CSV export: a header block (theatre, generated at, totals), then one row per screening.

Rows are streamed from a cursor in batches (yield_per) straight into the file, so memory stays flat
however many screenings and tickets the theatre has. Text cells that a spreadsheet would run as a
formula are escaped.
"""

from __future__ import annotations

import csv
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, type_coerce

from .. import clock, i18n
from ..auth.models import User
from ..booking.models import CANCELLED, CONFIRMED, Booking
from ..catalog.models import Screening, Show, ShowTag, Theatre
from ..clock import utcnow
from ..database import MoneyColumn
from ..errors import NotFound
from ..extensions import db
from ..i18n import _
from ..jobs import service as jobs
from ..jobs.models import DONE, EXPORT, Job
from ..jobs.service import Outcome
from ..jobs.wording import Summary, error_text
from ..notifications.mail import Mail
from ..notifications.rendering import render
from ..ratings.service import user_ratings

Progress = Callable[[int, int], None]
BATCH = 1000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = [
    "Show",
    "Tags",
    "Start ({tz})",
    "Price (INR)",
    "Seats total",
    "Seats sold",
    "Revenue (INR)",
    "Cancellations",
    "Show user rating",
]


def safe_cell(value):
    """Text a spreadsheet would evaluate (=SUM(..), +1, -1, @cmd, tab/CR tricks) gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def exportable_theatre(theatre_id: int) -> Theatre:
    """The theatre, if it exists and is not removed; NotFound (404) otherwise."""
    theatre = db.session.get(Theatre, theatre_id)
    if theatre is None or theatre.removed_at is not None:
        raise NotFound(_("No such theatre."), details={"theatre_id": theatre_id})
    return theatre


@dataclass
class ExportOutcome(Outcome):
    rows: int = 0


def theatre_of_export(kwargs: dict) -> int | None:
    """The theatre of the URL's export job (policy.allow's `theatre`); None when there is no such export."""
    job = db.session.get(Job, kwargs["job_id"])
    if job is None or job.kind != EXPORT:
        return None
    return jobs.params_of(job).get("theatre_id")


def _money(expression):
    return type_coerce(func.coalesce(expression, 0), MoneyColumn)


def _per_screening():
    """Seats sold, revenue and cancellations of each screening: correlated, index-backed subqueries."""
    confirmed = (Booking.screening_id == Screening.id) & (Booking.status == CONFIRMED)
    sold = select(func.coalesce(func.sum(Booking.quantity), 0)).where(confirmed).scalar_subquery()
    revenue = select(_money(func.sum(Booking.total_price))).where(confirmed).scalar_subquery()
    cancelled = (
        select(func.count()).where(Booking.screening_id == Screening.id, Booking.status == CANCELLED).scalar_subquery()
    )
    return sold, type_coerce(revenue, MoneyColumn), cancelled


def totals(theatre_id: int) -> dict:
    screenings = db.session.scalar(
        select(func.count())
        .select_from(Screening)
        .where(Screening.theatre_id == theatre_id, Screening.removed_at.is_(None))
    )
    row = db.session.execute(
        select(
            func.coalesce(func.sum(Booking.quantity).filter(Booking.status == CONFIRMED), 0),
            _money(func.sum(Booking.total_price).filter(Booking.status == CONFIRMED)),
            func.count().filter(Booking.status == CANCELLED),
        )
        .join(Screening, Screening.id == Booking.screening_id)
        .where(Screening.theatre_id == theatre_id, Screening.removed_at.is_(None))
    ).one()
    return {"screenings": screenings, "tickets_sold": row[0], "revenue": row[1], "cancellations": row[2]}


def _show_facts(theatre_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """Tags and user rating of each show playing here (one row per show, never per screening)."""
    show_ids = select(Screening.show_id).where(Screening.theatre_id == theatre_id).distinct()
    tags: dict[int, list[str]] = {}
    for show_id, tag in db.session.execute(
        select(ShowTag.show_id, ShowTag.tag)
        .where(ShowTag.show_id.in_(show_ids))
        .order_by(ShowTag.show_id, ShowTag.position)
    ):
        tags.setdefault(show_id, []).append(tag)
    ratings = {show_id: f"{rating['average']:.2f}" for show_id, rating in user_ratings(show_ids).items()}
    return {show_id: "; ".join(names) for show_id, names in tags.items()}, ratings


def write_theatre_csv(theatre_id: int, progress: Progress = lambda done, total: None) -> ExportOutcome:
    """Write the theatre's CSV into the exports dir (through a `.partial` file, renamed when complete, and
    removed if the export fails). The outcome: the path relative to the data dir, the rows written, and the
    summary the list of past exports shows ("<theatre>: <rows> screening rows")."""
    theatre = exportable_theatre(theatre_id)
    settings = current_app.config["SETTINGS"]
    settings.exports_dir.mkdir(parents=True, exist_ok=True)
    generated = clock.to_local(utcnow())
    name = f"theatre-{theatre.id}-{generated:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.csv"
    final, partial = settings.exports_dir / name, settings.exports_dir / f".{name}.partial"
    try:
        written = _write(theatre, partial, generated, progress)
    except BaseException:
        partial.unlink(missing_ok=True)  # nothing half-written is left behind
        raise
    os.replace(partial, final)  # a reader never sees half a file
    return ExportOutcome(
        summary=Summary("export_rows", theatre=theatre.name, rows=written),
        result_path=str(final.relative_to(settings.data_dir)),
        rows=written,
    )


def _write(theatre: Theatre, partial: Path, generated, progress: Progress) -> int:
    settings = current_app.config["SETTINGS"]
    summary = totals(theatre.id)
    tags, ratings = _show_facts(theatre.id)
    sold, revenue, cancelled = _per_screening()
    rows = (
        select(
            Show.name,
            Screening.show_id,
            Screening.starts_at,
            Screening.price,
            Screening.seats_total,
            sold,
            revenue,
            cancelled,
        )
        .join(Show, Show.id == Screening.show_id)
        .where(Screening.theatre_id == theatre.id, Screening.removed_at.is_(None))
        .order_by(Screening.starts_at, Screening.id)
    )
    total, written, every = summary["screenings"], 0, max(summary["screenings"] // 50, 1)
    # utf-8-sig: Excel reads Hindi, Tamil and Japanese names right only with the BOM.
    with open(partial, "w", newline="", encoding="utf-8-sig") as handle, db.engine.connect() as connection:
        out = csv.writer(handle)
        for label, value in (
            ("Theatre", theatre.name),
            ("Place", theatre.place),
            ("Generated at", generated.isoformat(timespec="seconds")),
            ("Screenings", summary["screenings"]),
            ("Tickets sold", summary["tickets_sold"]),
            ("Revenue (INR)", _two(summary["revenue"])),
            ("Cancellations", summary["cancellations"]),
        ):
            out.writerow([label, safe_cell(value)])
        out.writerow([])
        out.writerow([column.format(tz=settings.app_timezone) for column in COLUMNS])
        # Its own connection: the progress writes commit on the session without closing this cursor.
        for row in connection.execution_options(yield_per=BATCH).execute(rows):
            out.writerow(
                [
                    safe_cell(row.name),
                    safe_cell(tags.get(row.show_id, "")),
                    clock.to_local(row.starts_at).strftime("%Y-%m-%d %H:%M"),
                    _two(row.price),
                    row.seats_total,
                    row[5],
                    _two(row[6]),
                    row[7],
                    ratings.get(row.show_id, ""),
                ]
            )
            written += 1
            if written % every == 0:
                handle.flush()  # keeps the file's mtime fresh: clean_partials leaves a live export alone
                progress(written, total)
    return written


def clean_partials() -> int:
    """Remove `.partial` export files that no writer touched for JOB_STALE_MINUTES (the worker writing them
    died; a failed export removes its own). Returns how many were removed."""
    settings = current_app.config["SETTINGS"]
    if not settings.exports_dir.is_dir():
        return 0
    cutoff = (utcnow() - timedelta(minutes=settings.job_stale_minutes)).timestamp()
    removed = 0
    for path in settings.exports_dir.glob(".*.partial"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # renamed or removed by its writer meanwhile
            continue
    return removed


def _two(amount) -> str:
    return f"{Decimal(amount or 0):.2f}"


def export_file(job_id: int) -> tuple[Path, str]:
    """The finished export's file and a download name; 404 until it is done."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != EXPORT or job.state != DONE or not job.result_path:
        raise NotFound(_("No finished export with this id."), details={"job_id": job_id})
    path = current_app.config["SETTINGS"].data_dir / job.result_path
    if not path.is_file():
        raise NotFound(_("The export file is gone; export again."), details={"job_id": job_id})
    return path, path.name


def outcome_mail(job_id: int, *, rows: int = 0, error: str | None = None) -> dict:
    """The admin's notice: "Export ready: <theatre>" or "Export failed: <theatre>" (as Mail fields)."""
    job = jobs.get(job_id)
    params = jobs.params_of(job)
    admin = db.session.get(User, job.requested_by) if job.requested_by else None
    # The requester's language: their choice, else the one their request had (kept in the job's params).
    locale = i18n.recipient_locale(admin, {"user_id": job.requested_by, "locale": params.get("locale")})
    with i18n.force_locale(locale):
        return _outcome_mail(job, params, admin, rows=rows, error=error)


def _outcome_mail(job: Job, params: dict, admin: User | None, *, rows: int, error: str | None) -> dict:
    job_id = job.id
    context = {
        "ok": error is None,
        "theatre": params.get("theatre_name") or _("a theatre"),
        "job_id": job_id,
        # A jobs.wording.JobError is worded in the mail's language; a plain str is shown as it is.
        "error": (error_text(getattr(error, "code", None), getattr(error, "params", {}), error) or "") if error else "",
        "rows": rows,
        "download_url": current_app.config["SETTINGS"].app_url.rstrip("/") + (job.result_url or ""),
    }
    subject = (
        _("Export ready: %(theatre)s", theatre=context["theatre"])
        if error is None
        else _("Export failed: %(theatre)s", theatre=context["theatre"])
    )
    mail = Mail(
        to=admin.email if admin else current_app.config["ADMIN_EMAIL"],
        to_name=admin.username if admin else None,
        subject=subject,
        text=render("emails/export_done.txt", **context),
        html=render("emails/export_done.html", **context),
    )
    return {"to": mail.to, "to_name": mail.to_name, "subject": mail.subject, "text": mail.text, "html": mail.html}
