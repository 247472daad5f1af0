"""Every periodic job in one list. Crontab times are local (Celery's timezone is APP_TIMEZONE)."""

from __future__ import annotations

from celery.schedules import crontab


def _hour_minute(value: str) -> tuple[int, int]:
    try:
        hour, minute = (int(part) for part in value.split(":"))
        if 0 <= hour < 24 and 0 <= minute < 60:
            return hour, minute
    except ValueError:
        pass
    raise SystemExit(f"REMINDER_AT must be HH:MM (24-hour), got {value!r}")


def beat_schedule(settings) -> dict:
    hour, minute = _hour_minute(settings.reminder_at)
    return {
        "daily-reminders": {
            "task": "notifications.daily_reminders_scheduled",
            "schedule": crontab(hour=hour, minute=minute),
        },
        "job-watchdog": {  # retries that are due, lost messages, jobs whose worker died (jobs/tasks.py)
            "task": "jobs.watchdog",
            "schedule": crontab(minute="*"),
        },
        "export-partials": {  # .partial files left by a worker that died mid-export
            "task": "exports.clean_partials",
            "schedule": crontab(minute="*/10"),
        },
        "dynamic-prices": {  # prices move with time to the start too (pricing/service.py)
            "task": "pricing.reprice_upcoming",
            "schedule": crontab(minute="*/10"),
        },
        "hold-sweep": {  # tidy-up only: lapsed holds already free their seats (seating/tasks.py)
            "task": "seating.sweep_expired_holds",
            "schedule": crontab(minute="*/15"),
        },
        "waitlist-pass": {  # lapsed offers and holds reach the next waiting entry; lists close (waitlist/)
            "task": "waitlist.beat_pass",
            "schedule": crontab(minute="*"),
        },
        "booking-notices": {  # confirmations and cancellation notices the broker never took (tickets/notices.py)
            "task": "tickets.requeue_notices",
            "schedule": crontab(minute="*"),
        },
        "monthly-reports": {  # the 1st at 09:00 local, for the month that just ended
            "task": "reports.monthly_reports_scheduled",
            "schedule": crontab(day_of_month=1, hour=9, minute=0),
        },
        "nightly-forecast": {  # 02:30 local, when nobody books: retrain and forecast every upcoming screening
            "task": "popularity.nightly_forecast_scheduled",
            "schedule": crontab(hour=2, minute=30),
        },
    }
