"""Who may do what: pure predicates, no HTTP, no queries beyond the objects given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from programmes.models import STAFF_ROLES, Role, Stage

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import AlwaysEvent, Membership

MEMBER_MANAGERS = frozenset({Role.ORGANISATION_ADMIN})
EVERY_ROLE = frozenset(Role.values)
# Roles an organisation admin may give through the ordinary invitation and role forms. Partners
# are invited from their partner record instead (`coproduction.services.partner_access`).
INVITABLE_ROLES = STAFF_ROLES


def is_staff(membership: Membership) -> bool:
    """An active member with a staff role: not a partner who signs in."""
    return membership.is_active and membership.role in STAFF_ROLES


def can_manage_members(membership: Membership) -> bool:
    """Invite people, change roles, deactivate memberships."""
    return membership.is_active and membership.role in MEMBER_MANAGERS


def can_invite_role(membership: Membership, role: str) -> bool:
    return can_manage_members(membership) and role in INVITABLE_ROLES


def can_manage_programme(user: User) -> bool:
    """Create organisations and cohorts, invite first organisation admins."""
    return bool(user.is_active and user.is_programme_admin)


def can_review(user: User) -> bool:
    return bool(user.is_active and user.is_reviewer)


# --- Always Events ------------------------------------------------------------------------------

STAGE_CHANGERS = frozenset({Role.TEAM_LEAD, Role.ORGANISATION_ADMIN})
CONTENT_EDITORS = frozenset({Role.TEAM_MEMBER, Role.TEAM_LEAD, Role.ORGANISATION_ADMIN})


def can_create_event(membership: Membership) -> bool:
    return membership.is_active and membership.role in STAGE_CHANGERS


def can_change_stage(membership: Membership, event: AlwaysEvent) -> bool:
    """Stage, team lead, sponsor and team: team leads and organisation admins."""
    return membership.is_active and membership.role in STAGE_CHANGERS


def can_manage_team(membership: Membership, event: AlwaysEvent) -> bool:
    return can_change_stage(membership, event)


def can_edit_event(membership: Membership, event: AlwaysEvent) -> bool:
    """The content: details, statements, scores, time, challenges, impact, plans.

    Closed events are kept as they were.
    """
    return (
        membership.is_active and membership.role in CONTENT_EDITORS and event.stage != Stage.CLOSED
    )


def can_comment(membership: Membership, event: AlwaysEvent) -> bool:
    """Every staff member of the organisation may comment, sponsors included."""
    return is_staff(membership)


def can_set_staff_rates(membership: Membership) -> bool:
    return membership.is_active and membership.role == Role.ORGANISATION_ADMIN
