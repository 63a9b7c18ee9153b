"""Reads of the access record: who opened one partner's personal details, newest first."""

from __future__ import annotations

from django.db.models import QuerySet

from alwaysevents.tenancy.scope import owned_by
from coproduction.models import Partner, PartnerAccessRecord


def partner_access_record_list(*, partner: Partner) -> QuerySet[PartnerAccessRecord]:
    """The partner's access record, newest first, with who looked (one query per page)."""
    return (
        owned_by(PartnerAccessRecord, partner.organisation_id)
        .filter(partner=partner)
        .select_related("viewer")
        .order_by("-at", "-pk")
    )
