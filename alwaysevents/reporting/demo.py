"""Demo notifications (called by `seed_demo`; idempotent).

The in-app notifications are the demo organisation's real reminders, worked out by the same
rules as the daily task, a few per person, some marked read. They are recorded as in-app only
and never emailed, and they take the rules' own ledger keys, so the daily task does not repeat
them; the reminders left over, and the staff digest of the demo's successes, are the ones
`manage.py send_notifications --digest` (or beat, in the morning) emails.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils import timezone

from alwaysevents.reporting.models import Channel, Notification
from alwaysevents.reporting.reminders import reminders_due

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import Organisation

PER_PERSON = 2


def demo_notification(
    *,
    recipient_id: int,
    organisation: Organisation,
    kind: str,
    period: str,
    subject: str,
    body: str,
    url: str,
    read: bool,
    emailed_at: dt.datetime | None = None,
) -> Notification:
    """One ledger row of the demo, once (its key is the real ledger's). In the app only, unless
    `emailed_at` says it was emailed then; nothing is emailed now."""
    notification, created = Notification.objects.get_or_create(
        recipient_id=recipient_id,
        kind=kind,
        period=period,
        defaults={
            "organisation": organisation,
            "channel": Channel.BOTH if emailed_at else Channel.IN_APP,
            "subject": subject,
            "body": body,
            "url": url,
            "emailed_at": emailed_at,
        },
    )
    if created and read:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def seed_reporting(organisation: Organisation, *, people: dict[str, User], today: dt.date) -> int:
    """A few read and unread notifications for the demo people. Returns how many exist now."""
    taken: dict[int, int] = defaultdict(int)
    for reminder in reminders_due(organisation=organisation, today=today):
        if taken[reminder.recipient_id] >= PER_PERSON:
            continue
        demo_notification(
            recipient_id=reminder.recipient_id,
            organisation=organisation,
            kind=reminder.kind,
            period=reminder.period,
            subject=reminder.subject,
            body=reminder.message,
            url=reminder.url,
            read=taken[reminder.recipient_id] == 1,  # each person's second one is read
        )
        taken[reminder.recipient_id] += 1

    return Notification.objects.filter(organisation=organisation).count()
