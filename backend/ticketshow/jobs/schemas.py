from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Integer, String
from marshmallow import validate

from ..fields import OffsetDateTime
from ..pagination import PageQuery, page_schema
from .models import KINDS

MONTH_PATTERN = r"^[2-9][0-9]{3}-(0[1-9]|1[0-2])$"  # what clock.month_start accepts


class JobOut(Schema):
    id = Integer()
    kind = String(metadata={"enum": list(KINDS)})
    state = String(metadata={"enum": ["pending", "running", "done", "failed"]})
    progress = Integer(metadata={"description": "0..100"})
    result_url = String(
        allow_none=True,
        metadata={"description": "where to download the result (exports), once done; null before and for other kinds"},
    )
    error = String(allow_none=True, metadata={"description": "what went wrong, when failed; null otherwise"})
    summary = String(allow_none=True, metadata={"description": "a short description of the job or its outcome"})
    requested_by = Integer(allow_none=True)
    attempts = Integer(metadata={"description": "attempts started so far (a retried or requeued job has more than 1)"})
    retry_at = OffsetDateTime(
        allow_none=True,
        metadata={"description": "when a pending job that failed for now tries again (its error says why)"},
    )
    created_at = OffsetDateTime()
    updated_at = OffsetDateTime()
    finished_at = OffsetDateTime(allow_none=True)


JobPage = page_schema(JobOut, "JobPage")


class JobQuery(PageQuery):
    kind = String(validate=validate.OneOf(KINDS))


class JobAccepted(Schema):
    job_id = Integer()
    status_url = String()


# Every route that starts a job documents this answer (API.md: no job is left behind).
QUEUE_UNAVAILABLE = {503: "`queue_unavailable`: the job queue (Redis) cannot be reached; no job was created"}


def accepted(job) -> dict:
    return {"job_id": job.id, "status_url": f"/api/jobs/{job.id}"}
