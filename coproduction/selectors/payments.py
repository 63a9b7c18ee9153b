"""Reads about partner payments: what an event has approved or paid out."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from coproduction.models import Claim
from programmes.models import AlwaysEvent

COUNTED_STATES = (Claim.State.APPROVED, Claim.State.PAID)


def event_partner_payments_total(*, event: AlwaysEvent) -> Decimal:
    """Approved and paid claims of the event (one query), for its costs in the value summary."""
    total = (
        Claim.objects.with_scope(organisation=event.organisation_id)
        .filter(organisation_id=event.organisation_id, event=event, state__in=COUNTED_STATES)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total if total is not None else Decimal("0")
