"""Downloads of the co-production app: involvement activities, as counts (no partner names)."""

from __future__ import annotations

from django.db.models import Count

from alwaysevents.exports import Table
from coproduction.models import InvolvementActivity
from programmes.models import AlwaysEvent, Stage


def activities_table(*, event: AlwaysEvent) -> Table:
    """The event's involvement activities with how many staff and partners took part. One query.

    Counts only: never who the partners were, nor their feedback in their words.
    """
    activities = (
        InvolvementActivity.objects.with_scope(organisation=event.organisation_id)
        .filter(event=event)
        .annotate(
            staff_count=Count("staff", distinct=True),
            partner_count=Count("attendance", distinct=True),
        )
        .order_by("-held_on", "-pk")
    )
    rows = (
        (
            a.held_on,
            a.title,
            a.get_type_display(),
            Stage(a.stage).label,
            InvolvementActivity.Rung(a.rung).label,
            a.hours,
            a.staff_count,
            a.partner_count,
        )
        for a in activities
    )
    headers = [
        "Held on",
        "Activity",
        "Type",
        "Stage",
        "Ladder of co-production",
        "Hours",
        "Staff",
        "Partners",
    ]
    return Table("Co-production activities", headers, rows)
