"""Writes of the access record: who opened a partner's personal details, and its pruning.

`partner_access_record` is called by the pages that show contact, access-need or payment
details, by the receipt download and by the subject access export: one INSERT per page view,
whatever the number of kinds shown. Records older than `settings.PARTNER_ACCESS_RECORD_DAYS`
go in `partner_access_records_prune` (run daily by `partner_retention_review_task`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from alwaysevents.tenancy.scope import owned_by
from coproduction.models import Partner, PartnerAccessRecord

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import Organisation

Kind = PartnerAccessRecord.Kind
WHERE_MAX_LENGTH = 120


def partner_access_record(
    *,
    by: User | None,
    kinds: Iterable[str],
    partners: Iterable[Partner] = (),
    partner_ids: Iterable[int] = (),
    organisation: Organisation | None = None,
    where: str = "",
) -> list[PartnerAccessRecord]:
    """Record that `by` saw `kinds` of each partner's details, now, in one INSERT.

    Pass partner objects, or ids with their `organisation` (a page listing many partners' claims
    knows the ids only). Not atomic on purpose: a page view is recorded even if nothing else is
    written, and a failure to record answers 500 rather than show the details unrecorded.
    """
    organisation_id = organisation.pk if organisation is not None else None
    targets: list[tuple[int, int]] = [(p.organisation_id, p.pk) for p in partners]
    if partner_ids:
        if organisation_id is None:
            raise ValueError("partner_ids need their organisation.")
        targets += [(organisation_id, pk) for pk in partner_ids]
    kinds = [Kind(kind) for kind in kinds]
    if not targets or not kinds:
        return []
    now = timezone.now()
    where = " ".join(where.split())[:WHERE_MAX_LENGTH]
    rows = [
        PartnerAccessRecord(
            organisation_id=org_id,
            partner_id=partner_id,
            viewer=by,
            at=now,
            kind=kind,
            where=where,
        )
        for org_id, partner_id in dict.fromkeys(targets)
        for kind in kinds
    ]
    # Not announced (`PartnerAccessRecord.announces_changes`): no data version moves.
    created: list[PartnerAccessRecord] = []
    for org_id in dict.fromkeys(row.organisation_id for row in rows):
        created += PartnerAccessRecord.objects.with_scope(organisation=org_id).bulk_create(
            [row for row in rows if row.organisation_id == org_id]
        )
    return created


def partner_access_records_prune(
    *, organisation: Organisation, now: dt.datetime | None = None
) -> int:
    """Delete the organisation's records older than the retention period; returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.PARTNER_ACCESS_RECORD_DAYS)
    # One DELETE: with no signal wired (`announces_changes = False`) and nothing pointing at
    # the rows, Django deletes without loading them.
    deleted, _ = owned_by(PartnerAccessRecord, organisation).filter(at__lt=cutoff).delete()
    return deleted
