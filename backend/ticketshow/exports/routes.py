"""Start a theatre's CSV export, and download it when it is done (admins only)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import send_file
from flask_jwt_extended import current_user

from .. import policy
from ..jobs.schemas import QUEUE_UNAVAILABLE, JobAccepted, accepted
from . import service
from .tasks import enqueue_export

bp = APIBlueprint("exports", __name__, url_prefix="/api", tag="Jobs")


@bp.post("/theatres/<int:theatre_id>/export")
@policy.allow(policy.can_export_theatre, theatre="theatre_id")
@bp.output(JobAccepted, status_code=202)
@bp.doc(responses={404: "`not_found`: no such theatre", **QUEUE_UNAVAILABLE})
def export_theatre(theatre_id: int):
    """Export a theatre's screenings as CSV

    Starts a background job that writes the theatre's screenings, seats sold and revenue as CSV; follow it
    at `status_url` (GET /api/jobs/{job_id}). When it is done the job's `result_url` downloads the file,
    and the admin gets an email.
    """
    return accepted(enqueue_export(theatre_id, requested_by=current_user.id))


@bp.get("/exports/<int:job_id>/download")
@policy.allow(policy.can_export_theatre, theatre=service.theatre_of_export)
@bp.doc(
    responses={
        200: {
            "description": "The CSV file, as an attachment",
            "content": {"text/csv": {"schema": {"type": "string", "contentMediaType": "text/csv"}}},
        },
        404: "`not_found`: no such export, not finished yet, or its file is gone",
    }
)
def download_export(job_id: int):
    """Download a finished export

    The CSV a finished export job wrote (its `result_url`), as `text/csv`.
    """
    path, name = service.export_file(job_id)
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=name, max_age=0)
