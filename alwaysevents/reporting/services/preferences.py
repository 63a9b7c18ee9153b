"""Writes of a person's own notification preferences and read marks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.reporting.models import (
    Channel,
    DigestFrequency,
    Notification,
    NotificationKind,
    NotificationPreference,
)

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User


@transaction.atomic
def notification_preferences_set(
    *, user: User, channels: Mapping[str, str], digest_frequency: str
) -> list[NotificationPreference]:
    """Save the person's channel for each kind given, and the digest frequency."""
    if digest_frequency not in DigestFrequency.values:
        raise DomainError("Choose how often the staff digest comes.", field="digest_frequency")
    saved = []
    for kind, channel in channels.items():
        if kind not in NotificationKind.values:
            raise DomainError(f"There is no notification kind called {kind!r}.")
        if channel not in Channel.values:
            raise DomainError(
                f"Choose how you want “{NotificationKind(kind).label}” notifications.", field=kind
            )
        preference, _ = NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={
                "channel": channel,
                "digest_frequency": digest_frequency
                if kind == NotificationKind.STAFF_DIGEST
                else DigestFrequency.WEEKLY,
            },
        )
        saved.append(preference)
    if NotificationKind.STAFF_DIGEST.value not in channels:
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=NotificationKind.STAFF_DIGEST,
            defaults={"digest_frequency": digest_frequency},
        )
    return saved


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the person's own notifications read. Someone else's: DoesNotExist."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the person read; answers how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
