"""Reads for organisations, memberships and invitations. Constant number of queries each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from alwaysevents.tenancy.scope import across_organisations, owned_by
from programmes.models import (
    STAFF_ROLES,
    Cohort,
    Invitation,
    Membership,
    Organisation,
    ProgrammeRoleChange,
    RoleChange,
)

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User


def membership_for_user(*, user: User, organisation_slug: str) -> Membership | None:
    """The user's active membership of an active organisation, or None. One query.

    Reads across organisations on purpose: this is the lookup that decides the scope.
    """
    with across_organisations():
        return (
            Membership.objects.select_related("organisation")
            .filter(
                user=user,
                is_active=True,
                organisation__slug=organisation_slug,
                organisation__is_active=True,
            )
            .first()
        )


def membership_list_for_user(*, user: User) -> list[Membership]:
    """Every active membership of the user, for the organisation switcher. One query."""
    with across_organisations():
        return list(
            Membership.objects.select_related("organisation")
            .filter(user=user, is_active=True, organisation__is_active=True)
            .order_by("organisation__name")
        )


def membership_list(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "user__email")
    )


def staff_user_ids(*, organisation: Organisation) -> set[int]:
    """The people who work here: active staff members (not partners) who can sign in."""
    return set(
        owned_by(Membership, organisation)
        .filter(is_active=True, user__is_active=True, role__in=STAFF_ROLES)
        .values_list("user_id", flat=True)
    )


def membership_get(*, organisation: Organisation, pk: int) -> Membership:
    return membership_list(organisation=organisation).get(pk=pk)


def membership_counts_by_role(*, organisation: Organisation) -> dict[str, int]:
    rows = (
        membership_list(organisation=organisation)
        .filter(is_active=True)
        .order_by()
        .values("role")
        .annotate(n=Count("pk"))
    )
    return {row["role"]: row["n"] for row in rows}


def invitation_list_open(*, organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
    )


def role_change_list(*, organisation: Organisation, limit: int = 50) -> QuerySet[RoleChange]:
    return (
        RoleChange.objects.with_scope(organisation=organisation.pk)
        .filter(organisation=organisation)
        .select_related("membership__user", "changed_by")[:limit]
    )


def organisation_list_for_programme() -> QuerySet[Organisation]:
    """Every organisation with its cohort and counts of active members and open invitations.

    Programme-wide, aggregate only: no member's details.
    """
    return Organisation.objects.select_related("cohort").annotate(
        active_members=Count(
            "membership",
            filter=Q(membership__is_active=True) & ~Q(membership__role="partner"),
            distinct=True,
        ),
        admins=Count(
            "membership",
            filter=Q(membership__is_active=True, membership__role="organisation_admin"),
            distinct=True,
        ),
        open_invitations=Count(
            "invitation",
            filter=Q(invitation__accepted_at__isnull=True, invitation__revoked_at__isnull=True),
            distinct=True,
        ),
    )


def cohort_list() -> QuerySet[Cohort]:
    return Cohort.objects.annotate(organisation_count=Count("organisations"))


def programme_people_list() -> QuerySet[User]:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(Q(is_programme_admin=True) | Q(is_reviewer=True))
        .order_by("email")
    )


def programme_role_change_list(*, limit: int = 50) -> QuerySet[ProgrammeRoleChange]:
    return ProgrammeRoleChange.objects.select_related("user", "changed_by")[:limit]
