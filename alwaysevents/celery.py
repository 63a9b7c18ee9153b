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
    "reporting.prune-data-changes": {
        "task": "alwaysevents.reporting.tasks.data_changes_prune_task",
        "schedule": crontab(minute=45),
    },
    "clear-unapplied-import-previews": {
        "task": "measurement.tasks.import_previews_clear_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every hour: the organisations where it is now REMINDERS_HOUR (7 in the morning) in their
    # own timezone get their reminders, on Mondays the staff digest and on the 1st last month's
    # sponsor reports (alwaysevents.reporting.tasks.mornings_task).
    "reporting.mornings": {
        "task": "alwaysevents.reporting.tasks.mornings_task",
        "schedule": crontab(minute=0),
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
