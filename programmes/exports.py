"""Downloads of the programmes app: the events list and an event's challenges."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from alwaysevents.exports import Table
from programmes.models import AlwaysEvent, Organisation
from programmes.selectors import event_challenges, event_list


def events_table(*, organisation: Organisation, **filters: Any) -> Table:
    """The events list as on the page (same filters). One query."""
    rows = (
        (
            e.title,
            e.service,
            e.get_stage_display(),
            e.latest_score,
            e.latest_score_at.date() if e.latest_score_at else None,
            e.team_lead.display_name if e.team_lead else "",
            e.executive_sponsor.display_name if e.executive_sponsor else "",
            e.team_size,
            e.open_challenges,
            e.vision_statement,
            e.aim_sentence,
        )
        for e in cast(Iterable[Any], event_list(organisation=organisation, **filters))
    )
    headers = [
        "Always Event",
        "Service or team",
        "Stage",
        "Latest progress score",
        "Score set on",
        "Team lead",
        "Executive sponsor",
        "Team size",
        "Open challenges",
        "Vision statement",
        "Aim",
    ]
    return Table("Always Events", headers, rows)


def challenges_table(*, event: AlwaysEvent) -> Table:
    """The event's challenges and facilitators. One query."""
    rows = (
        (
            c.get_kind_display(),
            c.get_area_display(),
            c.text,
            c.noted_on,
            c.get_status_display(),
            c.get_help_needed_display() if c.help_needed else "",
            c.addressed_at.date() if c.addressed_at else None,
        )
        for c in event_challenges(event=event)
    )
    headers = ["Kind", "Area", "What", "Noted on", "Status", "Who can help", "Addressed on"]
    return Table("Challenges", headers, rows)
