"""A user's own monthly report, as a web page or a PDF download; the admin trigger that sends them all now."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import String
from flask import Response
from flask_jwt_extended import current_user
from marshmallow import validate

from .. import clock, policy
from ..auth.guards import auth_required
from ..errors import NotFound
from ..i18n import _, month_text
from ..jobs.schemas import MONTH_PATTERN, QUEUE_UNAVAILABLE, JobAccepted, accepted
from ..security import REPORT_CSP
from . import service
from .tasks import enqueue_monthly_reports

bp = APIBlueprint("reports", __name__, url_prefix="/api", tag="Reports")


class MonthlyReportQuery(Schema):
    month = String(
        load_default=None,
        metadata={
            "description": "YYYY-MM, 2000-01 to 2100-12; default: last month",
            "pattern": MONTH_PATTERN,
            "example": "2026-11",
        },
    )
    format = String(load_default="html", validate=validate.OneOf(["html", "pdf"]))


class MonthlyReportsIn(Schema):
    month = String(
        required=True,
        metadata={"description": "YYYY-MM, 2000-01 to 2100-12", "example": "2026-11", "pattern": MONTH_PATTERN},
    )


@bp.get("/reports/monthly")
@auth_required
@bp.input(MonthlyReportQuery, location="query", arg_name="query")
@bp.doc(
    operation_id="getMonthlyReport",
    responses={
        200: {
            "description": "The report: an HTML page (format=html) or a PDF (format=pdf)",
            "content": {
                "text/html": {"schema": {"type": "string", "contentMediaType": "text/html"}},
                "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}},
            },
        },
        404: "`no_activity`: nothing happened that month (no bookings, visits or ratings)",
        422: "`validation_error`: bad `month` (YYYY-MM, 2000-01 to 2100-12) or `format`",
    },
)
def monthly_report(query):
    """The caller's monthly report

    The caller's own entertainment report for `month` (default: last month): the bookings they made, the
    screenings they attended, what they spent and the ratings they gave, as HTML or PDF.
    """
    if query["month"]:
        first = clock.month_start(query["month"])
    else:
        first = clock.previous_month(clock.local_now().date().replace(day=1))
    report = service.monthly_report(current_user.id, first)
    if not report.has_activity:
        raise NotFound(
            _(
                "Nothing to report for %(month)s: no bookings, visits to shows or ratings.",
                month=month_text(first),
            ),
            code="no_activity",
            details={"month": f"{first:%Y-%m}"},
        )
    if query["format"] == "pdf":
        return Response(
            service.render_pdf(report),
            mimetype="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="ticket-show-{report.month_key}.pdf"',
                "Cache-Control": "private, no-store",
            },
        )
    # Opened on its own, the report runs no script and gets a unique origin (CSP sandbox); the UI shows it
    # in a sandboxed iframe too.
    return Response(
        service.render_html(report, for_mail=False),
        mimetype="text/html",
        headers={"Cache-Control": "private, no-store", "Content-Security-Policy": REPORT_CSP},
    )


@bp.post("/admin/jobs/monthly-reports")
@policy.allow(policy.can_run_jobs)
@bp.input(MonthlyReportsIn, arg_name="data")
@bp.output(JobAccepted, status_code=202)
@bp.doc(
    tags=["Jobs"],
    responses={
        422: "`validation_error`: bad month (YYYY-MM, 2000-01 to 2100-12), named in `details.month`",
        **QUEUE_UNAVAILABLE,
    },
)
def run_monthly_reports(data):
    """Send the monthly reports now

    Sends every user's report for `month` as the schedule does on the 1st; nobody gets two reports for the
    same month, and users with nothing in the month get none.
    """
    return accepted(enqueue_monthly_reports(clock.month_start(data["month"]), requested_by=current_user.id))
