"""Milestones of measurement on an event's timeline (`programmes.timeline`): the first figure of
each measure and the decision of each PDSA cycle. Registered in `MeasurementConfig.ready()`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Min

from alwaysevents.tenancy.scope import owned_by
from measurement.models import DataPoint, Measure, PdsaCycle
from programmes import timeline
from programmes.timeline import TimelineItem

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent


def first_figures(event: AlwaysEvent, limit: int) -> list[TimelineItem]:
    """The first figure of each measure, dated by the period it is for. One query."""
    firsts = (
        owned_by(DataPoint, event.organisation_id)
        .filter(measure__event=event)
        .order_by()
        .values("measure_id", "measure__name", "measure__frequency")
        .annotate(first=Min("period"))
        .order_by("-first", "measure__name")[:limit]
    )
    items = []
    for row in firsts:
        first = row["first"]
        monthly = row["measure__frequency"] == Measure.Frequency.MONTHLY
        when = f"month of {first:%b %Y}" if monthly else f"week of {first.day} {first:%b %Y}"
        items.append(
            TimelineItem(
                timeline.start_of(first),
                "data",
                f"First figure for “{row['measure__name']}”, {when}",
                group=timeline.DATA,
                milestone=True,
                day_only=True,
            )
        )
    return items


def pdsa_decisions(event: AlwaysEvent, limit: int) -> list[TimelineItem]:
    """What the team decided at the end of each PDSA cycle (adopt, adapt, abandon, expand), with
    what they learnt, when they decided it. One query."""
    cycles = (
        owned_by(PdsaCycle, event.organisation_id)
        .filter(change_idea__event=event, decided_at__isnull=False)
        .exclude(decision="")
        .select_related("change_idea")
        .order_by("-decided_at", "-pk")[:limit]
    )
    return [
        TimelineItem(
            cycle.decided_at,
            "pdsa",
            f"PDSA cycle {cycle.number} of “{cycle.change_idea.text}”: "
            f"decided to {cycle.get_decision_display().lower()}",
            cycle.learning,
            group=timeline.DATA,
            milestone=True,
        )
        for cycle in cycles
    ]


def register() -> None:
    timeline.register(
        "measurement.first_figures", first_figures, filters={timeline.MILESTONES, timeline.DATA}
    )
    timeline.register(
        "measurement.pdsa_decisions",
        pdsa_decisions,
        filters={timeline.MILESTONES, timeline.DATA},
    )
