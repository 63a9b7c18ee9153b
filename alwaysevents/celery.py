"""The Celery application. Tasks are autodiscovered from each app's `tasks.py`.

The beat schedule lives here, in code; django-celery-beat's DatabaseScheduler reads it
(and lets admins pause an entry without a deploy).
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alwaysevents.settings")

app = Celery("alwaysevents")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "alwaysevents.accounts.tasks.clear_expired_sessions_task",
        "schedule": crontab(hour=3, minute=15),
    },
    "partner-retention-review": {
        "task": "coproduction.tasks.partner_retention_review_task",
        "schedule": crontab(hour=6, minute=0),
    },
    "clear-unapplied-import-previews": {
        "task": "measurement.tasks.import_previews_clear_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Times are in CELERY_TIMEZONE (Europe/London); each organisation's task then works on
    # that organisation's own date (alwaysevents.reporting.reminders.organisation_today).
    "reporting.daily_reminders": {
        "task": "alwaysevents.reporting.tasks.reminders_daily_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "reporting.weekly_staff_digest": {
        "task": "alwaysevents.reporting.tasks.staff_digest_weekly_task",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    # Sponsor reports cover last month; CELERY_TIMEZONE is Europe/London, the organisations' time.
    "monthly-sponsor-reports": {
        "task": "reporting.monthly_reports",
        "schedule": crontab(day_of_month=1, hour=7, minute=0),
    },
    "sponsor-report-escalations": {
        "task": "reporting.report_escalations",
        "schedule": crontab(hour=9, minute=0),
    },
    "accreditations-lapse": {
        "task": "accreditation.tasks.accreditations_lapse_task",
        "schedule": crontab(hour=2, minute=30),
    },
}


@app.task(name="alwaysevents.ping")
def ping() -> str:
    """Answers "pong": used by the health check's tests and by operators to see a worker live."""
    return "pong"
