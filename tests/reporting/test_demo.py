from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from alwaysevents.reporting.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

#: The demo is built on a frozen date: every date in it is derived from today.
FROZEN = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)


def check_demo_notifications() -> None:
    """Demo people have read and unread notifications; only past reports went by email."""
    rows = list(Notification.objects.select_related("recipient"))
    assert rows
    emails = {n.recipient.email for n in rows}
    assert "lead@northfield.example" in emails
    assert any(n.read_at for n in rows) and any(n.read_at is None for n in rows)
    # Reminders are in the app only; the past reports and their escalation went by email then.
    sent_before = {NotificationKind.MONTHLY_REPORT, NotificationKind.REPORT_ESCALATION}
    assert all(n.emailed_at is None for n in rows if n.kind not in sent_before)
    assert all(n.emailed_at is not None for n in rows if n.kind in sent_before)


def test_seed_demo_gives_demo_people_read_and_unread_notifications_once():
    with time_machine.travel(FROZEN, tick=True):
        call_command("seed_demo", verbosity=0)
        check_demo_notifications()
        assert mail.outbox == []  # nothing is emailed now
        count = Notification.objects.count()

        call_command("seed_demo", verbosity=0)
        assert Notification.objects.count() == count
