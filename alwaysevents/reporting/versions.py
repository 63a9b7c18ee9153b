"""The version of each organisation's data: moved on by every write, read by page caches.

`tenancy.changes` announces every write to an organisation's rows (bulk ones included); the
receivers here add the few things outside those rows that the dashboard shows: the
organisation itself, people's names, cohorts and accreditation criteria. The version moves in
the writer's transaction (a row appended, so writers never wait on one another), so it commits
or rolls back with the change; a reader takes the version *before* reading the data, so
whatever it caches under that version is at least as new.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from alwaysevents.tenancy import changes


def data_version(organisation_id: int) -> str:
    """A short text naming the current state of the organisation's data (one query, over the
    organisation's rows since the last prune).

    Not the latest row alone: ids are handed out when rows are written, not when they are
    committed, so a transaction that took an earlier id can commit after a later one and leave
    the latest unchanged. The count moves with every commit; the latest id and time tell apart
    states a restored database could otherwise repeat."""
    from django.db.models import Count, Max

    from alwaysevents.reporting.models import DataChange

    row = DataChange.objects.filter(organisation_id=organisation_id).aggregate(
        n=Count("id"), last=Max("id"), at=Max("at")
    )
    if not row["n"]:
        return "0"
    return f"{row['n']}.{row['last']}.{row['at'].timestamp():.6f}"


def data_changed(organisation_ids: Iterable[int] | None) -> None:
    """Move the version of these organisations on (of every organisation with `None`): one
    appended row each, in the caller's transaction."""
    from alwaysevents.reporting.models import DataChange
    from programmes.models import Organisation

    if organisation_ids is None:
        ids = set(Organisation.objects.values_list("pk", flat=True))
    else:
        ids = set(organisation_ids)
    if ids:
        now = timezone.now()
        DataChange.objects.bulk_create(
            [DataChange(organisation_id=pk, at=now) for pk in sorted(ids)]
        )


def data_changes_prune() -> int:
    """Delete every row but each organisation's latest, so that reading a version stays
    cheap. Versions of organisations that changed since the last prune move on (a cache miss
    for them, nothing stale). Returns how many rows went."""
    from django.db.models import OuterRef, Subquery

    from alwaysevents.reporting.models import DataChange

    latest = (
        DataChange.objects.filter(organisation_id=OuterRef("organisation_id"))
        .order_by("-id")
        .values("id")[:1]
    )
    deleted, _ = DataChange.objects.filter(id__lt=Subquery(latest)).delete()
    return deleted


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
