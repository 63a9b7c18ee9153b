"""Organisation-wide reads for the reminders and the staff digest (alwaysevents.reporting).

One query each. They answer counts and pseudonyms only: no personal details (what partners
would change comes as their words alone, never with who wrote them).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from coproduction.models import Consent, EventPartner, PartnerSuggestion

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


def event_suggestion_texts(
    *, organisation: Organisation, since: dt.datetime, until: dt.datetime
) -> dict[int, list[str]]:
    """{event id: the texts of partners' suggestions made in [since, until), oldest first}.

    The words only: not who wrote them.
    """
    rows = (
        PartnerSuggestion.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation, created_at__gte=since, created_at__lt=until)
        .order_by("created_at", "pk")
        .values_list("event_id", "text")
    )
    found: dict[int, list[str]] = {}
    for event_id, text in rows:
        found.setdefault(event_id, []).append(text)
    return found


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
