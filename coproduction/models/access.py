"""Partners who sign in: the invitation sent for a partner record, and the membership it became.

A partner signs in with the `partner` role (`programmes.models.Role.PARTNER`) and reaches only
the partner pages under `/o/<org_slug>/me/`. Each partner record has at most one sign-in (one
membership) and each partner membership belongs to exactly one partner record.
"""

from __future__ import annotations

from django.db import models

from alwaysevents.tenancy.models import OrganisationOwned


class PartnerInvitation(OrganisationOwned):
    """The invitation sent so that a partner can sign in as themselves."""

    invitation = models.OneToOneField(
        "programmes.Invitation", on_delete=models.CASCADE, related_name="partner_link"
    )
    partner = models.ForeignKey(
        "coproduction.Partner", on_delete=models.CASCADE, related_name="invitations"
    )

    def __str__(self) -> str:
        return f"Invitation for {self.partner}"


class PartnerMembership(OrganisationOwned):
    """The membership a partner signs in with, linked to their partner record."""

    partner = models.OneToOneField(
        "coproduction.Partner", on_delete=models.CASCADE, related_name="sign_in"
    )
    membership = models.OneToOneField(
        "programmes.Membership", on_delete=models.CASCADE, related_name="partner_link"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.partner} signs in as {self.membership.user}"
