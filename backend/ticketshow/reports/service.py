"""Monthly entertainment report: what a user booked, saw, spent and rated in one local month.

- bookings made: bookings created in the month (cancelled ones counted apart);
- tickets and money spent: confirmed bookings made in the month;
- shows seen: confirmed bookings whose screening started in the month (and has started);
- ratings given: scores given or changed in the month;
- favourites: tags and theatres across the month's confirmed bookings and screenings seen;
- compared with the month before, and what is booked next.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select, union

from .. import clock, i18n
from ..auth.models import ROLE_USER, User
from ..booking.models import CONFIRMED, Booking
from ..catalog.models import Screening
from ..clock import utcnow
from ..database import from_paise, from_stored_time, named_rows, pooled_sqlite, to_stored_time
from ..errors import NotFound
from ..extensions import db
from ..i18n import _
from ..jobs.service import Outcome
from ..jobs.wording import Summary
from ..notifications import delivery, mail
from ..notifications.rendering import renderer
from ..ratings.models import Rating
from .models import ReportLog

TEMPLATES = Path(__file__).resolve().parent / "templates"
render = renderer(TEMPLATES)  # the report, in mail and as a PDF
PDF_STYLESHEET = TEMPLATES / "pdf" / "monthly_report.css"  # the same for every report: parsed once

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
UPCOMING_LIMIT = 5


@dataclass
class MonthlyReport:
    user: User
    month: date
    generated_at: datetime
    bookings: list[dict] = field(default_factory=list)
    cancelled: int = 0
    tickets: int = 0
    spent: Decimal = Decimal("0.00")
    seen: list[dict] = field(default_factory=list)
    ratings: list[dict] = field(default_factory=list)
    favourite_tags: list[tuple[str, int]] = field(default_factory=list)
    favourite_theatres: list[tuple[str, int]] = field(default_factory=list)
    previous: dict = field(default_factory=dict)
    upcoming: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        return i18n.month_text(self.month)  # in the current locale: "November 2026", "नवंबर 2026"

    @property
    def month_key(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def has_activity(self) -> bool:
        return bool(self.bookings or self.seen or self.ratings)

    @property
    def current(self) -> dict:
        return {
            "bookings": len(self.bookings),
            "tickets": self.tickets,
            "spent": self.spent,
            "shows_seen": len(self.seen),
        }

    @property
    def changes(self) -> dict:
        return {key: self.current[key] - self.previous.get(key, 0) for key in self.current}


# The report's reads are driver SQL on a pooled connection, in one read snapshot (docs/architecture.md,
# "Driver SQL"): through the ORM, building and reading back its statements cost about three quarters of a
# report's CPU (docs/benchmarks.md, "Monthly reports"), and the monthly run makes one report per active user.
# Values come back as the column types store them: paise and naive UTC text (database.from_paise,
# from_stored_time).
class _BookingRow(NamedTuple):
    id: int
    show_id: int
    show: str
    theatre: str
    place: str
    starts_at: str  # stored UTC text
    quantity: int
    total_paise: int
    status: str
    created_at: str  # stored UTC text


class _RatingRow(NamedTuple):
    show: str
    score: int


class _TotalsRow(NamedTuple):
    bookings: int
    tickets: int
    spent_paise: int
    seen: int


class _TagRow(NamedTuple):
    show_id: int
    tag: str


_BOOKINGS = """
    SELECT b.id, s.id, s.name, t.name, t.place, sc.starts_at, b.quantity, b.total_price, b.status, b.created_at
    FROM bookings b JOIN screenings sc ON sc.id = b.screening_id JOIN shows s ON s.id = sc.show_id
    JOIN theatres t ON t.id = sc.theatre_id"""
_MADE = _BOOKINGS + " WHERE b.user_id = ? AND b.created_at >= ? AND b.created_at < ? ORDER BY b.created_at, b.id"
_SEEN_WHERE = "b.user_id = ? AND b.status = ? AND sc.starts_at >= ? AND sc.starts_at < ?"
_SEEN = _BOOKINGS + f" WHERE {_SEEN_WHERE} ORDER BY sc.starts_at, b.id"
_UPCOMING = _BOOKINGS + " WHERE b.user_id = ? AND b.status = ? AND sc.starts_at > ? ORDER BY sc.starts_at, b.id LIMIT ?"
_RATINGS = """
    SELECT s.name, r.score FROM ratings r JOIN shows s ON s.id = r.show_id
    WHERE r.user_id = ? AND r.updated_at >= ? AND r.updated_at < ? ORDER BY r.updated_at"""
_TOTALS = f"""
    SELECT count(*), coalesce(sum(quantity) FILTER (WHERE status = ?), 0),
           coalesce(sum(total_price) FILTER (WHERE status = ?), 0),
           (SELECT count(*) FROM bookings b JOIN screenings sc ON sc.id = b.screening_id WHERE {_SEEN_WHERE})
    FROM bookings WHERE user_id = ? AND created_at >= ? AND created_at < ?"""
_TAGS = "SELECT show_id, tag FROM show_tags WHERE show_id IN ({marks}) ORDER BY show_id, position"


def _describe(rows: list[_BookingRow], tags: dict[int, list[str]]) -> list[dict]:
    """Bookings as the report shows them: rupees (Decimal), local times, the show's tags."""
    return [
        {
            "id": row.id,
            "show": row.show,
            "theatre": row.theatre,
            "place": row.place,
            "starts_at": clock.to_local(from_stored_time(row.starts_at)),
            "quantity": row.quantity,
            "total": from_paise(row.total_paise),
            "status": row.status,
            "tags": tags[row.show_id],
            "booked_at": clock.to_local(from_stored_time(row.created_at)),
        }
        for row in rows
    ]


def _totals(sqlite, user_id: int, first: date, now: datetime) -> dict:
    """The month's headline numbers, for the comparison with the month before."""
    start, end = clock.month_bounds(first)
    totals = named_rows(
        sqlite,
        _TotalsRow,
        _TOTALS,
        (CONFIRMED, CONFIRMED, user_id, CONFIRMED, to_stored_time(start), to_stored_time(min(end, now)))
        + (user_id, to_stored_time(start), to_stored_time(end)),
    ).fetchone()
    return {
        "bookings": totals.bookings,
        "tickets": totals.tickets,
        "spent": from_paise(totals.spent_paise),
        "shows_seen": totals.seen,
    }


def _read_month(sqlite, report: MonthlyReport, now: datetime) -> None:
    """Fill `report` (its user and month set) from the database, on one read snapshot of `sqlite`."""
    user_id = report.user.id
    start, end = clock.month_bounds(report.month)
    month = (to_stored_time(start), to_stored_time(end))
    made = named_rows(sqlite, _BookingRow, _MADE, (user_id, *month)).fetchall()
    seen_until = to_stored_time(min(end, now))
    seen = named_rows(sqlite, _BookingRow, _SEEN, (user_id, CONFIRMED, month[0], seen_until)).fetchall()
    upcoming = named_rows(
        sqlite, _BookingRow, _UPCOMING, (user_id, CONFIRMED, to_stored_time(now), UPCOMING_LIMIT)
    ).fetchall()
    show_ids = sorted({row.show_id for row in made + seen + upcoming})
    tags: dict[int, list[str]] = {show_id: [] for show_id in show_ids}
    if show_ids:
        for row in named_rows(sqlite, _TagRow, _TAGS.format(marks=",".join("?" * len(show_ids))), show_ids):
            tags[row.show_id].append(row.tag)
    report.bookings = _describe(made, tags)
    confirmed = [b for b in report.bookings if b["status"] == CONFIRMED]
    report.cancelled = len(made) - len(confirmed)
    report.tickets = sum(b["quantity"] for b in confirmed)
    report.spent = sum((b["total"] for b in confirmed), Decimal("0.00"))
    report.seen = _describe(seen, tags)
    report.ratings = [
        {"show": row.show, "score": row.score} for row in named_rows(sqlite, _RatingRow, _RATINGS, (user_id, *month))
    ]
    # Favourites weigh each booking once, whether it was made or seen this month (or both).
    involved = {d["id"]: d for d in confirmed + report.seen}
    tag_counts, theatres = Counter(), Counter()
    for described in involved.values():
        tag_counts.update(described["tags"])
        theatres[described["theatre"]] += 1
    report.favourite_tags = tag_counts.most_common(3)
    report.favourite_theatres = theatres.most_common(3)
    report.previous = _totals(sqlite, user_id, clock.previous_month(report.month), now)
    report.upcoming = _describe(upcoming, tags)


def monthly_report(user_id: int, first: date) -> MonthlyReport:
    """The report of user `user_id` for the local month that starts on `first` (a date, day 1), as of now.
    Raises NotFound for an unknown user."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    now = utcnow()
    report = MonthlyReport(user=user, month=first, generated_at=clock.to_local(now))
    with pooled_sqlite(db.engine) as sqlite:
        sqlite.execute("BEGIN")  # one snapshot: the month, the month before and what comes next agree
        try:
            _read_month(sqlite, report, now)
        finally:
            sqlite.rollback()
    return report


def _context(report: MonthlyReport, *, for_mail: bool = True) -> dict:
    return {"r": report, "app_url": current_app.config["SETTINGS"].app_url, "for_mail": for_mail}


def render_html(report: MonthlyReport, *, for_mail: bool = True) -> str:
    """The report as HTML: the email's body, or (for_mail=False) the page a user opens in the app."""
    return render("emails/monthly_report.html", **_context(report, for_mail=for_mail))


def html_reports(first: date, user_ids: list[int]):
    """The month's HTML reports (the mail's body) of `user_ids`, each in its user's language as report_mail
    makes it: yields (user id, HTML str) in the order given, users with nothing to report left out. The
    report alone, without the mail around it (bench/monthly_reports.py measures it so)."""
    for user_id in user_ids:
        report = monthly_report(user_id, first)
        if report.has_activity:
            with i18n.force_locale(i18n.recipient_locale(report.user)):
                yield user_id, render_html(report)


def render_text(report: MonthlyReport) -> str:
    return render("emails/monthly_report.txt", **_context(report))


class _PdfTools(threading.local):
    """WeasyPrint's set-up, made once per process and thread (see pdf_tools)."""

    pid: int | None = None
    font_config = stylesheets = fetcher = None


_pdf_tools = _PdfTools()


def pdf_tools() -> _PdfTools:
    """This process's (and thread's) WeasyPrint set-up: the font configuration (Fontconfig's font list and
    Pango's font map, with the fonts and shaping caches they fill), the report's stylesheet parsed once, and
    the URL fetcher; the tickets PDF uses the same. Made anew for every render, they cost over a quarter of a
    render's CPU, and memory that grows (docs/benchmarks.md, "Monthly reports"). Per thread because Pango's
    font map is not thread-safe; per process because a forked child must not share the parent's Fontconfig
    state."""
    tools = _pdf_tools
    if tools.pid != os.getpid():
        from weasyprint import CSS  # imported late: it loads Pango, which the web workers rarely need
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        # The report is self-contained: only data: URLs may load, so no request to another host or file can
        # come from a PDF render, whatever text a report holds (as the tickets PDF does).
        tools.fetcher = URLFetcher(allowed_protocols={"data"})
        tools.font_config = FontConfiguration()
        tools.stylesheets = [
            CSS(filename=str(PDF_STYLESHEET), font_config=tools.font_config, url_fetcher=tools.fetcher)
        ]
        tools.pid = os.getpid()
    return tools


def render_pdf(report: MonthlyReport) -> bytes:
    """The report as a PDF, from a cache per user and month: WeasyPrint takes about 0.15 s of CPU, which a
    web worker must not spend on every download. The cache key is a hash of the report's content (its
    render with the generation time left out), so a new booking in the month makes a new PDF and a repeat
    download or the mailed copy reuses it. Files live in $TICKETSHOW_DATA_DIR/report-cache/<user id>/,
    written atomically; older renders of the same month are removed."""
    from weasyprint import HTML

    content = render("pdf/monthly_report.html", **_context(replace(report, generated_at=datetime(2000, 1, 1))))
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:24]
    folder = current_app.config["SETTINGS"].data_dir / "report-cache" / str(report.user.id)
    path = folder / f"{report.month_key}-{digest}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    tools = pdf_tools()
    pdf = HTML(string=render("pdf/monthly_report.html", **_context(report)), url_fetcher=tools.fetcher).write_pdf(
        font_config=tools.font_config, stylesheets=tools.stylesheets
    )
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = folder / f".{path.name}.{os.getpid()}.partial"
    partial.write_bytes(pdf)
    os.chmod(partial, 0o600)
    os.replace(partial, path)
    for old in folder.glob(f"{report.month_key}-*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    return pdf


def report_mail(report: MonthlyReport) -> mail.Mail:
    """The report's mail (with the PDF when the user prefers it), in the user's language: the monthly run has
    no request, so their chosen locale, else English (i18n.recipient_locale)."""
    user = report.user
    with i18n.force_locale(i18n.recipient_locale(user)):
        subject = _("%(name)s, your Ticket Show month: %(month)s", name=user.username, month=report.label)
        message = mail.Mail(
            to=user.email, to_name=user.username, subject=subject, text=render_text(report), html=render_html(report)
        )
        if user.report_format == "pdf":
            message.attachments.append(
                mail.Attachment(f"ticket-show-{report.month_key}.pdf", render_pdf(report), "application", "pdf")
            )
    return message


# ---- the monthly run: one report per user per month, even if the job runs twice ---------------------------


def users_with_activity(first: date) -> list[int]:
    start, end = clock.month_bounds(first)
    now = utcnow()
    made = select(Booking.user_id).where(Booking.created_at >= start, Booking.created_at < end)
    seen = (
        select(Booking.user_id)
        .join(Booking.screening)
        .where(Booking.status == CONFIRMED, Screening.starts_at >= start, Screening.starts_at < min(end, now))
    )
    rated = select(Rating.user_id).where(Rating.updated_at >= start, Rating.updated_at < end)
    active = union(made, seen, rated).subquery()
    return list(
        db.session.scalars(
            select(User.id).where(User.id.in_(select(active.c[0])), User.role == ROLE_USER).order_by(User.id)
        )
    )


def pdf_processes() -> int:
    """How many processes render a batch's PDFs: the cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _pool_start(app) -> None:
    """A pool process, forked from the batch's: its own app context, and SQLite connections of its own (the
    parent's, copied by the fork, stay the parent's); SIGTERM and SIGINT as a plain process has them, not as
    the Celery worker it was forked from handles them, so that the pool's end ends it."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    app.app_context().push()
    db.engine.dispose(close=False)


def _prerender(job: tuple[int, date]) -> bool:
    """In a pool process: the user's PDF into the report cache, in their language as report_mail makes it
    (so the mail finds it there). False when there is nothing to report or it failed: the delivery then
    renders it itself, and records any error on the user's report_log row."""
    user_id, first = job
    try:
        report = monthly_report(user_id, first)
        if not report.has_activity:
            return False
        with i18n.force_locale(i18n.recipient_locale(report.user)):
            render_pdf(report)
        return True
    except Exception:  # noqa: BLE001  (the delivery tries again and records the error)
        log.warning("pre-rendering the PDF report of user %s failed", user_id, exc_info=True)
        db.session.rollback()
        return False
    finally:
        db.session.expunge_all()


@contextmanager
def _without_broker_after_fork():
    """Processes forked meanwhile skip kombu's after-fork clean-up of the broker connections they inherit.

    The clean-up closes each pooled connection in the child, and a channel left in a BRPOP is closed by
    reading that BRPOP's answer from the socket the parent shares: when the parent has read it, the child
    waits forever (seen: the test suite hung in a PDF child in `Channel._brpop_read`). The PDF children never
    use the broker, and their inherited sockets close when they exit."""
    import multiprocessing.util

    registry = multiprocessing.util._afterfork_registry  # noqa: SLF001  (stdlib's registry of after-fork hooks)
    kombu_hooks = {key: hook for key, hook in list(registry.items()) if key[2].__module__.startswith("kombu.")}
    for key in kombu_hooks:
        registry.pop(key, None)
    try:
        yield
    finally:
        registry.update(kombu_hooks)


def prerender_pdfs(first: date, user_ids: list[int], processes: int | None = None) -> int:
    """Render the month's PDF reports of `user_ids` into the report cache (render_pdf) in `processes`
    processes at once (default pdf_processes(), at most one per user): this one and `processes` - 1 forked
    ones. The monthly run is one task, and WeasyPrint is CPU-bound Python, so one process would use one core;
    this process renders its share too rather than wait, which saves a forked process's memory (its copied
    pages and its own font set-up) during the run. The mailing that follows finds each PDF in the cache.
    Returns how many were rendered (or were already cached)."""
    processes = min(processes or pdf_processes(), len(user_ids))
    jobs = [(uid, first) for uid in user_ids]
    if processes < 2:
        return sum(_prerender(job) for job in jobs)
    import billiard  # Celery's multiprocessing: its processes may start their own

    app = current_app._get_current_object()
    db.session.remove()  # nothing of the parent's session crosses the fork
    ours, theirs = jobs[::processes], [job for i, job in enumerate(jobs) if i % processes]
    # billiard, not multiprocessing: the monthly run is a task in a pool process of the Celery worker, which
    # is daemonic, and multiprocessing refuses to start children there ("daemonic processes are not allowed to
    # have children"), so the run used to render every PDF itself, on one core. fork: the children start with
    # the app and the code loaded, and take the app object without pickling.
    with _without_broker_after_fork():
        pool = billiard.get_context("fork").Pool(processes - 1, initializer=_pool_start, initargs=(app,))
    with pool:
        chunk = max(1, min(16, len(theirs) // (4 * (processes - 1))))
        theirs_done = pool.imap_unordered(_prerender, theirs, chunksize=chunk)  # under way from here on
        rendered = sum(_prerender(job) for job in ours) + sum(theirs_done)
        pool.close()  # each process leaves when the work is done, rather than being killed
        pool.join()
    return rendered


def send_monthly_reports(first: date, progress: Progress = lambda done, total: None) -> Outcome:
    """Claim the month's active users, then mail every report still owed for the month (see
    notifications/delivery.py): one user's failure (bad data, a refused address, SMTP away) is recorded on
    their report_log row and the rest go on; a retry or re-run sends only what is owed, so nobody gets two.
    The outcome says how many went out and how many are still owed (the job then tries again later)."""
    month_key = first.strftime("%Y-%m")
    delivery.claim(ReportLog, ReportLog.month, month_key, users_with_activity(first))
    owed = {user_id for _, user_id in delivery.owed_rows(ReportLog, ReportLog.month, month_key)}
    wants_pdf = set(db.session.scalars(select(User.id).where(User.report_format == "pdf")))
    if len(owed & wants_pdf) > 1:  # one PDF is rendered quicker than a pool starts
        try:
            prerender_pdfs(first, sorted(owed & wants_pdf))
        except Exception:  # noqa: BLE001  (only a head start: each delivery renders whatever is not cached)
            log.warning("pre-rendering the %s PDF reports failed", month_key, exc_info=True)

    def deliver(row_id: int, user_id: int) -> dict:
        report = monthly_report(user_id, first)
        if not report.has_activity:  # activity vanished between claim and send (a screening moved)
            return {"state": "skipped", "sent_at": utcnow(), "report_format": None, "error": "nothing to report"}
        mail.send(report_mail(report))
        return {"state": "sent", "sent_at": utcnow(), "report_format": report.user.report_format}

    result = delivery.deliver_all(ReportLog, ReportLog.month, month_key, deliver, progress)
    summary = Summary("reports_sent", sent=result.sent, month=month_key, owed=result.owed)
    return Outcome(summary=summary, owed=result.owed, failures=result.failures)
