"""Reminders from the measurement app: data due for a measure, PDSA cycles not started, a
chart whose process has changed (a recalculation of its limits waiting for the team lead)."""

from __future__ import annotations

from collections.abc import Iterator

from alwaysevents.reporting.models import NotificationKind
from alwaysevents.reporting.reminders import Reminder, RuleContext, reminder_rule
from measurement.charts import analyse_points, read_points
from measurement.due import collector_id, missing_period, period_words
from measurement.selectors.batch import measure_data_for_events
from measurement.selectors.organisation import (
    measure_list_for_organisation,
    pdsa_cycle_list_not_started,
)
from programmes.selectors import staff_user_ids


@reminder_rule(NotificationKind.MEASURE_DATA_DUE)
def measure_data_due(context: RuleContext) -> Iterator[Reminder]:
    """A measure of a live event has no figure for its latest due period: remind the person who
    collects it (measurement.due: the one named, else the team lead)."""
    events = {event.pk: event for event in context.live_events}
    works_here = staff_user_ids(organisation=context.organisation)
    for measure in measure_list_for_organisation(organisation=context.organisation):
        event = events.get(measure.event_id)
        if event is None:
            continue
        start = missing_period(measure, measure.latest_period, context.today)  # type: ignore[attr-defined]
        recipient = collector_id(measure, event.team_lead_id, works_here.__contains__)
        if start is None or recipient is None:
            continue
        when = period_words(measure.frequency, start)
        yield Reminder(
            kind=NotificationKind.MEASURE_DATA_DUE,
            recipient_id=recipient,
            organisation_id=context.organisation.pk,
            period=f"measure-{measure.pk}:{start.isoformat()}",
            subject=f"Data due: {measure.name}",
            message=(
                f"The figure for {when} for “{measure.name}” ({event.title}) has not been "
                "entered yet. Entering it keeps the chart, and what it tells the team, up to date."
            ),
            url=context.path("measurement:measure-grid", pk=event.pk, measure_pk=measure.pk),
        )


@reminder_rule(NotificationKind.PDSA_OVERDUE)
def pdsa_cycle_overdue(context: RuleContext) -> Iterator[Reminder]:
    """A PDSA cycle still only planned after its planned start date: remind the lead."""
    events = {event.pk: event for event in context.live_events}
    for cycle in pdsa_cycle_list_not_started(
        organisation=context.organisation, before=context.today
    ):
        event = events.get(cycle.change_idea.event_id)
        if event is None or event.team_lead_id is None:
            continue
        planned = f"{cycle.planned_start.day} {cycle.planned_start:%B %Y}"
        yield Reminder(
            kind=NotificationKind.PDSA_OVERDUE,
            recipient_id=event.team_lead_id,
            organisation_id=context.organisation.pk,
            period=f"pdsa-{cycle.pk}:{cycle.planned_start.isoformat()}",
            subject=f"PDSA cycle {cycle.number} was planned to start on {planned}",
            message=(
                f"Cycle {cycle.number} testing “{cycle.change_idea.text}” ({event.title}) was "
                f"planned to start on {planned} and has not been started. Start it, or change "
                "its date if the plan has moved."
            ),
            url=context.path("measurement:pdsa-cycle-detail", pk=event.pk, cycle_pk=cycle.pk),
        )


@reminder_rule(NotificationKind.LIMITS_CHANGED)
def limits_to_recalculate(context: RuleContext) -> Iterator[Reminder]:
    """A chart's latest points make a long run on one side of its centre line and nobody has
    decided yet: ask the team lead to recalculate the limits from the change (or keep them).
    Once a run: the run's first period is in the reminder's period."""
    events = {event.pk: event for event in context.live_events if event.team_lead_id}
    data = measure_data_for_events(organisation=context.organisation, event_ids=list(events))
    for event_id, measures in data.items():
        event = events[event_id]
        for item in measures:
            if not item.points:
                continue
            measure = item.measure
            analysis, _ = analyse_points(measure, item.points, item.phases)
            suggestion = read_points(measure, item.points, analysis).suggestion
            if suggestion is None:
                continue
            start = item.points[suggestion.start].period
            yield Reminder(
                kind=NotificationKind.LIMITS_CHANGED,
                recipient_id=event.team_lead_id,  # type: ignore[arg-type]
                organisation_id=context.organisation.pk,
                period=f"limits-{measure.pk}:{start.isoformat()}",
                subject=f"The process has changed: {measure.name}",
                message=(
                    f"The last {suggestion.points} points of “{measure.name}” ({event.title}) "
                    f"are all {suggestion.side} the centre line, from {start.day} "
                    f"{start:%B %Y}: the process has changed. Until the limits are recalculated "
                    "from the change, the chart cannot say whether the target will be met. "
                    "Recalculate them, or keep them, on the measure's page."
                ),
                url=context.path("measurement:measure-detail", pk=event.pk, measure_pk=measure.pk)
                + "#suggestion",
            )
