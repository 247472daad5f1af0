"""The Task classes every task uses: Flask's FlaskTask pattern, plus job bookkeeping for job tasks."""
from __future__ import annotations

import logging

from celery import Task

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class FlaskTask(Task):
    """Runs the task inside the Flask app's context (the app that celery_init_app bound)."""

    abstract = True

    def __call__(self, *args, **kwargs):
        with self.app.flask_app.app_context():
            return self.run(*args, **kwargs)


class JobTask(FlaskTask):
    """A task whose first argument is a job id: a retry notes the error, a final failure fails the job."""

    abstract = True

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        from .jobs import service as jobs

        with self.app.flask_app.app_context():
            jobs.note_error(args[0], f"retrying after {describe(exc)}")

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from .jobs import service as jobs

        log.error("job %s failed: %s", args[0], describe(exc))
        with self.app.flask_app.app_context():
            jobs.fail(args[0], describe(exc))
            self.after_failure(args[0], exc)

    def after_failure(self, job_id: int, exc: BaseException) -> None:
        """Hook for tasks that tell someone about a failure (the export mails the admin)."""
