"""The facts the sponsor status rule (`reporting.status`) reads, gathered from what the dashboard
and the report have already read: no queries here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from alwaysevents.reporting.status import EventFacts, EventStatus, MeasureFacts, event_status


def at_target(measure: Any, latest: float | None) -> bool | None:
    """Whether the latest figure meets the measure's target (None without either, or without
    a direction: a neutral measure has no side that is better)."""
    if latest is None or measure.target is None:
        return None
    target = float(measure.target)
    if measure.direction == "higher":
        return latest >= target
    if measure.direction == "lower":
        return latest <= target
    return None


def measure_facts(
    measure: Any,
    *,
    icons: Sequence[Any],
    latest_value: float | None,
    latest_period: dt.date | None,
    data_overdue: bool,
    today: dt.date,
) -> MeasureFacts:
    codes = {icon.kind: icon.code for icon in icons}
    return MeasureFacts(
        name=measure.name,
        variation=codes.get("variation"),
        assurance=codes.get("assurance"),
        at_target=at_target(measure, latest_value),
        data_overdue=data_overdue,
        weeks_since_data=(today - latest_period).days // 7 if latest_period else None,
    )


def status_of(
    event: Any,
    *,
    progress: Any,
    entered: dt.datetime,
    measures: Sequence[MeasureFacts],
    pdsa_overdue: int,
    asks: Sequence[str],
    now: dt.datetime | None = None,
) -> EventStatus:
    """The event's status from its progress (`programmes.selectors.Progress`), when it entered
    its stage, its measures' facts, its late PDSA cycles and the areas of its challenges asking
    for the sponsor."""
    now = now or timezone.now()
    history = progress.history
    score: Decimal | None = history[0].value if history else None
    previous: Decimal | None = history[1].value if len(history) > 1 else None
    return event_status(
        EventFacts(
            stage=event.stage,
            stage_label=event.get_stage_display(),
            weeks_in_stage=max(0, (now - entered).days // 7),
            score=score,
            previous_score=previous,
            score_overdue=progress.overdue,
            stale_after_weeks=progress.stale_after_weeks,
            pdsa_overdue=pdsa_overdue,
            sponsor_asks=tuple(asks),
            measures=tuple(measures),
        )
    )
