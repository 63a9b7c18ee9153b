from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the navigation: one COUNT query, run only if a template shows it.

    The value is a cached callable (templates call callables), so pages that do not render
    the navigation (emails, error pages, JSON) spend no query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def unread_notification_count() -> int:
        from alwaysevents.reporting.selectors import notification_unread_count

        return notification_unread_count(user=user)

    return {"unread_notification_count": unread_notification_count}
