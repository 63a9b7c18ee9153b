"""Reads of the reporting app, split by sub-domain and re-exported here.

- `notifications`: the person's notifications and preferences.
- `report`: what a sponsor's monthly progress report says (read through the domain selectors).
- `reports`: stored reports, their lists and the acknowledgement rate.
"""

from alwaysevents.reporting.selectors.notifications import (
    digest_frequency_for_user,
    notification_list_for_user,
    notification_preference_map,
    notification_unread_count,
)

__all__ = [
    "digest_frequency_for_user",
    "notification_list_for_user",
    "notification_preference_map",
    "notification_unread_count",
]
