"""Organisation-wide reads for the reminders and the staff digest (alwaysevents.reporting).

One query each, whatever the number of events.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Max, QuerySet

from measurement.models import Measure, PdsaCycle

if TYPE_CHECKING:
    from programmes.models import Organisation


def measure_list_for_organisation(*, organisation: Organisation) -> QuerySet[Measure]:
    """Every measure of the organisation with its event and its latest period with data."""
    return (
        Measure.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation)
        .select_related("event")
        .annotate(latest_period=Max("points__period"))
        .order_by("event_id", "name", "pk")
    )


def measure_list_with_new_data(
    *, organisation: Organisation, since: dt.datetime
) -> QuerySet[Measure]:
    """Measures with a data point entered or changed since `since` (candidates for a new signal)."""
    return (
        Measure.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation, points__updated_at__gte=since)
        .select_related("event")
        .distinct()
        .order_by("event_id", "name", "pk")
    )


def pdsa_cycle_list_not_started(
    *, organisation: Organisation, before: dt.date
) -> QuerySet[PdsaCycle]:
    """Cycles still only planned whose planned start is before `before`."""
    return (
        PdsaCycle.objects.with_scope(organisation=organisation.pk)
        .filter(
            organisation=organisation,
            state=PdsaCycle.State.PLANNED,
            planned_start__lt=before,
        )
        .select_related("change_idea__event")
        .order_by("planned_start", "pk")
    )


def pdsa_cycle_list_adopted(
    *, organisation: Organisation, since: dt.datetime
) -> QuerySet[PdsaCycle]:
    """Cycles whose decision is to adopt the change, last changed since `since`.

    Cycles do not record when the decision was taken; `updated_at` is the nearest fact.
    """
    return (
        PdsaCycle.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation, decision=PdsaCycle.Decision.ADOPT, updated_at__gte=since)
        .select_related("change_idea__event")
        .order_by("updated_at", "pk")
    )
