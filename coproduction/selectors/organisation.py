"""Organisation-wide reads for the reminders and the staff digest (alwaysevents.reporting).

One query each. They answer counts and pseudonyms only: no personal details.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from coproduction.models import Consent, EventPartner

if TYPE_CHECKING:
    from programmes.models import Organisation


def event_partner_counts_joined(
    *, organisation: Organisation, since: dt.date, until: dt.date
) -> dict[int, int]:
    """{event id: number of partners who joined it} for joining dates in [since, until)."""
    rows = (
        EventPartner.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation, joined_on__gte=since, joined_on__lt=until)
        .values("event_id")
        .annotate(count=Count("pk"))
        .order_by("event_id")
    )
    return {row["event_id"]: row["count"] for row in rows}


def consent_list_due_for_review(
    *, organisation: Organisation, given_before: dt.datetime
) -> QuerySet[Consent]:
    """Consents still in force, of partners not anonymised, given before `given_before`."""
    return (
        Consent.objects.with_scope(organisation=organisation.pk)
        .filter(
            organisation=organisation,
            withdrawn_at__isnull=True,
            partner__anonymised_at__isnull=True,
            given_at__lt=given_before,
        )
        .select_related("partner")
        .order_by("given_at", "pk")
    )
