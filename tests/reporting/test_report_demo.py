from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from alwaysevents.reporting.models import Notification, NotificationKind, SponsorReport
from alwaysevents.reporting.selectors.reports import report_deliveries, report_is_overdue
from alwaysevents.tenancy.scope import across_organisations

pytestmark = pytest.mark.django_db


def demo_reports():
    with across_organisations():
        return list(
            SponsorReport.objects.filter(sponsor__email="sponsor@northfield.example")
            .defer("pdf")
            .order_by("period")
        )


def test_seed_demo_gives_the_sponsor_past_reports_once():
    call_command("seed_demo", verbosity=0)
    oldest, overdue, latest = demo_reports()
    assert oldest.acknowledged_at is not None and oldest.escalated_at is None
    assert overdue.acknowledged_at is None and overdue.escalated_at is not None
    assert report_is_overdue(overdue)
    assert latest.acknowledged_at is None and not report_is_overdue(latest)
    assert "Progress report for" in latest.html
    escalations = Notification.objects.filter(
        kind=NotificationKind.REPORT_ESCALATION, recipient__email="orgadmin@northfield.example"
    )
    assert escalations.count() == 1
    assert mail.outbox == []
    assert report_deliveries([oldest, overdue, latest]) == {
        r.pk: "by email" for r in (oldest, overdue, latest)
    }

    call_command("seed_demo", verbosity=0)
    again = demo_reports()
    assert [(r.pk, r.acknowledged_at, r.escalated_at) for r in again] == [
        (r.pk, r.acknowledged_at, r.escalated_at) for r in (oldest, overdue, latest)
    ]
