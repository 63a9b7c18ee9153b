"""Services of the reporting app (every write of its own models)."""

from alwaysevents.reporting.services.delivery import (
    NotificationInFlight,
    notification_channel,
    notification_send,
    preferences_url,
)

__all__ = [
    "NotificationInFlight",
    "notification_channel",
    "notification_send",
    "preferences_url",
]
