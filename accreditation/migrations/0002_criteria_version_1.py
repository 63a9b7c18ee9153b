"""Seed Version 1 of the accreditation criteria (C1 to C9), published."""

from django.db import migrations

from accreditation.criteria_v1 import seed_version_1


def forwards(apps, schema_editor):
    seed_version_1(
        apps.get_model("accreditation", "CriteriaVersion"),
        apps.get_model("accreditation", "Criterion"),
    )


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
