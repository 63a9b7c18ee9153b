"""Lists of one event's records, for its pages. One query each."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from programmes.models import (
    AlwaysEvent,
    Challenge,
    Criterion,
    Organisation,
    StaffRate,
    TimeEntry,
    VisionSignOff,
)


def _of(model: Any, event: AlwaysEvent) -> QuerySet[Any]:
    return model.objects.with_scope(organisation=event.organisation_id).filter(event=event)


def event_challenges(*, event: AlwaysEvent) -> QuerySet[Challenge]:
    return _of(Challenge, event).select_related("recorded_by")


def event_time_entries(*, event: AlwaysEvent, limit: int = 60) -> QuerySet[TimeEntry]:
    return _of(TimeEntry, event).select_related("person")[:limit]


def event_criteria(*, event: AlwaysEvent) -> list[Criterion]:
    """The four criteria in their usual order."""
    order = {kind: i for i, kind in enumerate(Criterion.Kind.values)}
    return sorted(_of(Criterion, event), key=lambda c: order[c.kind])


def event_sign_offs(*, event: AlwaysEvent) -> QuerySet[VisionSignOff]:
    return _of(VisionSignOff, event).select_related("recorded_by")


def event_children(*, event: AlwaysEvent) -> QuerySet[AlwaysEvent]:
    return AlwaysEvent.objects.with_scope(organisation=event.organisation_id).filter(parent=event)


def staff_rate_list(*, organisation: Organisation) -> QuerySet[StaffRate]:
    return StaffRate.objects.with_scope(organisation=organisation.pk).filter(
        organisation=organisation
    )
