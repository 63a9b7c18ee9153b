from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Pages a programme admin or reviewer without an authenticator may still reach.
MFA_SETUP_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


def mfa_setup_pending(request: HttpRequest) -> bool:
    """Does this person hold a programme role but have no authenticator app yet?"""
    user = request.user
    return bool(
        settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES
        and user.is_authenticated
        and getattr(user, "has_programme_role", False)
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


class RequireMfaMiddleware:
    """Programme admins and reviewers reach nothing until they have set up an authenticator.

    Switched by MFA_REQUIRED_FOR_PROGRAMME_ROLES (on by default when DEBUG is off). Sets
    `request.mfa_setup_pending` so that the navigation offers nothing they cannot reach yet.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = mfa_setup_pending(request)
        request.mfa_setup_pending = pending  # type: ignore[attr-defined]
        if pending and not request.path_info.startswith(MFA_SETUP_ALLOWED_PREFIXES):
            messages.info(
                request,
                "Your role needs two-step verification. Set up an authenticator app to continue.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
