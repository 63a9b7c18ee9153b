"""Retire the beat entries that ran every organisation's morning at 07:00 London time.

The schedule is in code (`alwaysevents/celery.py`), but django-celery-beat's database
scheduler keeps a row for every entry it has ever been given and never removes one. Since each
organisation has its own timezone, one hourly entry (`reporting.mornings`) does the daily
reminders, the Monday digest and the monthly reports; the three old rows would go on running
them for everyone at London time, so they are removed here.
"""

from django.db import migrations

RETIRED = ("reporting.daily_reminders", "reporting.weekly_staff_digest", "monthly-sponsor-reports")


def retire(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=RETIRED).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0004_data_versions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(retire, migrations.RunPython.noop)]
