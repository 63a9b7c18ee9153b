"""Who may do what: pure predicates, no HTTP, no queries beyond the objects given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from programmes.models import Role

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User
    from programmes.models import Membership

MEMBER_MANAGERS = frozenset({Role.ORGANISATION_ADMIN})
EVERY_ROLE = frozenset(Role.values)


def can_manage_members(membership: Membership) -> bool:
    """Invite people, change roles, deactivate memberships."""
    return membership.is_active and membership.role in MEMBER_MANAGERS


def can_invite_role(membership: Membership, role: str) -> bool:
    return can_manage_members(membership) and role in EVERY_ROLE


def can_manage_programme(user: User) -> bool:
    """Create organisations and cohorts, invite first organisation admins."""
    return bool(user.is_active and user.is_programme_admin)


def can_review(user: User) -> bool:
    return bool(user.is_active and user.is_reviewer)
