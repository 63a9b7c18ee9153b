"""Milestones of accreditation on an event's timeline (`programmes.timeline`): submitted,
accredited, not yet accredited, lapsed. Read from the submissions' audit trail, so a submission
sent again after being returned shows each time. Registered in `AccreditationConfig.ready()`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accreditation.models import AuditEntry, Submission
from alwaysevents.tenancy.scope import owned_by
from programmes import timeline
from programmes.timeline import TimelineItem

if TYPE_CHECKING:
    from programmes.models import AlwaysEvent

State = Submission.State

TITLES = {
    State.SUBMITTED: "Submitted for accreditation",
    State.ACCREDITED: "Accredited",
    State.NOT_YET_ACCREDITED: "Accreditation decision: not yet accredited",
    State.LAPSED: "Accreditation lapsed",
}


def accreditation_milestones(event: AlwaysEvent, limit: int) -> list[TimelineItem]:
    """Each time a submission of the event was submitted or decided, newest first. One query."""
    entries = (
        owned_by(AuditEntry, event.organisation_id)
        .filter(submission__event=event, to_state__in=list(TITLES))
        .select_related("actor")
        .order_by("-at", "-pk")[:limit]
    )
    return [
        TimelineItem(
            entry.at,
            "accreditation",
            TITLES[State(entry.to_state)],
            by=entry.actor,
            milestone=True,
        )
        for entry in entries
    ]


def register() -> None:
    timeline.register(
        "accreditation.milestones", accreditation_milestones, filters={timeline.MILESTONES}
    )
