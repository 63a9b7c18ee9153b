"""Reads about measures and their data. Constant number of queries each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, QuerySet

from alwaysevents.tenancy.scope import owned_by
from measurement.models import DataImport, DataPoint, Measure, Phase

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent


def measure_list(*, event: AlwaysEvent) -> QuerySet[Measure]:
    """The event's measures with how many points they have and the latest period. One query."""
    return (
        owned_by(Measure, event.organisation_id)
        .filter(event=event)
        .annotate(point_count=Count("points"), latest_period=Max("points__period"))
        .order_by("type", "name")
    )


def measure_get(*, event: AlwaysEvent, pk: int) -> Measure:
    return (
        owned_by(Measure, event.organisation_id)
        .select_related("event", "owner")
        .get(event=event, pk=pk)
    )


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
    return (
        owned_by(DataImport, event.organisation_id)
        .filter(event=event)
        .select_related("imported_by")[:limit]
    )


# --- many events at once (dashboards) ----------------------------------------------------------


@dataclass(frozen=True)
class SeriesPoint:
    """The parts of a data point an analysis reads (lighter than the model, for many points)."""

    period: dt.date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    excluded: bool

    @property
    def plotted(self) -> Decimal | None:
        """The number that is charted, as `DataPoint.plotted`."""
        if self.numerator is not None and self.denominator:
            return self.numerator * 100 / self.denominator
        return self.value


@dataclass(frozen=True)
class MeasureSeries:
    """A measure with its points (in period order) and phases, ready for `charts`."""

    measure: Measure
    points: list[SeriesPoint]
    phases: list[Phase]

    @property
    def latest_period(self) -> Any:
        return self.points[-1].period if self.points else None


def _of_organisations(model: Any, organisation_ids: list[int]) -> QuerySet[Any]:
    manager = model.objects
    rows = (
        manager.with_scope(organisation=organisation_ids[0])
        if len(organisation_ids) == 1
        else manager.with_scopes_disabled()
    )
    return rows.filter(organisation_id__in=organisation_ids)


def measures_for_events(*, events: Sequence[AlwaysEvent]) -> dict[int, list[Measure]]:
    """Every measure of the events, per event, in their usual order (type, name). One query."""
    found: dict[int, list[Measure]] = {event.pk: [] for event in events}
    organisation_ids = sorted({event.organisation_id for event in events})
    if not organisation_ids:
        return found
    for measure in (
        _of_organisations(Measure, organisation_ids)
        .filter(event__in=[event.pk for event in events])
        .order_by("event_id", "type", "name", "pk")
    ):
        found[measure.event_id].append(measure)
    return found


def measure_series_of(*, measures: Sequence[Measure]) -> list[MeasureSeries]:
    """These measures with their points and phases, in the order given. Two queries whatever
    their number; points come as light `SeriesPoint` rows."""
    ids = [measure.pk for measure in measures]
    if not ids:
        return []
    organisation_ids = sorted({measure.organisation_id for measure in measures})
    points: dict[int, list[SeriesPoint]] = {pk: [] for pk in ids}
    for measure_id, *fields in (
        _of_organisations(DataPoint, organisation_ids)
        .filter(measure__in=ids)
        .order_by("measure_id", "period")
        .values_list("measure_id", "period", "value", "numerator", "denominator", "excluded")
    ):
        points[measure_id].append(SeriesPoint(*fields))
    phases: dict[int, list[Phase]] = {pk: [] for pk in ids}
    for phase in (
        _of_organisations(Phase, organisation_ids)
        .filter(measure__in=ids)
        .order_by("measure_id", "start_period")
    ):
        phases[phase.measure_id].append(phase)
    return [MeasureSeries(measure, points[measure.pk], phases[measure.pk]) for measure in measures]


def measure_series_for_events(*, events: Sequence[AlwaysEvent]) -> dict[int, list[MeasureSeries]]:
    """Every measure of the events with its points and phases, per event (measures in their
    usual order). Three queries whatever the number of events, measures and points; points
    come as light `SeriesPoint` rows rather than model instances, as dashboards read many."""
    by_event = measures_for_events(events=events)
    found: dict[int, list[MeasureSeries]] = {event.pk: [] for event in events}
    for series in measure_series_of(measures=[m for ms in by_event.values() for m in ms]):
        found[series.measure.event_id].append(series)
    return found
