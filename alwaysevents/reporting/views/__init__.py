"""Views of the reporting app, split by sub-domain and re-exported here."""

from alwaysevents.reporting.views.notifications import (
    NotificationListView,
    NotificationPreferencesView,
    NotificationReadAllView,
    NotificationReadView,
)

__all__ = [
    "NotificationListView",
    "NotificationPreferencesView",
    "NotificationReadAllView",
    "NotificationReadView",
]
