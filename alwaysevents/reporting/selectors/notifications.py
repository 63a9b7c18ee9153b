"""Reads of the reporting app's own rows (each a constant number of queries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from alwaysevents.reporting.models import (
    Channel,
    DigestFrequency,
    Notification,
    NotificationKind,
    NotificationPreference,
    effective_channel,
)

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User


def notification_list_for_user(*, user: User) -> QuerySet[Notification]:
    """The person's own in-app notifications, newest first (one query)."""
    return Notification.objects.filter(
        recipient=user, channel__in=Channel.with_in_app()
    ).select_related("organisation")


def notification_unread_count(*, user: User) -> int:
    """Unread in-app notifications: one COUNT query, for the navigation."""
    return Notification.objects.filter(
        recipient=user, channel__in=Channel.with_in_app(), read_at__isnull=True
    ).count()


def notification_preference_map(*, user: User) -> dict[str, str]:
    """{kind: channel} for every kind, defaults filled in (one query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: effective_channel(kind, chosen.get(kind)) for kind in NotificationKind.values}


def digest_frequency_for_user(*, user: User) -> str:
    preference = NotificationPreference.objects.filter(
        user=user, kind=NotificationKind.STAFF_DIGEST
    ).first()
    return preference.digest_frequency if preference else DigestFrequency.WEEKLY.value
