"""The version of each organisation's data: moved on by every write, read by page caches.

`tenancy.changes` announces every write to an organisation's rows (bulk ones included); the
receivers here add the few things outside those rows that the dashboard shows: the
organisation itself, people's names, cohorts and accreditation criteria. The version moves in
the writer's transaction, so it commits or rolls back with the change; a reader takes the
version *before* reading the data, so whatever it caches under that version is at least as new.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from alwaysevents.tenancy import changes


def data_version(organisation_id: int) -> str:
    """A short text naming the current state of the organisation's data (one query)."""
    from alwaysevents.reporting.models import DataVersion

    row = (
        DataVersion.objects.filter(pk=organisation_id).values_list("version", "changed_at").first()
    )
    if row is None:
        return "0"
    return f"{row[0]}.{row[1].timestamp():.6f}"


def data_changed(organisation_ids: Iterable[int] | None) -> None:
    """Move the version of these organisations on (of every organisation with `None`)."""
    from alwaysevents.reporting.models import DataVersion
    from programmes.models import Organisation

    now = timezone.now()
    rows = DataVersion.objects.all()
    if organisation_ids is None:
        rows.update(version=F("version") + 1, changed_at=now)
        return
    ids = set(organisation_ids)
    if not ids:
        return
    moved = rows.filter(pk__in=ids).update(version=F("version") + 1, changed_at=now)
    if moved < len(ids):
        # First change since this was installed: start a row for each organisation that exists.
        have = set(rows.filter(pk__in=ids).values_list("pk", flat=True))
        new = Organisation.objects.filter(pk__in=ids - have).values_list("pk", flat=True)
        DataVersion.objects.bulk_create(
            [DataVersion(organisation_id=pk, version=1, changed_at=now) for pk in new],
            ignore_conflicts=True,
        )


def _organisation_rows(sender: type, organisation_ids: frozenset[int], **kwargs: Any) -> None:
    data_changed(organisation_ids)


def _organisation_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    data_changed([instance.pk])


def _person_saved(sender: type, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # signing in changes nothing any page shows
    from programmes.models import Membership

    memberships = Membership.objects.with_scopes_disabled().filter(user_id=instance.pk)
    data_changed(memberships.values_list("organisation_id", flat=True).distinct())


def _programme_wide(sender: type, **kwargs: Any) -> None:
    data_changed(None)


def connect() -> None:
    """Wire the receivers (from `ReportingConfig.ready`)."""
    from django.contrib.auth import get_user_model

    from accreditation.models import CriteriaVersion
    from accreditation.models import Criterion as AccreditationCriterion
    from programmes.models import Cohort, Organisation

    changes.connect()
    changes.organisation_data_changed.connect(_organisation_rows, dispatch_uid="reporting-rows")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="reporting-org")
    post_save.connect(_person_saved, sender=get_user_model(), dispatch_uid="reporting-person")
    for model in (Cohort, CriteriaVersion, AccreditationCriterion):
        uid = f"reporting-programme-{model._meta.label_lower}"
        post_save.connect(_programme_wide, sender=model, dispatch_uid=uid)
        post_delete.connect(_programme_wide, sender=model, dispatch_uid=uid)
