"""Reads across several events at once, for reports and dashboards.

The per-event selectors run a few queries per measure; a report covering every event a sponsor
sponsors would multiply them. These take a list of events and run a fixed number of queries
whatever the number of events, measures and points.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q

from measurement.models import DataPoint, Measure, PdsaCycle, Phase

if TYPE_CHECKING:
    from collections.abc import Sequence

    from programmes.models import Organisation


@dataclass
class MeasureData:
    """A measure with everything its chart needs: points in period order, phases, and the
    (period, label) annotations of the PDSA cycles that used it."""

    measure: Measure
    points: list[DataPoint] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    annotations: list[tuple[dt.date, str]] = field(default_factory=list)


def measure_data_for_events(
    *, organisation: Organisation, event_ids: Sequence[int], until: dt.date | None = None
) -> dict[int, list[MeasureData]]:
    """Each event's measures (ordered as on the measures page) with points, phases and PDSA
    annotations; with `until`, only the periods up to that day (a report of a past month).
    Four queries whatever the number of events and measures."""
    scope = {"organisation": organisation.pk}
    measures = list(
        Measure.objects.with_scope(**scope)
        .filter(organisation=organisation, event_id__in=list(event_ids))
        .order_by("event_id", "type", "name")
    )
    by_pk = {m.pk: MeasureData(measure=m) for m in measures}
    points = DataPoint.objects.with_scope(**scope).filter(
        organisation=organisation, measure_id__in=list(by_pk)
    )
    if until is not None:
        points = points.filter(period__lte=until)
    for point in points.order_by("measure_id", "period"):
        by_pk[point.measure_id].points.append(point)
    for phase in (
        Phase.objects.with_scope(**scope)
        .filter(organisation=organisation, measure_id__in=list(by_pk))
        .order_by("measure_id", "start_period")
    ):
        by_pk[phase.measure_id].phases.append(phase)
    through = PdsaCycle.measures.through
    links = (
        through.objects.filter(measure_id__in=list(by_pk))
        .select_related("pdsacycle__change_idea")
        .order_by("pdsacycle__planned_start", "pdsacycle__change_idea_id", "pdsacycle__number")
    )
    for link in links:
        cycle = link.pdsacycle
        data = by_pk[link.measure_id]
        label = f"PDSA {cycle.number}: {cycle.change_idea.text}"
        if cycle.decision:
            label += f" ({cycle.get_decision_display().lower()})"
        data.annotations.append((data.measure.normalise_period(cycle.planned_start), label))
    result: dict[int, list[MeasureData]] = defaultdict(list)
    for m in measures:
        result[m.event_id].append(by_pk[m.pk])
    return dict(result)


def pdsa_cycles_for_events(
    *, organisation: Organisation, event_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, list[PdsaCycle]]:
    """Cycles of the events that were planned to start, or were updated (for example decided),
    between `start` and `end` (inclusive), oldest first, with their change idea. One query."""
    cycles = (
        PdsaCycle.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation, change_idea__event_id__in=list(event_ids))
        .filter(
            Q(planned_start__range=(start, end))
            | Q(updated_at__date__range=(start, end))
            | Q(created_at__date__range=(start, end))
        )
        .select_related("change_idea")
        .order_by("planned_start", "change_idea_id", "number")
    )
    result: dict[int, list[PdsaCycle]] = defaultdict(list)
    for cycle in cycles:
        result[cycle.change_idea.event_id].append(cycle)
    return dict(result)
