"""Who may see and change what about partners: predicates, no HTTP.

- Contact, access-need and payment details: the organisation admin, and the team lead of an
  event the partner takes part in (the event's `team_lead`, while the partner has not left it).
- Display name and the access-needs flag: every team member, team lead and organisation admin.
- Sponsors (and the programme): counts only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coproduction.models import EventPartner
from programmes.models import Role
from programmes.permissions import is_staff

if TYPE_CHECKING:
    from coproduction.models import Partner
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
