"""Reads about partners, narrowed to what the reader may see. Constant queries each.

`partner_view` is the one place that decides which personal fields leave the database for a
given member (see `coproduction.permissions`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import owned_by
from coproduction.models import (
    AccessNeed,
    AuditEntry,
    Consent,
    EventPartner,
    Partner,
    PartnerSignOff,
)
from coproduction.permissions import can_see_partner_details, can_see_partner_names
from programmes.models import AlwaysEvent, Membership, Organisation


def partner_get(*, organisation: Organisation, pk: int) -> Partner:
    """One partner of the organisation; `Partner.DoesNotExist` for anyone else's (a 404)."""
    return owned_by(Partner, organisation.pk).get(pk=pk)


# --- one event's partners -----------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerRow:
    """A partner as listed on an event: what every team member may see."""

    partner_id: int
    name: str
    role: str
    joined_on: dt.date
    left_on: dt.date | None
    has_access_needs: bool
    is_anonymised: bool


@dataclass(frozen=True)
class PartnerCounts:
    """What sponsors and the programme see of an event's partners."""

    current: int
    left: int
    with_access_needs: int

    @property
    def total(self) -> int:
        return self.current + self.left


def partner_list(*, event: AlwaysEvent) -> list[PartnerRow]:
    """The event's partners with the access-needs flag, current ones first. One query."""
    links = (
        owned_by(EventPartner, event.organisation_id)
        .filter(event=event)
        .select_related("partner")
        .order_by("left_on", "partner__display_name", "pk")
    )
    rows = [
        PartnerRow(
            partner_id=link.partner_id,
            name=str(link.partner),
            role=link.role,
            joined_on=link.joined_on,
            left_on=link.left_on,
            has_access_needs=link.partner.has_access_needs,
            is_anonymised=link.partner.is_anonymised,
        )
        for link in links
    ]
    return sorted(rows, key=lambda r: r.left_on is not None)


def partner_counts(*, event: AlwaysEvent) -> PartnerCounts:
    """Counts only, for everyone in the organisation (sponsors included). One query."""
    no_needs = Q(partner__access_needs=[]) & Q(partner__access_needs_other="")
    totals = (
        owned_by(EventPartner, event.organisation_id)
        .filter(event=event)
        .aggregate(
            current=Count("pk", filter=Q(left_on__isnull=True)),
            left=Count("pk", filter=Q(left_on__isnull=False)),
            with_access_needs=Count("pk", filter=Q(left_on__isnull=True) & ~no_needs),
        )
    )
    return PartnerCounts(**totals)


# --- one partner, as one member may see them ----------------------------------------------------


@dataclass(frozen=True)
class PartnerView:
    """A partner as one member may see them. Details are None when that member may not."""

    pk: int
    name: str
    relationship: str
    has_access_needs: bool
    is_anonymised: bool
    can_see_details: bool
    events: tuple[str, ...]
    email: str | None = None
    phone: str | None = None
    postal_address: str | None = None
    contact_preference: str | None = None
    recruitment_source: str | None = None
    recruitment_note: str | None = None
    access_needs: tuple[str, ...] | None = None
    access_needs_other: str | None = None
    payment_preference: str | None = None
    retention_until: dt.date | None = None
    active_consents: tuple[str, ...] | None = None


def partner_view(*, membership: Membership, partner: Partner) -> PartnerView:
    """The partner with only the fields `membership` may see.

    Another organisation's member gets `Partner.DoesNotExist` (a 404); a sponsor, who sees
    counts only, a DomainError.
    """
    if not membership.is_active or membership.organisation_id != partner.organisation_id:
        raise Partner.DoesNotExist("No such partner in this organisation.")
    if not can_see_partner_names(membership, partner):
        raise DomainError("Only the team can see who the partners are; you can see the numbers.")
    events = tuple(
        owned_by(EventPartner, partner.organisation_id)
        .filter(partner=partner, left_on__isnull=True)
        .order_by("event__title")
        .values_list("event__title", flat=True)
    )
    view = PartnerView(
        pk=partner.pk,
        name=str(partner),
        relationship=partner.get_relationship_display(),
        has_access_needs=partner.has_access_needs,
        is_anonymised=partner.is_anonymised,
        can_see_details=False,
        events=events,
    )
    if not can_see_partner_details(membership, partner):
        return view
    labels = dict(AccessNeed.choices)
    consents = owned_by(Consent, partner.organisation_id).filter(
        partner=partner, withdrawn_at__isnull=True
    )
    return PartnerView(
        pk=view.pk,
        name=view.name,
        relationship=view.relationship,
        has_access_needs=view.has_access_needs,
        is_anonymised=view.is_anonymised,
        can_see_details=True,
        events=events,
        email=partner.email,
        phone=partner.phone,
        postal_address=partner.postal_address,
        contact_preference=partner.get_contact_preference_display(),
        recruitment_source=partner.get_recruitment_source_display(),
        recruitment_note=partner.recruitment_note,
        access_needs=tuple(str(labels.get(value, value)) for value in partner.access_needs),
        access_needs_other=partner.access_needs_other,
        payment_preference=partner.get_payment_preference_display(),
        retention_until=partner.retention_until,
        active_consents=tuple(c.get_purpose_display() for c in consents),
    )


# --- organisation-wide --------------------------------------------------------------------------


def audit_list(*, organisation: Organisation) -> QuerySet[AuditEntry]:
    """The audit log, newest first (for organisation admins: `can_read_audit`)."""
    return owned_by(AuditEntry, organisation.pk).select_related("actor", "partner")


def partners_past_retention(*, organisation: Organisation, today: dt.date) -> QuerySet[Partner]:
    """Partners not yet anonymised whose retention date is before `today`, oldest date first."""
    return (
        owned_by(Partner, organisation.pk)
        .filter(anonymised_at__isnull=True, retention_until__lt=today)
        .order_by("retention_until", "pk")
    )


def consent_list(*, partner: Partner) -> QuerySet[Consent]:
    """Every consent of a partner, given and withdrawn, newest first. One query."""
    return (
        owned_by(Consent, partner.organisation_id)
        .filter(partner=partner)
        .select_related("recorded_by", "withdrawn_by")
    )


# --- partners as they may be shown outside the organisation (accreditation snapshots) -------------


@dataclass(frozen=True)
class PublicPartner:
    """A partner as shown outside the organisation: named only with consent, else a pseudonym."""

    partner_id: int
    shown_as: str
    named: bool
    role: str
    relationship: str


def partner_list_for_publication(*, event: AlwaysEvent) -> list[PublicPartner]:
    """The event's partners for external readers (accreditation reviewers). Two queries.

    A partner is named only while they have an active consent to external case studies and
    have not been erased; everyone else appears by pseudonym. No contact or access details.
    """
    links = list(
        owned_by(EventPartner, event.organisation_id)
        .filter(event=event)
        .select_related("partner")
        .order_by("joined_on", "pk")
    )
    consenting = set(
        owned_by(Consent, event.organisation_id)
        .filter(
            partner_id__in=[link.partner_id for link in links],
            purpose=Consent.Purpose.CASE_STUDIES,
            withdrawn_at__isnull=True,
        )
        .values_list("partner_id", flat=True)
    )
    rows = []
    for link in links:
        partner = link.partner
        named = partner.pk in consenting and not partner.is_anonymised
        rows.append(
            PublicPartner(
                partner_id=partner.pk,
                shown_as=partner.display_name if named else partner.pseudonym,
                named=named,
                role=link.role,
                relationship=partner.get_relationship_display(),
            )
        )
    return rows


def sign_off_partner_ids(*, event: AlwaysEvent) -> dict[int, int]:
    """Which partner gave each vision sign-off: {sign-off id: partner id}. One query."""
    return dict(
        owned_by(PartnerSignOff, event.organisation_id)
        .filter(sign_off__event=event)
        .values_list("sign_off_id", "partner_id")
    )
