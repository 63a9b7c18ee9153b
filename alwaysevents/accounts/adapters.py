from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from alwaysevents.exceptions import DomainError

INVITATION_SESSION_KEY = "invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is by invitation only: the app holds organisations' private work."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        from programmes.services import invitation_from_token

        token = request.session.get(INVITATION_SESSION_KEY)
        if not token:
            return False
        try:
            invitation_from_token(token)
        except DomainError:
            return False
        return True
