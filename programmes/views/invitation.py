"""Accepting an invitation: the one programmes page reachable before signing in."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View

from alwaysevents.accounts.adapters import INVITATION_SESSION_KEY
from alwaysevents.exceptions import DomainError
from programmes import services
from programmes.models import Role


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(View):
    template_name = "programmes/invitation_accept.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            invitation = services.invitation_from_token(token)
        except DomainError as error:
            return render(request, self.template_name, {"error": error.message}, status=410)
        if not request.user.is_authenticated:
            # Remember the invitation so that sign-up opens for this address only, and the
            # address counts as verified: the person reached it through the emailed link.
            request.session[INVITATION_SESSION_KEY] = token
            get_adapter(request).stash_verified_email(request, invitation.email)
        email_matches = (
            request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
        )
        return render(
            request,
            self.template_name,
            {"invitation": invitation, "token": token, "email_matches": email_matches},
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("programmes:invitation-accept", token=token)
        try:
            invitation = services.invitation_from_token(token)
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("home")
        request.session.pop(INVITATION_SESSION_KEY, None)
        if membership.role == Role.PARTNER:
            # Partners have their own pages; the home page sends them there.
            request.session["current_organisation"] = membership.organisation.slug
            messages.success(
                request,
                "Welcome. Here are the Always Events you help with at "
                f"{membership.organisation.name}.",
            )
            return redirect("home")
        messages.success(
            request,
            f"Welcome to {membership.organisation.name}. "
            f"You are a {membership.get_role_display().lower()}.",
        )
        return redirect("programmes:organisation-home", org_slug=membership.organisation.slug)
