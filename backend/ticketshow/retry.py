"""The one retry policy for tasks: what counts as a passing fault, and how long to wait before trying again.

- Transient: the SMTP server refused or dropped us, a connection was refused, reset or timed out, a webhook
  answered badly (`TransientError`). Anything else (bad data, a bug, a full disk) is not retried by Celery;
  a batch job records it against the one recipient it concerns and goes on (see docs/jobs.md).
- Job tasks (tasks_base.JobTask) retry through the jobs table, not Celery's countdown: the job goes back to
  `pending` with a `retry_at`, and the watchdog (jobs/tasks.py, every minute) requeues it when due. A retry
  hours away is then a row in SQLite, not a message held by a worker, so it survives restarts. The waits
  double from `JOB_RETRY_FIRST_MINUTES` (5) up to `JOB_RETRY_MAX_MINUTES` (240) over `JOB_MAX_ATTEMPTS` (8)
  attempts: 5 + 10 + 20 + 40 + 80 + 160 + 240 minutes, about 9 hours in all, so an SMTP outage of an
  afternoon loses nobody. After the last attempt the job fails and the admin is mailed.
- Single messages (`mail.send`: export notices, alerts) use Celery's own retry with the same doubling,
  capped below the broker's visibility timeout so a waiting message is never delivered twice.
"""

from __future__ import annotations

import random
import smtplib
from datetime import timedelta


class TransientError(Exception):
    """A fault worth trying again later (e.g. the chat webhook answered 503)."""


TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    TransientError,
)

# Celery's countdown retries for single messages: 1, 2, 4 ... 1,800 s (with jitter), 14 tries, ~2.5 hours.
# The cap stays below BROKER_VISIBILITY_SECONDS: Redis redelivers a message held longer than that.
MESSAGE_RETRY_CAP_SECONDS = 30 * 60
BROKER_VISIBILITY_SECONDS = 2 * 60 * 60
MESSAGE_RETRY = dict(
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=MESSAGE_RETRY_CAP_SECONDS,
    retry_jitter=True,
    max_retries=14,
)


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT_ERRORS)


def job_retry_delay(settings, attempt: int, *, jitter: bool = True) -> timedelta:
    """How long a job waits after its `attempt`-th (1-based) attempt: doubling from the first wait to the cap,
    less up to 10% of jitter so jobs that failed together do not all come back in the same second."""
    minutes = min(settings.job_retry_first_minutes * 2 ** max(attempt - 1, 0), settings.job_retry_max_minutes)
    seconds = minutes * 60
    if jitter:
        seconds -= random.uniform(0, seconds / 10)
    return timedelta(seconds=seconds)


def total_retry_window(settings) -> timedelta:
    """From the first attempt to the last, without jitter: how long an outage a job rides out."""
    return sum((job_retry_delay(settings, n, jitter=False) for n in range(1, settings.job_max_attempts)), timedelta())
