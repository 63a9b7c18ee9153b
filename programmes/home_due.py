"""This app's sections of the "Your work" home page (programmes.home): what waits for the person.

- "Progress scores to review": the team lead's live events whose score is overdue (the
  dashboard's rule), each with the link to review it.
- "Challenges waiting for you": open challenges asking for the sponsor of their event, or for the
  organisation admin, each with the link to the event's challenges.
- "Invitations to send again": for organisation admins, staff invitations whose link has expired,
  each with a button that sends a new one in place.

Registered by `ProgrammesConfig.ready()`, like the sections the apps above this one register.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import owned_by
from programmes import services
from programmes.home import Home, HomeSection, Posted, register
from programmes.models import Invitation, Role
from programmes.permissions import can_manage_members
from programmes.selectors.due import (
    challenges_waiting_for,
    invitations_expired,
    scores_due_from,
)

SCORES = "score"
CHALLENGES = "challenges"
INVITATIONS = "invitation"


def scores(home: Home) -> dict[str, Any] | None:
    if home.membership.role != Role.TEAM_LEAD:
        return None
    due = scores_due_from(organisation=home.organisation, user_id=home.membership.user_id)
    return {"scores": due} if due else None


def challenges(home: Home) -> dict[str, Any] | None:
    if home.membership.role not in (Role.EXECUTIVE_SPONSOR, Role.ORGANISATION_ADMIN):
        return None
    waiting = challenges_waiting_for(membership=home.membership)
    return {"challenges": waiting} if waiting else None


def invitations(home: Home) -> dict[str, Any] | None:
    if not can_manage_members(home.membership):
        return None
    expired = invitations_expired(organisation=home.organisation, now=timezone.now())
    return {"invitations": expired, "action": INVITATIONS} if expired else None


def invitation_send_again(home: Home, data: QueryDict) -> Posted:
    """Send a new invitation to the same address with the same role (the old one is withdrawn)."""
    if not can_manage_members(home.membership):
        raise PermissionDenied("Only organisation admins send invitations.")
    try:
        pk = int(data.get("invitation", ""))
    except ValueError:
        raise Http404("No such invitation here.") from None
    old = owned_by(Invitation, home.organisation).filter(pk=pk).first()
    if old is None or old.role == Role.PARTNER:
        raise Http404("No such invitation here.")
    if not old.is_open:
        messages.error(
            home.request, f"The invitation to {old.email} has already been used or withdrawn."
        )
    else:
        try:
            new = services.invitation_create(
                organisation=home.organisation,
                email=old.email,
                role=old.role,
                invited_by=home.membership.user,
            )
        except DomainError as error:
            messages.error(home.request, error.message)
        else:
            messages.success(home.request, f"A new invitation is on its way to {new.email}.")
    return reverse("programmes:organisation-home", kwargs={"org_slug": home.organisation.slug})


def register_all() -> None:
    register(SCORES, HomeSection(template="programmes/home_scores.html", context=scores, order=30))
    register(
        CHALLENGES,
        HomeSection(template="programmes/home_challenges.html", context=challenges, order=40),
    )
    register(
        INVITATIONS,
        HomeSection(
            template="programmes/home_invitations.html",
            context=invitations,
            post=invitation_send_again,
            order=60,
        ),
    )
