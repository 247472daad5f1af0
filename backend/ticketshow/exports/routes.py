"""Start a theatre's CSV export, and download it when it is done (admins only)."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import send_file
from flask_jwt_extended import current_user

from ..auth.guards import admin_required
from ..jobs.schemas import JobAccepted, accepted
from . import service
from .tasks import enqueue_export

bp = APIBlueprint("exports", __name__, url_prefix="/api", tag="Jobs")


@bp.post("/theatres/<int:theatre_id>/export")
@admin_required
@bp.output(JobAccepted, status_code=202)
@bp.doc(summary="Export a theatre's screenings as CSV (a job; the admin is mailed when it ends)",
        responses={404: "No such theatre"})
def export_theatre(theatre_id: int):
    return accepted(enqueue_export(theatre_id, requested_by=current_user.id))


@bp.get("/exports/<int:job_id>/download")
@admin_required
@bp.doc(summary="Download a finished export (text/csv)",
        responses={200: {"description": "The CSV", "content": {"text/csv": {}}}, 404: "Not finished or no such export"})
def download_export(job_id: int):
    path, name = service.export_file(job_id)
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=name, max_age=0)
