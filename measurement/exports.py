"""Downloads of the measurement app: a measure's data points and an event's PDSA cycles."""

from __future__ import annotations

from typing import Any

from alwaysevents.exports import Table
from measurement.models import PdsaCycle
from programmes.models import AlwaysEvent

DATA_POINT_HEADERS = [
    "period",
    "value",
    "numerator",
    "denominator",
    "charted",
    "what it shows",
    "note",
    "left out because",
]


def data_points_table(*, title: str, table_rows: list[Any]) -> Table:
    """The chart's data table (`charts.measure_chart_context(...)["table"]`), oldest first."""
    rows = (
        (
            row.point.period,
            row.point.value,
            row.point.numerator,
            row.point.denominator,
            row.point.plotted,
            "" if row.point.excluded else row.label,
            row.point.note,
            row.point.excluded_reason,
        )
        for row in reversed(table_rows)
    )
    return Table(title, DATA_POINT_HEADERS, rows)


def pdsa_cycles_table(*, event: AlwaysEvent) -> Table:
    """Every PDSA cycle of the event, by change idea and number. Two queries."""
    cycles = (
        PdsaCycle.objects.with_scope(organisation=event.organisation_id)
        .filter(change_idea__event=event)
        .select_related("change_idea")
        .prefetch_related("measures")
        .order_by("change_idea__created_at", "change_idea_id", "number")
    )
    rows = (
        (
            c.change_idea.text,
            c.number,
            c.get_purpose_display(),
            c.get_state_display(),
            c.objective,
            "; ".join(
                f"{q.get('question', '')} (predicted: {q.get('prediction', '')})"
                for q in c.questions
            ),
            c.planned_start,
            ", ".join(m.name for m in c.measures.all()),
            c.observations,
            c.learning,
            c.get_decision_display() if c.decision else "",
        )
        for c in cycles
    )
    headers = [
        "Change idea",
        "Cycle",
        "Purpose",
        "State",
        "Objective",
        "Questions and predictions",
        "Planned start",
        "Measures",
        "What happened",
        "Learning",
        "Decision",
    ]
    return Table("PDSA cycles", headers, rows)
