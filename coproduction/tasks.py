"""Scheduled work of the co-production app."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from alwaysevents.tenancy.scope import across_organisations
from coproduction.selectors.partners import partners_past_retention
from programmes.models import Organisation

logger = logging.getLogger(__name__)


@shared_task
def partner_retention_review_task() -> dict[str, int]:
    """Daily: count, per organisation, the partners past their retention date.

    Read only, so safe to run twice. Returns {organisation slug: count} for organisations with
    any; the notification to each organisation admin comes with the reminders (issue 7).
    """
    today = timezone.localdate()
    with across_organisations():
        organisations = list(Organisation.objects.order_by("pk"))
    due: dict[str, int] = {}
    for organisation in organisations:
        count = partners_past_retention(organisation=organisation, today=today).count()
        if count:
            due[organisation.slug] = count
            logger.info(
                "%s: %d partner(s) past their retention date need review.",
                organisation.slug,
                count,
            )
    return due
