"""Partners who sign in: inviting them, linking their membership, and what they do themselves.

A partner is invited from their partner record by the event's team lead or the organisation
admin (`coproduction.permissions.can_invite_partner`), through the ordinary invitation flow
with the `partner` role. Accepting it links the new membership to the partner record
(`partner_invitation_accepted`, registered in `CoproductionConfig.ready()`). Anonymising a
partner ends their sign-in (`partner_sign_in_end`).

What partners do themselves goes through the same services staff use (consent withdrawal,
vision sign-off), after checking that the thing is their own. Every write is audited under the
partner's pseudonym.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import (
    Attendance,
    Consent,
    EventPartner,
    Partner,
    PartnerInvitation,
    PartnerMembership,
    PartnerSignOff,
)
from coproduction.services.involvement import looks_like_nhs_number
from coproduction.services.partners import (
    audit_record,
    clean_access_needs,
    consent_require,
    consent_withdraw,
    partner_sign_off_vision,
    partner_update,
)
from programmes.models import AlwaysEvent, Invitation, Membership, Role
from programmes.services import invitation_create, membership_deactivate

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

FEEDBACK_MAX_LENGTH = 2000


class PartnerAuditAction:
    INVITED = "partner_invited"
    SIGN_IN_LINKED = "partner_sign_in_linked"
    SIGN_IN_ENDED = "partner_sign_in_ended"
    DETAILS_CHANGED = "partner_details_changed"


# --- who the partner is -------------------------------------------------------------------------


def partner_for_membership(*, membership: Membership) -> Partner | None:
    """The partner record a partner's membership signs in as (None if none, or anonymised)."""
    if not membership.is_active or membership.role != Role.PARTNER:
        return None
    with organisation_scope(membership.organisation):
        link = (
            PartnerMembership.objects.select_related("partner")
            .filter(membership=membership, partner__anonymised_at__isnull=True)
            .first()
        )
    return link.partner if link is not None else None


def _membership_of(partner: Partner) -> Membership | None:
    with organisation_scope(partner.organisation):
        link = PartnerMembership.objects.select_related("membership").filter(partner=partner)
        found = link.first()
    return found.membership if found is not None else None


# --- inviting -----------------------------------------------------------------------------------


def partner_invite_refusal(*, partner: Partner) -> str:
    """Why this partner cannot be invited to sign in now, or "" when they can."""
    if partner.is_anonymised:
        return (
            f"{partner.pseudonym} has been anonymised, so they cannot be invited to sign in. "
            "Add them as a new partner if they come back."
        )
    if not partner.email:
        return (
            f"Record {partner}'s email address first: the invitation is sent by email, and "
            "they sign in with it."
        )
    try:
        consent_require(partner=partner, purpose=Consent.Purpose.CONTACT)
    except DomainError as error:
        return (
            f"{error.message} Record their consent to being contacted before inviting them "
            "to sign in."
        )
    membership = _membership_of(partner)
    if membership is not None and membership.is_active:
        return f"{partner} can already sign in, as {membership.user.email}."
    return ""


@transaction.atomic
def partner_invite(*, partner: Partner, by: User) -> Invitation:
    """Email the partner an invitation to sign in with the partner role.

    Needs their email address and their consent to being contacted; refuses anonymised
    partners and partners who can already sign in. A newer invitation replaces older ones.
    """
    with organisation_scope(partner.organisation):
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
    refusal = partner_invite_refusal(partner=partner)
    if refusal:
        raise DomainError(refusal)
    invitation = invitation_create(
        organisation=partner.organisation,
        email=partner.email,
        role=Role.PARTNER,
        invited_by=by,
        for_partner=True,
    )
    with organisation_scope(partner.organisation):
        PartnerInvitation.objects.create(
            organisation=partner.organisation, invitation=invitation, partner=partner
        )
    audit_record(
        organisation=partner.organisation,
        actor=by,
        action=PartnerAuditAction.INVITED,
        partner=partner,
        summary=f"{partner.pseudonym} was invited to sign in and see their Always Events.",
    )
    return invitation


def partner_invitation_accepted(invitation: Invitation, membership: Membership) -> None:
    """Link a partner's new membership to their record (a hook of `invitation_accept`).

    Runs inside the acceptance's transaction: a DomainError undoes the acceptance.
    """
    if invitation.role != Role.PARTNER:
        return
    with organisation_scope(invitation.organisation):
        link = (
            PartnerInvitation.objects.select_related("partner")
            .filter(invitation=invitation)
            .first()
        )
    if link is None:
        raise DomainError(
            "This invitation is not linked to a partner record. Ask the team to send a new one."
        )
    partner_membership_link(partner=link.partner, membership=membership, by=membership.user)


@transaction.atomic
def partner_membership_link(
    *, partner: Partner, membership: Membership, by: User | None
) -> PartnerMembership:
    """Let `membership` (with the partner role) sign in as `partner`. One each way."""
    if membership.role != Role.PARTNER or membership.organisation_id != partner.organisation_id:
        raise DomainError("Only a partner's sign-in of the same organisation can be linked.")
    with organisation_scope(partner.organisation):
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if partner.is_anonymised:
            raise DomainError(
                "This invitation can no longer be used. "
                "Ask the team if you want to take part again."
            )
        existing = (
            PartnerMembership.objects.select_related("membership").filter(partner=partner).first()
        )
        if existing is not None and existing.membership_id == membership.pk:
            return existing
        if existing is not None:
            if existing.membership.is_active:
                raise DomainError(
                    "Someone already signs in as this partner. "
                    "Ask the team to check the invitation."
                )
            existing.delete()
        if PartnerMembership.objects.filter(membership=membership).exists():
            raise DomainError(
                "Your account already signs in as another partner of this organisation."
            )
        created = PartnerMembership.objects.create(
            organisation=partner.organisation, partner=partner, membership=membership
        )
    audit_record(
        organisation=partner.organisation,
        actor=by,
        action=PartnerAuditAction.SIGN_IN_LINKED,
        partner=partner,
        summary=f"{partner.pseudonym} can now sign in to see their Always Events.",
    )
    return created


@transaction.atomic
def partner_sign_in_end(*, partner: Partner, by: User | None) -> Membership | None:
    """Stop a partner signing in: deactivate their membership, withdraw open invitations."""
    now = timezone.now()
    with organisation_scope(partner.organisation):
        open_ids = list(
            PartnerInvitation.objects.filter(
                partner=partner,
                invitation__accepted_at__isnull=True,
                invitation__revoked_at__isnull=True,
            ).values_list("invitation_id", flat=True)
        )
        Invitation.objects.filter(pk__in=open_ids).update(revoked_at=now)
    membership = _membership_of(partner)
    if membership is None or not membership.is_active:
        return membership
    membership = membership_deactivate(membership=membership, by=by)
    audit_record(
        organisation=partner.organisation,
        actor=by,
        action=PartnerAuditAction.SIGN_IN_ENDED,
        partner=partner,
        summary=f"{partner.pseudonym} can no longer sign in.",
    )
    return membership


# --- what partners do themselves ----------------------------------------------------------------


def require_self(partner: Partner, by: User) -> None:
    """`by` signs in as `partner` (an active, linked partner membership)."""
    with organisation_scope(partner.organisation):
        linked = PartnerMembership.objects.filter(
            partner=partner,
            membership__user=by,
            membership__is_active=True,
            membership__role=Role.PARTNER,
        ).exists()
    if not linked or partner.is_anonymised:
        raise DomainError("You can only change your own details.")


@transaction.atomic
def partner_update_own_details(
    *,
    partner: Partner,
    by: User,
    contact_preference: str,
    access_needs: list[str],
    access_needs_other: str,
) -> Partner:
    """A partner changes how they want to be contacted and their access needs."""
    require_self(partner, by)
    partner = partner_update(
        partner=partner,
        by=by,
        contact_preference=contact_preference,
        access_needs=clean_access_needs(access_needs),
        access_needs_other=access_needs_other,
    )
    audit_record(
        organisation=partner.organisation,
        actor=by,
        action=PartnerAuditAction.DETAILS_CHANGED,
        partner=partner,
        summary=f"{partner.pseudonym} changed their contact preference and access needs.",
    )
    return partner


@transaction.atomic
def partner_withdraw_own_consent(*, partner: Partner, consent: Consent, by: User) -> Consent:
    """A partner withdraws one of their own consents (audited by `consent_withdraw`)."""
    require_self(partner, by)
    if consent.partner_id != partner.pk:
        raise DomainError("You can only withdraw your own consent.")
    return consent_withdraw(consent=consent, by=by)


def current_link(partner: Partner, event: AlwaysEvent) -> EventPartner:
    with organisation_scope(partner.organisation):
        link = EventPartner.objects.filter(
            partner=partner, event=event, left_on__isnull=True
        ).first()
    if link is None:
        raise DomainError(f"You are not taking part in {event.title} at the moment.")
    return link


def vision_awaits_sign_off(*, partner: Partner, event: AlwaysEvent) -> bool:
    """Has the event a vision statement this partner has not signed off, as it is worded now?"""
    if not event.vision_statement:
        return False
    with organisation_scope(partner.organisation):
        return not PartnerSignOff.objects.filter(
            partner=partner, sign_off__event=event, sign_off__statement=event.vision_statement
        ).exists()


@transaction.atomic
def partner_sign_off_own_vision(
    *, partner: Partner, event: AlwaysEvent, by: User
) -> PartnerSignOff:
    """A partner signs off their event's vision statement themselves, today."""
    require_self(partner, by)
    current_link(partner, event)
    with organisation_scope(event.organisation):
        event = AlwaysEvent.objects.select_for_update().get(pk=event.pk)
    if not event.vision_statement:
        raise DomainError("There is no vision statement to sign off yet.")
    if not vision_awaits_sign_off(partner=partner, event=event):
        raise DomainError("You have already signed off this vision statement.")
    return partner_sign_off_vision(
        event=event, partner=partner, signed_on=timezone.localdate(), by=by
    )


@transaction.atomic
def attendance_feedback_give(
    *, partner: Partner, attendance: Attendance, text: str, by: User
) -> Attendance:
    """A partner's own feedback on an activity they attended (replaces what they wrote before)."""
    require_self(partner, by)
    if attendance.partner_id != partner.pk:
        raise DomainError("You can only give feedback on activities you took part in.")
    text = text.strip()
    if not text:
        raise DomainError("Write your feedback in the box.", field="text")
    if len(text) > FEEDBACK_MAX_LENGTH:
        raise DomainError(
            f"Keep your feedback to {FEEDBACK_MAX_LENGTH} characters or fewer.", field="text"
        )
    if looks_like_nhs_number(text):
        raise DomainError(
            "Your feedback has a 10-digit number that looks like an NHS number. "
            "Please take it out: we do not keep anything that identifies people here.",
            field="text",
        )
    with organisation_scope(attendance.organisation):
        attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
        attendance.feedback = text
        attendance.feedback_at = timezone.now()
        attendance.save(update_fields=["feedback", "feedback_at"])
    return attendance
