"""When each event entered the stage it is in: for "how long in this stage" (sponsor status)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Max

from programmes.models import AlwaysEvent, StageTransition
from programmes.selectors.events import _of_events


def stage_entered_many(*, events: Sequence[AlwaysEvent]) -> dict[int, dt.datetime]:
    """Each event's latest move into its current stage, or its creation when it never moved
    (events start in their first stage). One query whatever the number of events."""
    entered: dict[int, dt.datetime] = {event.pk: event.created_at for event in events}
    if not events:
        return entered
    stage_of = {event.pk: event.stage for event in events}
    rows = (
        _of_events(StageTransition, events)
        .values("event_id", "to_stage")
        .annotate(at=Max("at"))
        .order_by()
    )
    for row in rows:
        if stage_of.get(row["event_id"]) == row["to_stage"]:
            entered[row["event_id"]] = max(row["at"], entered[row["event_id"]])
    return entered
