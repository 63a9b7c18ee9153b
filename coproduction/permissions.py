"""Who may see and change what about partners: predicates, no HTTP.

- Contact, access-need and payment details: the organisation admin, and the team lead of an
  event the partner takes part in (the event's `team_lead`, while the partner has not left it).
- Display name and the access-needs flag: every team member, team lead and organisation admin.
- Sponsors (and the programme): counts only.
- Partner payments: the claims of an event (who is paid what, their receipts) are payment
  details, so only the organisation admin and the event's team lead see and handle them;
  everyone else in the organisation sees the event's totals. The team lead decides (approves,
  rejects, marks paid) claims up to the organisation's limit, the organisation admin any.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from coproduction.models import EventPartner
from programmes.models import Role
from programmes.permissions import is_staff

if TYPE_CHECKING:
    from coproduction.models import Claim, Partner
    from programmes.models import AlwaysEvent, Membership

PARTNER_MANAGERS = frozenset({Role.TEAM_LEAD, Role.ORGANISATION_ADMIN})
PARTNER_NAME_READERS = frozenset({Role.TEAM_MEMBER, Role.TEAM_LEAD, Role.ORGANISATION_ADMIN})


def _in_organisation(membership: Membership, organisation_id: int) -> bool:
    return membership.is_active and membership.organisation_id == organisation_id


def can_manage_partners(membership: Membership) -> bool:
    """Add partners, change their details, link them to events, record consent."""
    return membership.is_active and membership.role in PARTNER_MANAGERS


def can_see_partner_names(membership: Membership, partner: Partner | None = None) -> bool:
    """Display names and the access-needs flag (not the details behind it)."""
    if partner is not None and not _in_organisation(membership, partner.organisation_id):
        return False
    return membership.is_active and membership.role in PARTNER_NAME_READERS


def can_see_partner_counts(membership: Membership) -> bool:
    """How many partners an event has: every staff member, sponsors included."""
    return is_staff(membership)


def can_see_partner_details(
    membership: Membership, partner: Partner, event: AlwaysEvent | None = None
) -> bool:
    """Contact, access-need and payment details.

    With `event`, only that event's team lead qualifies (besides the organisation admin); one
    query checks that the partner takes part in it. Without, any event they take part in.
    """
    if not _in_organisation(membership, partner.organisation_id) or not is_staff(membership):
        return False
    if membership.role == Role.ORGANISATION_ADMIN:
        return True
    if event is not None and (
        event.organisation_id != partner.organisation_id or event.team_lead_id != membership.user_id
    ):
        return False
    links = EventPartner.objects.with_scope(organisation=partner.organisation_id).filter(
        partner=partner, left_on__isnull=True, event__team_lead_id=membership.user_id
    )
    if event is not None:
        links = links.filter(event=event)
    return links.exists()


def can_anonymise_partner(membership: Membership, partner: Partner) -> bool:
    """Erasure: whoever may see the partner's details (so knows who they are)."""
    return can_see_partner_details(membership, partner)


def can_invite_partner(
    membership: Membership, partner: Partner, event: AlwaysEvent | None = None
) -> bool:
    """Invite a partner to sign in: the organisation admin, or the team lead of their event."""
    return can_see_partner_details(membership, partner, event)


def can_read_audit(membership: Membership) -> bool:
    """The audit log of consent changes, erasures and payment approvals."""
    return membership.is_active and membership.role == Role.ORGANISATION_ADMIN


def can_export_partner(membership: Membership, partner: Partner) -> bool:
    """Everything held about a partner (subject access): the organisation admin (the partner
    downloads their own from their own pages)."""
    return (
        _in_organisation(membership, partner.organisation_id)
        and membership.role == Role.ORGANISATION_ADMIN
    )


def can_read_access_record(membership: Membership, partner: Partner) -> bool:
    """Who opened a partner's details: the organisation admin."""
    return can_export_partner(membership, partner)


# --- payments -----------------------------------------------------------------------------------


def can_set_payment_rates(membership: Membership) -> bool:
    """Payment rates, involvement levels and the team lead's approval limit."""
    return membership.is_active and membership.role == Role.ORGANISATION_ADMIN


def can_handle_claims(membership: Membership, event: AlwaysEvent) -> bool:
    """See the event's claims and receipts, start claims and submit them."""
    if not _in_organisation(membership, event.organisation_id):
        return False
    if membership.role == Role.ORGANISATION_ADMIN:
        return True
    return membership.role == Role.TEAM_LEAD and event.team_lead_id == membership.user_id


def can_decide_claim(membership: Membership, claim: Claim, limit: Decimal) -> bool:
    """Approve, reject or mark paid: the organisation admin, or the event's team lead when the
    claim is within `limit` (the organisation's team lead approval limit)."""
    if not can_handle_claims(membership, claim.event):
        return False
    return membership.role == Role.ORGANISATION_ADMIN or Decimal(claim.amount) <= limit
