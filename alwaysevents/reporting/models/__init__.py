"""Models of the reporting app, split by sub-domain and re-exported here."""

from alwaysevents.reporting.models.notifications import (
    Channel,
    DigestFrequency,
    Notification,
    NotificationKind,
    NotificationPreference,
    effective_channel,
)
from alwaysevents.reporting.models.reports import SponsorReport
from alwaysevents.reporting.models.versions import DataChange

__all__ = [
    "Channel",
    "DataChange",
    "DigestFrequency",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "SponsorReport",
    "effective_channel",
]
