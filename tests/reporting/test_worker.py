"""End to end: beat's daily task on a real Celery worker and Redis, into a file mail backend."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from alwaysevents.reporting.models import Notification, NotificationKind
from programmes.models import Role, Stage
from tests.factories import AlwaysEventFactory, OrganisationFactory, member_of
from tests.reporting.conftest import make_cycle
from tests.test_celery_worker import redis_url, worker  # noqa: F401 - the real worker fixtures


def sent_to(mail_dir, address):
    return sum(path.read_text().count(f"To: {address}") for path in mail_dir.glob("*.log"))


@pytest.mark.django_db(transaction=True)
def test_a_reminder_is_delivered_once_by_a_real_worker(worker):  # noqa: F811
    client, mail_dir = worker
    organisation = OrganisationFactory(name="Northfield Hospitals", slug="northfield")
    lead = member_of(organisation, Role.TEAM_LEAD, email="lead@northfield.test")
    event = AlwaysEventFactory(organisation=organisation, team_lead=lead, stage=Stage.TESTING)
    cycle = make_cycle(event, timezone.localdate() - dt.timedelta(days=2))

    client.send_task("alwaysevents.reporting.tasks.reminders_daily_task").get(timeout=60)
    deadline = time.monotonic() + 60
    while sent_to(mail_dir, lead.email) == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert sent_to(mail_dir, lead.email) == 1
    text = "".join(path.read_text() for path in mail_dir.glob("*.log"))
    assert f"PDSA cycle {cycle.number} was planned to start" in text
    assert "/notifications/preferences/" in text
    row = Notification.objects.get(recipient=lead, kind=NotificationKind.PDSA_OVERDUE)
    assert row.emailed_at is not None

    # Run again: the organisation task enqueues the send again and the ledger stops it.
    client.send_task(
        "alwaysevents.reporting.tasks.reminders_organisation_task",
        kwargs={"organisation_id": organisation.pk},
    ).get(timeout=60)
    client.send_task("alwaysevents.ping").get(timeout=60)  # queued after the sends (solo pool)
    assert sent_to(mail_dir, lead.email) == 1
    assert Notification.objects.filter(recipient=lead).count() == 1
