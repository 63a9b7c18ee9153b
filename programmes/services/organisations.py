"""Every write about organisations, cohorts, memberships, roles and invitations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from programmes.models import (
    Cohort,
    Invitation,
    Membership,
    Organisation,
    ProgrammeRole,
    ProgrammeRoleChange,
    Role,
    RoleChange,
)

if TYPE_CHECKING:
    from alwaysevents.accounts.models import User

INVITATION_SALT = "programmes.invitation"

# Called with (invitation, membership) inside `invitation_accept`'s transaction, so that other
# apps can finish the membership (co-production links a partner's sign-in to their record). A
# DomainError from a hook undoes the acceptance. Registered from `AppConfig.ready()`.
InvitationHook = Callable[[Invitation, Membership], None]
_invitation_accepted_hooks: dict[str, InvitationHook] = {}


def register_invitation_accepted(key: str, hook: InvitationHook) -> None:
    """Add (or, with the same key, replace) a hook run when an invitation is accepted."""
    _invitation_accepted_hooks[key] = hook


# --- Cohorts and organisations --------------------------------------------------------------


@transaction.atomic
def cohort_create(
    *,
    name: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    description: str = "",
) -> Cohort:
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError("The cohort cannot end before it starts.", field="ends_on")
    existing = Cohort.objects.filter(name__iexact=name.strip()).first()
    if existing is not None:
        raise DomainError(f"There is already a cohort called {existing.name!r}.", field="name")
    return Cohort.objects.create(
        name=name.strip(), starts_on=starts_on, ends_on=ends_on, description=description
    )


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    region: str,
    type: str = Organisation.Type.ACUTE_TRUST,
    ods_code: str | None = None,
    cohort: Cohort | None = None,
    timezone: str = "Europe/London",
) -> Organisation:
    slug = slug.strip().lower()
    ods_code = (ods_code or "").strip().upper() or None
    if Organisation.objects.filter(name__iexact=name.strip()).exists():
        raise DomainError(
            f"There is already an organisation called {name.strip()!r}.", field="name"
        )
    if Organisation.objects.filter(slug=slug).exists():
        raise DomainError(f"The address name {slug!r} is taken; choose another.", field="slug")
    if ods_code and Organisation.objects.filter(ods_code=ods_code).exists():
        raise DomainError(
            f"Another organisation already has ODS code {ods_code}.", field="ods_code"
        )
    organisation = Organisation(
        name=name.strip(),
        slug=slug,
        region=region,
        type=type,
        ods_code=ods_code,
        cohort=cohort,
        timezone=timezone,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    name: str,
    region: str,
    type: str,
    ods_code: str | None,
    cohort: Cohort | None,
    is_active: bool,
    timezone: str | None = None,
) -> Organisation:
    ods_code = (ods_code or "").strip().upper() or None
    others = Organisation.objects.exclude(pk=organisation.pk)
    if others.filter(name__iexact=name.strip()).exists():
        raise DomainError(
            f"There is already an organisation called {name.strip()!r}.", field="name"
        )
    if ods_code and others.filter(ods_code=ods_code).exists():
        raise DomainError(
            f"Another organisation already has ODS code {ods_code}.", field="ods_code"
        )
    organisation.name = name.strip()
    organisation.region = region
    organisation.type = type
    organisation.ods_code = ods_code
    organisation.cohort = cohort
    organisation.is_active = is_active
    if timezone is not None:
        organisation.timezone = timezone
    organisation.full_clean()
    organisation.save()
    return organisation


# --- Memberships ----------------------------------------------------------------------------


def _active_admin_count(organisation: Organisation) -> int:
    return Membership.objects.filter(
        organisation=organisation, is_active=True, role=Role.ORGANISATION_ADMIN
    ).count()


def _refuse_losing_last_admin(membership: Membership) -> None:
    if (
        membership.is_active
        and membership.role == Role.ORGANISATION_ADMIN
        and _active_admin_count(membership.organisation) <= 1
    ):
        raise DomainError(
            "This is the organisation's only active organisation admin. "
            "Make someone else an organisation admin first."
        )


@transaction.atomic
def membership_add(
    *, organisation: Organisation, user: User, role: str, by: User | None
) -> Membership:
    """Give a person a role in an organisation, reactivating a past membership if there is one."""
    if role not in Role.values:
        raise DomainError(f"{role!r} is not a role in an organisation.", field="role")
    with organisation_scope(organisation):
        membership = (
            Membership.objects.select_for_update()
            .filter(organisation=organisation, user=user)
            .first()
        )
        if membership is None:
            try:
                with transaction.atomic():
                    membership = Membership.objects.create(
                        organisation=organisation, user=user, role=role
                    )
            except IntegrityError as exc:  # a concurrent add won the race
                raise DomainError(f"{user.email} is already a member.") from exc
            RoleChange.objects.create(
                organisation=organisation,
                membership=membership,
                kind=RoleChange.Kind.JOINED,
                to_role=role,
                changed_by=by,
            )
            return membership
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
            RoleChange.objects.create(
                organisation=organisation,
                membership=membership,
                kind=RoleChange.Kind.REACTIVATED,
                from_role=membership.role,
                to_role=membership.role,
                changed_by=by,
            )
        if membership.role != role:
            membership = membership_change_role(membership=membership, role=role, by=by)
        return membership


def _refuse_crossing_partner_line(from_role: str, to_role: str) -> None:
    """A partner's sign-in never becomes a staff membership, nor a staff one a partner's."""
    if (from_role == Role.PARTNER) != (to_role == Role.PARTNER):
        raise DomainError(
            "A partner's sign-in cannot be changed to a staff role, or a staff role to a "
            "partner's. Deactivate it and send a new invitation instead.",
            field="role",
        )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User | None) -> Membership:
    if role not in Role.values:
        raise DomainError(f"{role!r} is not a role in an organisation.", field="role")
    if role == membership.role:
        return membership
    _refuse_crossing_partner_line(membership.role, role)
    with organisation_scope(membership.organisation):
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if role != Role.ORGANISATION_ADMIN:
            _refuse_losing_last_admin(membership)
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        RoleChange.objects.create(
            organisation=membership.organisation,
            membership=membership,
            kind=RoleChange.Kind.ROLE_CHANGED,
            from_role=previous,
            to_role=role,
            changed_by=by,
        )
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User | None) -> Membership:
    with organisation_scope(membership.organisation):
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            return membership
        _refuse_losing_last_admin(membership)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        RoleChange.objects.create(
            organisation=membership.organisation,
            membership=membership,
            kind=RoleChange.Kind.DEACTIVATED,
            from_role=membership.role,
            changed_by=by,
        )
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership, by: User | None) -> Membership:
    return membership_add(
        organisation=membership.organisation, user=membership.user, role=membership.role, by=by
    )


# --- Programme-wide roles -------------------------------------------------------------------


@transaction.atomic
def programme_role_set(*, user: User, role: str, granted: bool, by: User | None) -> User:
    field = {
        ProgrammeRole.PROGRAMME_ADMIN: "is_programme_admin",
        ProgrammeRole.REVIEWER: "is_reviewer",
    }.get(role)  # type: ignore[call-overload]
    if field is None:
        raise DomainError(f"{role!r} is not a programme-wide role.", field="role")
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if getattr(user, field) == granted:
        return user
    setattr(user, field, granted)
    user.save(update_fields=[field])
    ProgrammeRoleChange.objects.create(user=user, role=role, granted=granted, changed_by=by)
    return user


# --- Invitations ----------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """A signed token of the invitation's id; it expires after INVITATION_MAX_AGE_DAYS."""
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.pk))


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a token names, or a DomainError saying plainly what is wrong."""
    max_age = dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    try:
        pk = signing.TimestampSigner(salt=INVITATION_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise DomainError(
            "This invitation has expired. Ask your organisation admin to send a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise DomainError(
            "This invitation link is not valid. Check you copied the whole link from the email."
        ) from exc
    with across_organisations():
        invitation = (
            Invitation.objects.select_related("organisation", "invited_by").filter(pk=pk).first()
        )
    if invitation is None or invitation.revoked_at is not None:
        raise DomainError("This invitation has been withdrawn. Ask your organisation admin.")
    if invitation.accepted_at is not None:
        raise DomainError("This invitation has already been used. Sign in to continue.")
    if not invitation.organisation.is_active:
        raise DomainError("This organisation is no longer taking part in the programme.")
    return invitation


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    invited_by: User | None,
    for_partner: bool = False,
) -> Invitation:
    """Invite someone by email. A newer invitation to the same address replaces older ones.

    The partner role is given only with `for_partner=True`, by the co-production service that
    links the invitation to a partner record (`coproduction.services.partner_access`).
    """
    from programmes.tasks import invitation_send_task

    email = email.strip().lower()
    if role not in Role.values:
        raise DomainError(f"{role!r} is not a role in an organisation.", field="role")
    if (role == Role.PARTNER) != for_partner:
        raise DomainError(
            "Partners are invited from their page in the co-production tab of their Always "
            "Event; staff are invited here with a staff role.",
            field="role",
        )
    with organisation_scope(organisation):
        if Membership.objects.filter(user__email__iexact=email, is_active=True).exists():
            raise DomainError(f"{email} is already an active member.", field="email")
        now = timezone.now()
        Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=invited_by
        )
    invitation_id = invitation.pk
    transaction.on_commit(lambda: invitation_send_task.delay(invitation_id=invitation_id))
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User | None) -> Invitation:
    with organisation_scope(invitation.organisation):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise DomainError("This invitation has already been used or withdrawn.")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Turn an open invitation into a membership for the signed-in person it was sent to."""
    if user.email.lower() != invitation.email.lower():
        raise DomainError(
            f"This invitation was sent to {invitation.email}, but you are signed in as "
            f"{user.email}. Sign out and sign in with the invited address."
        )
    with organisation_scope(invitation.organisation):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise DomainError("This invitation has already been used or withdrawn.")
        membership = membership_add(
            organisation=invitation.organisation,
            user=user,
            role=invitation.role,
            by=invitation.invited_by,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        for hook in _invitation_accepted_hooks.values():
            hook(invitation, membership)
    return membership


@transaction.atomic
def cohort_update(
    *,
    cohort: Cohort,
    name: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    description: str = "",
) -> Cohort:
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError("The cohort cannot end before it starts.", field="ends_on")
    existing = Cohort.objects.exclude(pk=cohort.pk).filter(name__iexact=name.strip()).first()
    if existing is not None:
        raise DomainError(f"There is already a cohort called {existing.name!r}.", field="name")
    cohort.name = name.strip()
    cohort.starts_on, cohort.ends_on, cohort.description = starts_on, ends_on, description
    cohort.save()
    return cohort
