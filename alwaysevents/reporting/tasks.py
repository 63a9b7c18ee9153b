"""Scheduled work of the reporting app. Tasks take ids, use `acks_late`, and are idempotent.

Monthly sponsor reports (beat: the first of each month, Europe/London):
`monthly_reports_task` fans out one `sponsor_report_task` per sponsor; each generates and
stores the report once and sends it through the notification ledger, so running the batch
twice, or again after a worker died half-way, gives every sponsor exactly one email.
Daily, `report_escalations_task` tells organisation admins about reports unacknowledged after
`REPORT_ACKNOWLEDGE_DAYS`, once per report.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from celery import shared_task

from alwaysevents.reporting.selectors.report import period_bounds, previous_period
from alwaysevents.reporting.selectors.reports import report_list_overdue
from alwaysevents.reporting.services.delivery import NotificationInFlight
from alwaysevents.tenancy.scope import organisation_scope
from alwaysevents.tenancy.tasks import organisation_task

logger = logging.getLogger(__name__)

#: Worth a retry with backoff: the mail server, the network, or another worker mid-send.
RETRY_ON = (smtplib.SMTPException, OSError, NotificationInFlight)
RETRY_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": RETRY_ON,
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": 8,
}


def sponsor_memberships(organisation: Any) -> list[int]:
    """Active members who sponsor an open event, or hold the executive sponsor role."""
    from programmes.models import Role, Stage
    from programmes.selectors import event_list, membership_list

    sponsoring = {
        sponsor_id
        for sponsor_id, stage in event_list(organisation=organisation).values_list(
            "executive_sponsor_id", "stage"
        )
        if sponsor_id is not None and stage != Stage.CLOSED
    }
    return [
        m.pk
        for m in membership_list(organisation=organisation).filter(is_active=True)
        if m.role == Role.EXECUTIVE_SPONSOR or m.user_id in sponsoring
    ]


@shared_task(name="reporting.monthly_reports", acks_late=True)
def monthly_reports_task(period: str | None = None) -> int:
    """Queue one report per sponsor of every active organisation, for last month by default."""
    from programmes.selectors import organisation_list_for_programme

    period = period or previous_period()
    period_bounds(period)
    queued = 0
    for organisation in organisation_list_for_programme().filter(is_active=True).order_by("pk"):
        with organisation_scope(organisation):
            memberships = sponsor_memberships(organisation)
        for membership_id in memberships:
            sponsor_report_task.delay(
                organisation_id=organisation.pk, membership_id=membership_id, period=period
            )
            queued += 1
    logger.info("Queued %s sponsor reports for %s.", queued, period)
    return queued


@shared_task(name="reporting.sponsor_report", **RETRY_OPTIONS)
@organisation_task
def sponsor_report_task(*, organisation: Any, membership_id: int, period: str) -> int:
    """Generate (once), store and send (once) one sponsor's report. Returns the report's id."""
    from alwaysevents.reporting.services.reports import (
        sponsor_report_generate,
        sponsor_report_send,
    )
    from programmes.selectors import membership_get

    membership = membership_get(organisation=organisation, pk=membership_id)
    membership.organisation = organisation
    report = sponsor_report_generate(membership=membership, period=period)
    report.organisation = organisation
    sponsor_report_send(report=report)
    return report.pk


@shared_task(name="reporting.report_escalations", acks_late=True)
def report_escalations_task() -> int:
    """Queue an escalation for every report unacknowledged past its deadline."""
    overdue = report_list_overdue()
    for report in overdue:
        report_escalate_task.delay(organisation_id=report.organisation_id, report_id=report.pk)
    return len(overdue)


@shared_task(name="reporting.report_escalate", **RETRY_OPTIONS)
@organisation_task
def report_escalate_task(*, organisation: Any, report_id: int) -> int:
    from alwaysevents.reporting.models import SponsorReport
    from alwaysevents.reporting.services.reports import sponsor_report_escalate

    report = (
        SponsorReport.objects.filter(organisation=organisation, pk=report_id)
        .select_related("organisation", "sponsor")
        .defer("html", "pdf")
        .get()
    )
    if report.acknowledged_at is not None or report.escalated_at is not None:
        return 0
    return sponsor_report_escalate(report=report)
