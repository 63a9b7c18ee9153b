"""Writes about partners: who they are, the events they take part in, consent, erasure, sign-off.

Every created row takes its organisation from its parent (the partner's, or the organisation
passed in for a new partner), never from input. Every consent change and erasure writes an
`AuditEntry` through `audit_record`. Audit summaries name the partner by pseudonym only, so
the log keeps no identity once a partner is anonymised.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import (
    AccessNeed,
    AuditEntry,
    Consent,
    EventPartner,
    Partner,
    PartnerSignOff,
)
from programmes.models import AlwaysEvent, Membership, Organisation, VisionSignOff
from programmes.services import vision_sign_off_record

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

PARTNER_FIELDS = (
    "display_name",
    "relationship",
    "email",
    "phone",
    "postal_address",
    "contact_preference",
    "recruitment_source",
    "recruitment_note",
    "access_needs",
    "access_needs_other",
    "payment_preference",
    "retention_until",
)
PSEUDONYM = re.compile(r"^Partner (\d+)$")
SUMMARY_MAX_LENGTH = 300

# What each consent covers, as the end of "<name> has not consented to ...".
CONSENT_COVERS = {
    Consent.Purpose.CONTACT: "being contacted by the team",
    Consent.Purpose.QUOTING: "having their words quoted",
    Consent.Purpose.PHOTOGRAPHS: "being photographed",
    Consent.Purpose.CASE_STUDIES: "being quoted in external case studies",
    Consent.Purpose.PAYMENT: "having their payments processed",
}


class AuditAction:
    CONSENT_GIVEN = "consent_given"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    PARTNER_ANONYMISED = "partner_anonymised"


# --- audit --------------------------------------------------------------------------------------


def audit_record(
    *,
    organisation: Organisation,
    actor: User | None,
    action: str,
    summary: str,
    partner: Partner | None = None,
) -> AuditEntry:
    """Write one audit entry: who did what, to whom. Never name a partner in `summary`."""
    if partner is not None and partner.organisation_id != organisation.pk:
        raise DomainError("The partner is not one of this organisation's partners.")
    summary = " ".join(summary.split())
    if len(summary) > SUMMARY_MAX_LENGTH:
        summary = summary[: SUMMARY_MAX_LENGTH - 1] + "…"
    with organisation_scope(organisation):
        return AuditEntry.objects.create(
            organisation=organisation,
            actor=actor,
            action=action,
            partner=partner,
            summary=summary,
        )


# --- checks -------------------------------------------------------------------------------------


def _require_member(organisation: Organisation, user: User | None) -> None:
    if user is None:
        return
    with organisation_scope(organisation):
        if not Membership.objects.filter(user=user, is_active=True).exists():
            raise DomainError(f"Only active members of {organisation.name} can change partners.")


def _not_in_future(day: dt.date, *, field: str) -> None:
    if day > timezone.localdate():
        raise DomainError("The date cannot be in the future.", field=field)


def _require_not_anonymised(partner: Partner) -> None:
    if partner.is_anonymised:
        raise DomainError(
            f"{partner.pseudonym} has been anonymised: their personal details cannot be "
            "recorded again. Add them as a new partner if they come back."
        )


def _same_organisation(partner: Partner, event: AlwaysEvent) -> None:
    if partner.organisation_id != event.organisation_id:
        raise DomainError(
            f"{partner} is not a partner of {event.organisation.name}.", field="partner"
        )


def clean_access_needs(values: Iterable[str]) -> list[str]:
    """The access needs as AccessNeed values, without repeats, in the usual order."""
    if isinstance(values, str):
        values = [values]
    chosen = set(values)
    unknown = chosen - set(AccessNeed.values)
    if unknown:
        raise DomainError(
            'Choose access needs from the list; describe anything else under "Other access needs".',
            field="access_needs",
        )
    return [value for value in AccessNeed.values if value in chosen]


def _clean_details(details: dict[str, Any]) -> dict[str, Any]:
    """Check and tidy the given partner details (only those given)."""
    unknown = set(details) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown details: {sorted(unknown)}")
    clean: dict[str, Any] = {}
    for name, value in details.items():
        clean[name] = value.strip() if isinstance(value, str) else value
    if "display_name" in clean:
        clean["display_name"] = " ".join(clean["display_name"].split())
        if not clean["display_name"]:
            raise DomainError(
                "Give the name the partner wants to be known by.", field="display_name"
            )
    choices = {
        "relationship": (Partner.Relationship, "Choose how they are connected to the service."),
        "contact_preference": (
            Partner.ContactPreference,
            "Choose how they prefer to be contacted.",
        ),
        "recruitment_source": (Partner.RecruitmentSource, "Choose how they came to the team."),
        "payment_preference": (Partner.PaymentPreference, "Choose their payment preference."),
    }
    for name, (choice, message) in choices.items():
        if name in clean and clean[name] not in choice.values:
            raise DomainError(message, field=name)
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except ValidationError:
            raise DomainError(
                "Enter the email address in the right form, like name@example.com.",
                field="email",
            ) from None
    if "access_needs" in clean:
        clean["access_needs"] = clean_access_needs(clean["access_needs"] or [])
    return clean


def _next_pseudonym(organisation: Organisation) -> str:
    """ "Partner N", one more than the highest in the organisation (call under its row lock)."""
    with organisation_scope(organisation):
        taken = Partner.objects.filter(pseudonym__startswith="Partner ").values_list(
            "pseudonym", flat=True
        )
        numbers = [int(m.group(1)) for name in taken if (m := PSEUDONYM.match(name))]
    return f"Partner {max(numbers, default=0) + 1}"


# --- partners -----------------------------------------------------------------------------------


@transaction.atomic
def partner_create(
    *,
    organisation: Organisation,
    by: User | None,
    display_name: str,
    relationship: str,
    **details: Any,
) -> Partner:
    """Add a partner to the organisation, with a pseudonym ("Partner N") of its own."""
    _require_member(organisation, by)
    clean = _clean_details({"display_name": display_name, "relationship": relationship, **details})
    # One pseudonym at a time per organisation: lock the organisation row while numbering.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    with organisation_scope(organisation):
        partner = Partner(
            organisation=organisation,
            pseudonym=_next_pseudonym(organisation),
            created_by=by,
            **clean,
        )
        partner.full_clean(exclude=["organisation", "created_by"])
        partner.save()
    return partner


@transaction.atomic
def partner_update(*, partner: Partner, by: User | None, **details: Any) -> Partner:
    """Change a partner's details (only those given). Not for anonymised partners."""
    _require_not_anonymised(partner)
    _require_member(partner.organisation, by)
    clean = _clean_details(details)
    for name, value in clean.items():
        setattr(partner, name, value)
    partner.full_clean(exclude=["organisation", "created_by"])
    partner.save(update_fields=list(clean))
    return partner


def _event_link(partner: Partner, event: AlwaysEvent) -> EventPartner | None:
    with organisation_scope(event.organisation):
        return EventPartner.objects.filter(partner=partner, event=event).first()


@transaction.atomic
def partner_join_event(
    *, partner: Partner, event: AlwaysEvent, role: str, joined_on: dt.date, by: User | None
) -> EventPartner:
    """Record that a partner takes part in an event (again, if they had left it)."""
    _same_organisation(partner, event)
    _require_not_anonymised(partner)
    _require_member(event.organisation, by)
    _not_in_future(joined_on, field="joined_on")
    role = " ".join(role.split())
    if len(role) > EventPartner._meta.get_field("role").max_length:  # type: ignore[operator]
        raise DomainError("Keep their role to a few words.", field="role")
    link = _event_link(partner, event)
    if link is not None and link.left_on is None:
        raise DomainError(f"{partner} already takes part in {event.title}.", field="partner")
    if link is not None:
        link.role = role
        link.joined_on = joined_on
        link.left_on = None
        link.save(update_fields=["role", "joined_on", "left_on"])
        return link
    with organisation_scope(event.organisation):
        return EventPartner.objects.create(
            organisation=event.organisation,
            partner=partner,
            event=event,
            role=role,
            joined_on=joined_on,
        )


@transaction.atomic
def partner_leave_event(
    *, partner: Partner, event: AlwaysEvent, left_on: dt.date, by: User | None
) -> EventPartner:
    """Record that a partner no longer takes part. The link stays, for the history."""
    _same_organisation(partner, event)
    _require_member(event.organisation, by)
    link = _event_link(partner, event)
    if link is None or link.left_on is not None:
        raise DomainError(f"{partner} does not take part in {event.title}.", field="partner")
    _not_in_future(left_on, field="left_on")
    if left_on < link.joined_on:
        raise DomainError(
            f"They cannot leave before they joined ({link.joined_on:%-d %B %Y}).", field="left_on"
        )
    link.left_on = left_on
    link.save(update_fields=["left_on"])
    return link


# --- consent ------------------------------------------------------------------------------------


def _purpose_label(purpose: str) -> str:
    return str(Consent.Purpose(purpose).label).lower()


def _lock(partner: Partner) -> None:
    """Serialise consent changes of one partner (one active consent per purpose)."""
    with organisation_scope(partner.organisation):
        Partner.objects.select_for_update().filter(pk=partner.pk).first()


@transaction.atomic
def consent_give(
    *, partner: Partner, purpose: str, wording_version: str, by: User | None
) -> Consent:
    """Record consent for one purpose. An earlier consent for it is withdrawn and replaced."""
    if purpose not in Consent.Purpose.values:
        raise DomainError("Choose what the consent is for.", field="purpose")
    wording_version = wording_version.strip()
    if not wording_version:
        raise DomainError(
            "Say which version of the consent wording they agreed to.", field="wording_version"
        )
    if len(wording_version) > Consent._meta.get_field("wording_version").max_length:  # type: ignore[operator]
        raise DomainError("The wording version is too long.", field="wording_version")
    _require_not_anonymised(partner)
    _require_member(partner.organisation, by)
    _lock(partner)
    now = timezone.now()
    label = _purpose_label(purpose)
    with organisation_scope(partner.organisation):
        replaced = Consent.objects.filter(
            partner=partner, purpose=purpose, withdrawn_at__isnull=True
        ).update(withdrawn_at=now, withdrawn_by=by)
        consent = Consent.objects.create(
            organisation=partner.organisation,
            partner=partner,
            purpose=purpose,
            wording_version=wording_version,
            given_at=now,
            recorded_by=by,
        )
    summary = f"{partner.pseudonym} gave consent to {label} (wording {wording_version})"
    if replaced:
        summary += ", replacing their earlier consent"
    audit_record(
        organisation=partner.organisation,
        actor=by,
        action=AuditAction.CONSENT_GIVEN,
        partner=partner,
        summary=summary + ".",
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User | None) -> Consent:
    """Withdraw a consent. The record stays, marked withdrawn."""
    _require_member(consent.organisation, by)
    _lock(consent.partner)
    with organisation_scope(consent.organisation):
        updated = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=by
        )
        consent.refresh_from_db(fields=["withdrawn_at", "withdrawn_by"])
    if not updated:
        raise DomainError("This consent has already been withdrawn.")
    partner = consent.partner
    audit_record(
        organisation=consent.organisation,
        actor=by,
        action=AuditAction.CONSENT_WITHDRAWN,
        partner=partner,
        summary=(
            f"{partner.pseudonym} withdrew consent to {_purpose_label(consent.purpose)} "
            f"(wording {consent.wording_version})."
        ),
    )
    return consent


def consent_require(*, partner: Partner, purpose: str) -> Consent:
    """The partner's active consent for `purpose`, or a DomainError that says why not."""
    if purpose not in Consent.Purpose.values:
        raise DomainError("Choose what the consent is for.", field="purpose")
    covers = CONSENT_COVERS[Consent.Purpose(purpose)]
    with organisation_scope(partner.organisation):
        latest = Consent.objects.filter(partner=partner, purpose=purpose).first()
    if latest is None:
        raise DomainError(f"{partner} has not consented to {covers}.")
    if not latest.is_active:
        assert latest.withdrawn_at is not None  # noqa: S101 (narrows the type)
        withdrawn = timezone.localtime(latest.withdrawn_at)
        raise DomainError(
            f"{partner} withdrew their consent to {covers} on {withdrawn:%-d %B %Y}. "
            "Ask them again before going ahead."
        )
    return latest


# --- erasure ------------------------------------------------------------------------------------


@transaction.atomic
def partner_anonymise(*, partner: Partner, by: User | None) -> Partner:
    """Remove a partner's identity in one step; keep their part in the history under a pseudonym.

    Name, contact and access-need details and the recruitment note go; attendance, event links,
    consents (as records), sign-offs (now under the pseudonym) and the audit log stay. If they
    could sign in, their membership is deactivated.
    """
    _require_not_anonymised(partner)
    _require_member(partner.organisation, by)
    _lock(partner)
    partner.display_name = partner.pseudonym
    partner.email = ""
    partner.phone = ""
    partner.postal_address = ""
    partner.access_needs = []
    partner.access_needs_other = ""
    partner.recruitment_note = ""
    partner.retention_until = None
    partner.anonymised_at = timezone.now()
    partner.save(
        update_fields=[
            "display_name",
            "email",
            "phone",
            "postal_address",
            "access_needs",
            "access_needs_other",
            "recruitment_note",
            "retention_until",
            "anonymised_at",
        ]
    )
    with organisation_scope(partner.organisation):
        sign_off_ids = PartnerSignOff.objects.filter(partner=partner).values_list(
            "sign_off_id", flat=True
        )
        VisionSignOff.objects.filter(pk__in=list(sign_off_ids)).update(
            signed_by_name=partner.pseudonym
        )
    audit_record(
        organisation=partner.organisation,
        actor=by,
        action=AuditAction.PARTNER_ANONYMISED,
        partner=partner,
        summary=f"{partner.pseudonym} was anonymised: name and contact details removed.",
    )
    from coproduction.services.partner_access import partner_sign_in_end

    partner_sign_in_end(partner=partner, by=by)
    return partner


# --- vision sign-off ----------------------------------------------------------------------------


@transaction.atomic
def partner_sign_off_vision(
    *, event: AlwaysEvent, partner: Partner, signed_on: dt.date, by: User | None
) -> PartnerSignOff:
    """Record that a partner who takes part in the event signed off its vision statement."""
    _same_organisation(partner, event)
    link = _event_link(partner, event)
    if link is None:
        raise DomainError(
            f"{partner} does not take part in {event.title}: add them to the event first.",
            field="partner",
        )
    sign_off = vision_sign_off_record(
        event=event, signed_by_name=str(partner), signed_on=signed_on, by=by
    )
    with organisation_scope(event.organisation):
        return PartnerSignOff.objects.create(
            organisation=event.organisation, sign_off=sign_off, partner=partner
        )


# --- retention ----------------------------------------------------------------------------------


def partners_past_retention(*, organisation: Organisation, today: dt.date) -> list[Partner]:
    """Partners whose retention date has passed (see `coproduction.selectors.partners`)."""
    from coproduction.selectors.partners import partners_past_retention as select

    return list(select(organisation=organisation, today=today))
