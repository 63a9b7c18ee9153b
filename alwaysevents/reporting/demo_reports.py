"""Demo sponsor reports (called by `seed_demo`; idempotent).

For the demo sponsor of an organisation, the reports of the last three months whose reports have
gone (a month's report goes at 07:00 on the first of the next month), generated from the demo
data by the real service: the oldest acknowledged, the middle one overdue (never acknowledged,
escalated to the organisation admin), the latest sent two days ago (or when it went, if that is
less than two days ago) and waiting for the sponsor's click. Each was sent after its month
ended, never in the future. Their ledger rows are recorded as already emailed when they were
sent (as they would have been), so nothing is emailed now and the monthly task does not send
them again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from alwaysevents.reporting.demo import demo_notification
from alwaysevents.reporting.models import NotificationKind, SponsorReport
from alwaysevents.reporting.selectors.report import period_bounds, period_label, period_of
from alwaysevents.reporting.services.reports import report_path, sponsor_report_generate
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Membership, Role

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import Organisation


def _months_before(day: dt.date, n: int) -> str:
    first = day.replace(day=1)
    for _ in range(n):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return period_of(first)


def _goes_at(period: str) -> dt.datetime:
    """When the month's report goes: 07:00 on the first of the next month."""
    _, end = period_bounds(period)
    return dt.datetime.combine(
        end + dt.timedelta(days=1), dt.time(7), tzinfo=timezone.get_current_timezone()
    )


def seed_reports(organisation: Organisation, *, people: dict[str, User], today: dt.date) -> int:
    """Three past reports for the demo sponsor. Returns how many reports the sponsor has."""
    sponsor = people.get("sponsor")
    if sponsor is None:
        return 0
    with organisation_scope(organisation):
        membership = (
            Membership.objects.select_related("organisation", "user")
            .filter(organisation=organisation, user=sponsor, is_active=True)
            .first()
        )
        admins = list(
            Membership.objects.filter(
                organisation=organisation, role=Role.ORGANISATION_ADMIN, is_active=True
            ).values_list("user_id", flat=True)
        )
    if membership is None:
        return 0
    now = timezone.now()
    days = settings.REPORT_ACKNOWLEDGE_DAYS
    # (month, sent at, acknowledged at, escalated at)
    plan: list[tuple[str, dt.datetime, dt.datetime | None, dt.datetime | None]] = []
    # Last month's report has gone unless it is the first of the month before 07:00.
    latest = 1 if _goes_at(_months_before(today, 1)) <= now else 2
    for back in (latest + 2, latest + 1, latest):
        period = _months_before(today, back)
        goes_at = _goes_at(period)
        if back == latest + 2:
            plan.append((period, goes_at, goes_at + dt.timedelta(days=3), None))
        elif back == latest + 1:
            plan.append((period, goes_at, None, goes_at + dt.timedelta(days=days, hours=2)))
        else:
            plan.append((period, max(goes_at, now - dt.timedelta(days=2)), None, None))
    for period, sent_at, acknowledged_at, escalated_at in plan:
        report = sponsor_report_generate(membership=membership, period=period)
        with organisation_scope(organisation):
            SponsorReport.objects.filter(pk=report.pk, sent_at__isnull=True).update(
                generated_at=sent_at,
                sent_at=sent_at,
                acknowledged_at=acknowledged_at,
                acknowledged_by=sponsor if acknowledged_at else None,
                acknowledged_via=SponsorReport.Via.LINK if acknowledged_at else "",
                escalated_at=escalated_at,
            )
        report.organisation = organisation
        label = period_label(period)
        demo_notification(
            recipient_id=sponsor.pk,
            organisation=organisation,
            kind=NotificationKind.MONTHLY_REPORT,
            period=report.notification_period,
            subject=f"Always Events progress report for {label}",
            body=f"Your progress report for {label} is ready.",
            url=report_path(report),
            read=acknowledged_at is not None,
            emailed_at=sent_at,
        )
        if escalated_at:
            for admin_id in admins:
                demo_notification(
                    recipient_id=admin_id,
                    organisation=organisation,
                    kind=NotificationKind.REPORT_ESCALATION,
                    period=f"report-{report.pk}",
                    subject=(
                        f"{sponsor.display_name} has not acknowledged the {label} progress report"
                    ),
                    body=f"{sponsor.display_name} has not acknowledged the {label} progress "
                    "report.",
                    url=report_path(report),
                    read=False,
                    emailed_at=escalated_at,
                )
    with organisation_scope(organisation):
        return SponsorReport.objects.filter(organisation=organisation, sponsor=sponsor).count()
