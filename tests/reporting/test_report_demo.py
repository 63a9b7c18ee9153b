from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alwaysevents.reporting.models import Notification, NotificationKind, SponsorReport
from alwaysevents.reporting.selectors.report import period_bounds
from alwaysevents.reporting.selectors.reports import report_deliveries, report_is_overdue
from alwaysevents.tenancy.scope import across_organisations

pytestmark = pytest.mark.django_db

#: The demo is built on a frozen date: every date in it is derived from today.
FROZEN = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)


def demo_reports():
    with across_organisations():
        return list(
            SponsorReport.objects.filter(sponsor__email="sponsor@northfield.example")
            .defer("pdf")
            .order_by("period")
        )


def check_demo_reports() -> None:
    """Three past monthly reports: acknowledged, overdue and escalated, waiting."""
    oldest, overdue, latest = demo_reports()
    assert oldest.acknowledged_at is not None and oldest.escalated_at is None
    assert overdue.acknowledged_at is None and overdue.escalated_at is not None
    assert report_is_overdue(overdue)
    assert latest.acknowledged_at is None and not report_is_overdue(latest)
    assert "Progress report for" in latest.html
    # Consecutive months, each sent after its month ended and not after now.
    months = [period_bounds(r.period)[0] for r in (oldest, overdue, latest)]
    assert [(m.year * 12 + m.month) - (months[0].year * 12 + months[0].month) for m in months] == [
        0,
        1,
        2,
    ]
    now = timezone.now()
    for report in (oldest, overdue, latest):
        _, end = period_bounds(report.period)
        assert report.sent_at is not None
        assert timezone.localdate(report.sent_at) > end, report.period
        assert report.sent_at <= now, report.period
        for then in (report.acknowledged_at, report.escalated_at):
            assert then is None or report.sent_at < then <= now, report.period
    escalations = Notification.objects.filter(
        kind=NotificationKind.REPORT_ESCALATION, recipient__email="orgadmin@northfield.example"
    )
    assert escalations.count() == 1
    assert report_deliveries([oldest, overdue, latest]) == {
        r.pk: "by email" for r in (oldest, overdue, latest)
    }


def test_seed_demo_gives_the_sponsor_past_reports_once():
    with time_machine.travel(FROZEN, tick=True):
        call_command("seed_demo", verbosity=0)
        check_demo_reports()
        assert mail.outbox == []
        first = demo_reports()

        call_command("seed_demo", verbosity=0)
        again = demo_reports()
    assert [(r.pk, r.acknowledged_at, r.escalated_at) for r in again] == [
        (r.pk, r.acknowledged_at, r.escalated_at) for r in first
    ]
