from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the header shows: the current organisation and the user's others.

    On a page outside any organisation (notifications, the account pages) the menu stays that of
    the organisation the person last used, so the main navigation never disappears.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from programmes.selectors import membership_list_for_user

    memberships = membership_list_for_user(user=user)
    organisation = getattr(request, "organisation", None)
    membership = getattr(request, "membership", None)
    if organisation is None and memberships:
        remembered = request.session.get("current_organisation")
        membership = next(
            (m for m in memberships if m.organisation.slug == remembered), memberships[0]
        )
        organisation = membership.organisation
    return {
        "current_organisation": organisation,
        "current_membership": membership,
        "user_memberships": memberships,
    }
