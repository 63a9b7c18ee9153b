from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the navigation shows: the current organisation and the user's others."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from programmes.selectors import membership_list_for_user

    return {
        "current_organisation": getattr(request, "organisation", None),
        "current_membership": getattr(request, "membership", None),
        "user_memberships": membership_list_for_user(user=user),
    }
