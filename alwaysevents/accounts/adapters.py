from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
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

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Don't ask for the password again to add a *first* authenticator just after sign-in.

        Programme admins and reviewers are sent to set one up straight after signing in; a
        sign-in within the reauthentication timeout is proof enough. Everything else (a second
        authenticator, turning two-step verification off, recovery codes) still asks.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = self.request
        if not required or app != "allauth.mfa" or request is None:
            return required
        user = request.user
        if not user.is_authenticated or Authenticator.objects.filter(user=user).exists():
            return required
        records = get_authentication_records(request, user)
        if not records:
            return required
        signed_in_at = records[-1].get("at", 0)
        return time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT
