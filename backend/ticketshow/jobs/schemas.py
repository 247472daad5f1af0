from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Dict, Integer, String
from marshmallow import validate

from ..fields import OffsetDateTime
from ..pagination import PageQuery, page_schema
from .models import KINDS

MONTH_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"  # what clock.month_start accepts: 2000-01 to 2100-12


class JobOut(Schema):
    id = Integer()
    kind = String(metadata={"enum": list(KINDS)})
    state = String(metadata={"enum": ["pending", "running", "done", "failed"]})
    progress = Integer(metadata={"description": "0..100"})
    result_url = String(
        allow_none=True,
        metadata={"description": "where to download the result (exports), once done; null before and for other kinds"},
    )
    error = String(
        attribute="error_text",
        allow_none=True,
        metadata={
            "description": "what went wrong, when failed (or, while pending with a retry_at, why it tries again); "
            "null otherwise; in the request's language (worded from error_code when there is one)",
            "example": "gave up after 8 attempts: 2 not yet sent: user 5: SMTPRecipientsRefused",
        },
    )
    error_code = String(
        allow_none=True,
        metadata={
            "description": "the error as a stable code (its words follow the language, the code does not); null "
            "without an error and for older jobs",
            "enum": ["exception", "not_yet_sent", "worker_lost", "retrying", "requeued", "gave_up", None],
            "example": "gave_up",
        },
    )
    error_params = Dict(
        attribute="error_params_dict",
        metadata={
            "description": "the code's parameters: exception {type, message}; not_yet_sent {owed, failures}; "
            "worker_lost {attempt, since}; retrying {attempt, of, at, reason}; requeued {reason}; gave_up "
            "{attempts, reason}, where reason is {code, params} or {text}; times in UTC ISO 8601; {} without a code",
            "example": {"attempts": 8, "reason": {"code": "not_yet_sent", "params": {"owed": 2, "failures": []}}},
        },
    )
    summary = String(
        attribute="summary_text",
        allow_none=True,
        metadata={
            "description": "a short description of the job or its outcome, in the request's language "
            "(worded from summary_code when there is one)",
            "example": "12 reminders sent for 1 December 2026",
        },
    )
    summary_code = String(
        allow_none=True,
        metadata={
            "description": "the summary as a stable code (its words follow the language, the code does not); "
            "null when the summary is only data (an export's theatre name while it waits) or for older jobs",
            "enum": ["reminders_sent", "reports_sent", "export_rows", "forecast_done", None],
            "example": "reminders_sent",
        },
    )
    summary_params = Dict(
        attribute="summary_params_dict",
        metadata={
            "description": "the code's parameters: reminders_sent {sent, day, owed}; reports_sent {sent, month, "
            "owed}; export_rows {theatre, rows}; forecast_done {screenings, model, samples, mae, baseline}; {} "
            "without a code",
            "example": {"sent": 12, "day": "2026-12-01", "owed": 0},
        },
    )
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
