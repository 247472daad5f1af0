"""The Task classes every task uses: Flask's FlaskTask pattern, and JobTask, the one base of job tasks.

A job task's body is one service call:

    @shared_task(name="exports.theatre_csv", base=ExportTask)
    def export_theatre_csv(run: JobRun) -> Outcome:
        return exports.write_theatre_csv(run.params["theatre_id"], progress=run.progress)

Celery calls it with the job id; JobTask loads the job, marks the attempt running (skipping a duplicate or
late message), keeps a heartbeat while the body runs, hands it a JobRun (parameters, progress callback),
and records the Outcome: done, or pending again with a retry time when work is still owed or a transient
error struck (retry.py, the one policy), or failed — and then the admin is mailed (`after_failure`).
"""

from __future__ import annotations

import logging
import threading

from celery import Task
from flask import current_app

from . import retry
from .clock import utcnow
from .jobs.wording import JobError

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> JobError:
    """The exception as a jobs.wording.JobError ("exception", worded per reader): in English "Type: message",
    or the type alone; the message is the exception's own words, at most 2,000 characters as the column keeps."""
    return JobError("exception", type=type(exc).__name__, message=str(exc)[:2000])


class FlaskTask(Task):
    """Runs the task inside the Flask app's context (the app that celery_init_app bound)."""

    abstract = True

    def __call__(self, *args, **kwargs):
        with self.app.flask_app.app_context():
            return self.run(*args, **kwargs)


class JobTask(FlaskTask):
    """A task whose one argument is a job id and whose body takes a JobRun and returns an Outcome (or a
    summary string). Errors in `transient` are retried through the job row; any other error fails the job."""

    abstract = True
    transient: tuple[type[BaseException], ...] = retry.TRANSIENT_ERRORS

    def __call__(self, job_id: int):
        from .jobs import service as jobs

        with self.app.flask_app.app_context():
            run = jobs.begin(job_id)
            if run is None:
                log.info("job %s is not waiting to run; message dropped", job_id)
                return None
            try:
                with _Heartbeat(self.app.flask_app, run):
                    outcome = self.run(run)
            except Exception as exc:  # noqa: BLE001  (the job row records every failure)
                self._settle_error(run, exc)
                return None
            # A str outcome is kept as it is: str() would turn a jobs.wording.Summary back into a plain str.
            if not isinstance(outcome, jobs.Outcome):
                outcome = jobs.Outcome(summary=outcome if isinstance(outcome, str) else str(outcome))
            self._settle(run, outcome)
            return None

    # ---- outcomes ---------------------------------------------------------------------------------------

    def _settle(self, run, outcome) -> None:
        from .jobs import service as jobs

        if outcome.owed <= 0:
            if jobs.finish(run.job_id, run.attempt, result_path=outcome.result_path, summary=outcome.summary):
                self.after_done(run, outcome)
            return
        note = JobError("not_yet_sent", owed=outcome.owed, failures=outcome.failures[:20])
        self._again_or_fail(run, note, summary=outcome.summary)

    def _settle_error(self, run, exc: BaseException) -> None:
        db_rollback()
        if isinstance(exc, self.transient):
            log.warning("job %s attempt %s: %s", run.job_id, run.attempt, describe(exc))
            self._again_or_fail(run, describe(exc))
        else:
            log.exception("job %s failed", run.job_id)
            self._fail(run.job_id, run.attempt, describe(exc))

    def _again_or_fail(self, run, note: str, summary: str | None = None) -> None:
        from .jobs import service as jobs

        settings = current_app.config["SETTINGS"]
        if run.attempt >= settings.job_max_attempts:
            self._fail(run.job_id, run.attempt, JobError("gave_up", attempts=run.attempt, reason=note), summary=summary)
            return
        at = utcnow() + retry.job_retry_delay(settings, run.attempt)
        note = JobError("retrying", attempt=run.attempt, of=settings.job_max_attempts, at=at.isoformat(), reason=note)
        jobs.retry_later(run.job_id, run.attempt, at, note, summary=summary)

    def _fail(self, job_id: int, attempt: int | None, error: str, summary: str | None = None) -> None:
        from .jobs import service as jobs

        if jobs.fail(job_id, attempt, error, summary=summary):
            self.after_failure(job_id, error)

    # ---- hooks ------------------------------------------------------------------------------------------

    def after_done(self, run, outcome) -> None:
        """Hook: tell someone the job is done (the export mails the admin)."""

    def after_failure(self, job_id: int, error: str) -> None:
        """A job that finally failed: mail the admin who asked (or ADMIN_EMAIL). Tasks may say it better."""
        from .notifications.alerts import job_failed_mail
        from .notifications.tasks import send_mail

        send_mail.delay(job_failed_mail(job_id, error))

    def give_up(self, job_id: int, attempt: int, error: str) -> None:
        """The watchdog's final word on a job whose worker kept dying: failed, and the admin told."""
        self._fail(job_id, attempt, error)


def db_rollback() -> None:
    from .extensions import db

    db.session.rollback()


class _Heartbeat:
    """A thread that marks the attempt alive every JOB_HEARTBEAT_SECONDS while the body runs. When the
    worker process dies, the beats stop, and the watchdog sees the job as stale after JOB_STALE_MINUTES."""

    def __init__(self, flask_app, run):
        self.flask_app, self.run = flask_app, run
        self.stopped = threading.Event()
        self.every = flask_app.config["SETTINGS"].job_heartbeat_seconds
        self.thread = threading.Thread(target=self._beat, name=f"job-{run.job_id}-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join(timeout=30)

    def _beat(self) -> None:
        from .jobs import service as jobs

        while not self.stopped.wait(self.every):
            with self.flask_app.app_context():
                try:
                    jobs.heartbeat(self.run.job_id, self.run.attempt)
                except Exception:  # noqa: BLE001  (a missed beat is harmless; the next one may land)
                    log.warning("heartbeat of job %s failed", self.run.job_id, exc_info=True)
