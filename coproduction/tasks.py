"""Scheduled work of the co-production app."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from alwaysevents.tenancy.scope import across_organisations
from coproduction.selectors.partners import partners_past_retention
from coproduction.services.access_records import partner_access_records_prune
from programmes.models import Organisation

logger = logging.getLogger(__name__)


@shared_task
def partner_retention_review_task() -> dict[str, int]:
    """Daily: count, per organisation, the partners past their retention date, and prune the
    access records older than `settings.PARTNER_ACCESS_RECORD_DAYS`.

    Safe to run twice (the count reads; the pruning deletes only what is already too old).
    Returns {organisation slug: partners past retention} for organisations with any; the
    notification to each organisation admin comes with the reminders (issue 7).
    """
    today = timezone.localdate()
    with across_organisations():
        organisations = list(Organisation.objects.order_by("pk"))
    due: dict[str, int] = {}
    for organisation in organisations:
        pruned = partner_access_records_prune(organisation=organisation)
        if pruned:
            logger.info("%s: %d old access record(s) pruned.", organisation.slug, pruned)
        count = partners_past_retention(organisation=organisation, today=today).count()
        if count:
            due[organisation.slug] = count
            logger.info(
                "%s: %d partner(s) past their retention date need review.",
                organisation.slug,
                count,
            )
    return due
