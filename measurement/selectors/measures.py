"""Reads about measures and their data. Constant number of queries each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, QuerySet

from measurement.models import DataImport, DataPoint, Measure, Phase

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent


def _scoped(model: Any, event: AlwaysEvent) -> QuerySet[Any]:
    return model.objects.with_scope(organisation=event.organisation_id).filter(
        organisation_id=event.organisation_id
    )


def measure_list(*, event: AlwaysEvent) -> QuerySet[Measure]:
    """The event's measures with how many points they have and the latest period. One query."""
    return (
        _scoped(Measure, event)
        .filter(event=event)
        .annotate(point_count=Count("points"), latest_period=Max("points__period"))
        .order_by("type", "name")
    )


def measure_get(*, event: AlwaysEvent, pk: int) -> Measure:
    return _scoped(Measure, event).select_related("event").get(event=event, pk=pk)


def measure_points(*, measure: Measure) -> list[DataPoint]:
    return list(
        DataPoint.objects.with_scope(organisation=measure.organisation_id)
        .filter(measure=measure)
        .select_related("recorded_by")
        .order_by("period")
    )


def measure_phases(*, measure: Measure) -> list[Phase]:
    return list(
        Phase.objects.with_scope(organisation=measure.organisation_id)
        .filter(measure=measure)
        .select_related("decided_by")
    )


def data_import_list(*, event: AlwaysEvent, limit: int = 10) -> QuerySet[DataImport]:
    return _scoped(DataImport, event).filter(event=event).select_related("imported_by")[:limit]
