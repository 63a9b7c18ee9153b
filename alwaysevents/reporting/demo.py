"""Demo notifications (called by `seed_demo`; idempotent).

The in-app notifications are the demo organisation's real reminders, worked out by the same
rules as the daily task, a few per person, some marked read. They are recorded as in-app only
and never emailed, and they take the rules' own ledger keys, so the daily task does not repeat
them; the reminders left over are the ones the worker emails when `make run` starts beat.
A past staff digest (last week's successes, if any) goes to the team in the app as well.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils import timezone

from alwaysevents.reporting.digest import digest_audience, event_successes
from alwaysevents.reporting.models import Channel, Notification, NotificationKind
from alwaysevents.reporting.reminders import organisation_timezone, reminders_due
from alwaysevents.reporting.reminders.coproduction import iso_week

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import Organisation

PER_PERSON = 2


def _record(
    *,
    recipient_id: int,
    organisation: Organisation,
    kind: str,
    period: str,
    subject: str,
    body: str,
    url: str,
    read: bool,
) -> Notification:
    notification, created = Notification.objects.get_or_create(
        recipient_id=recipient_id,
        kind=kind,
        period=period,
        defaults={
            "organisation": organisation,
            "channel": Channel.IN_APP,
            "subject": subject,
            "body": body,
            "url": url,
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
        _record(
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

    tz = organisation_timezone(organisation)
    until = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(), tzinfo=tz)
    successes = event_successes(
        organisation=organisation, since=until - dt.timedelta(days=28), until=until
    )
    for user_id, items in digest_audience(organisation=organisation, successes=successes).items():
        lines = [
            f"{item.title}: "
            + " ".join([*item.signals, *item.adopted, *item.news])
            + (f" {item.new_partners} new partner(s) joined." if item.new_partners else "")
            for item in items
        ]
        _record(
            recipient_id=user_id,
            organisation=organisation,
            kind=NotificationKind.STAFF_DIGEST,
            period=f"{iso_week(until.date())}:org-{organisation.pk}",
            subject=(
                f"Successes in {organisation.name} over the four weeks to {until.day} {until:%B}"
            ),
            body="\n".join(line.strip() for line in lines),
            url=f"/o/{organisation.slug}/",
            read=False,
        )
    return Notification.objects.filter(organisation=organisation).count()
