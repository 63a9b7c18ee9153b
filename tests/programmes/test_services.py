"""programmes.services against the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail, signing
from django.test import override_settings

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from programmes import services
from programmes.models import Invitation, Membership, ProgrammeRoleChange, Role, RoleChange
from tests.factories import (
    CohortFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def changes(organisation):
    with organisation_scope(organisation):
        return list(RoleChange.objects.order_by("pk").values_list("kind", "from_role", "to_role"))


# --- cohorts and organisations ------------------------------------------------------------


def test_cohort_create_and_refuse_duplicate_names():
    cohort = services.cohort_create(name=" Cohort 3 ", starts_on=dt.date(2027, 1, 1))
    assert cohort.name == "Cohort 3"
    with pytest.raises(DomainError, match="already a cohort called 'Cohort 3'"):
        services.cohort_create(name="cohort 3")


def test_cohort_cannot_end_before_it_starts():
    with pytest.raises(DomainError) as info:
        services.cohort_create(
            name="Back to front", starts_on=dt.date(2027, 2, 1), ends_on=dt.date(2027, 1, 1)
        )
    assert info.value.field == "ends_on"


def test_cohort_update():
    cohort = CohortFactory(name="Old")
    CohortFactory(name="Taken")
    services.cohort_update(cohort=cohort, name="New", description="Spring start")
    cohort.refresh_from_db()
    assert (cohort.name, cohort.description) == ("New", "Spring start")
    with pytest.raises(DomainError):
        services.cohort_update(cohort=cohort, name="taken")


def test_organisation_create_normalises_and_validates():
    cohort = CohortFactory()
    organisation = services.organisation_create(
        name="Eastbrook Trust", slug="Eastbrook", region="london", ods_code=" rx1 ", cohort=cohort
    )
    assert (organisation.slug, organisation.ods_code) == ("eastbrook", "RX1")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "eastbrook trust", "slug": "other"}, "name"),
        ({"name": "Other", "slug": "eastbrook"}, "slug"),
        ({"name": "Other", "slug": "other", "ods_code": "rx1"}, "ods_code"),
    ],
)
def test_organisation_create_refuses_duplicates(kwargs, field):
    services.organisation_create(
        name="Eastbrook Trust", slug="eastbrook", region="london", ods_code="RX1"
    )
    with pytest.raises(DomainError) as info:
        services.organisation_create(region="london", **kwargs)
    assert info.value.field == field


def test_organisation_create_refuses_a_malformed_ods_code():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="ODS code"):
        services.organisation_create(name="X", slug="x", region="london", ods_code="R!")


def test_organisation_update():
    organisation = OrganisationFactory()
    services.organisation_update(
        organisation=organisation,
        name="Renamed",
        region="north_west",
        type="hospice",
        ods_code="",
        cohort=None,
        is_active=False,
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.ods_code, organisation.is_active) == (
        "Renamed",
        None,
        False,
    )


# --- memberships -------------------------------------------------------------------------


def test_membership_add_records_who_and_when(organisation, org_admin):
    user = UserFactory()
    membership = services.membership_add(
        organisation=organisation, user=user, role=Role.TEAM_LEAD, by=org_admin
    )
    assert membership.organisation == organisation
    with organisation_scope(organisation):
        change = RoleChange.objects.get(membership=membership)
    assert (change.kind, change.to_role, change.changed_by) == ("joined", "team_lead", org_admin)
    assert change.changed_at is not None


def test_membership_add_reactivates_and_changes_role(organisation, org_admin):
    membership = MembershipFactory(
        organisation=organisation, role=Role.TEAM_MEMBER, is_active=False
    )
    again = services.membership_add(
        organisation=organisation, user=membership.user, role=Role.TEAM_LEAD, by=org_admin
    )
    assert again.pk == membership.pk
    assert again.is_active and again.role == Role.TEAM_LEAD
    assert [kind for kind, *_ in changes(organisation)][-2:] == ["reactivated", "role_changed"]


def test_membership_add_refuses_unknown_role(organisation):
    with pytest.raises(DomainError, match="not a role"):
        services.membership_add(
            organisation=organisation, user=UserFactory(), role="overlord", by=None
        )


def test_a_person_may_belong_to_several_organisations(organisation, other_organisation):
    user = UserFactory()
    services.membership_add(organisation=organisation, user=user, role=Role.TEAM_MEMBER, by=None)
    services.membership_add(
        organisation=other_organisation, user=user, role=Role.EXECUTIVE_SPONSOR, by=None
    )
    with across_organisations():
        assert Membership.objects.filter(user=user).count() == 2


def test_membership_change_role(organisation, org_admin, viewer):
    membership = _membership(organisation, viewer)
    services.membership_change_role(membership=membership, role=Role.TEAM_LEAD, by=org_admin)
    membership.refresh_from_db()
    assert membership.role == Role.TEAM_LEAD
    assert changes(organisation)[-1] == ("role_changed", "team_member", "team_lead")


def test_membership_change_role_to_the_same_role_records_nothing(organisation, viewer):
    membership = _membership(organisation, viewer)
    before = changes(organisation)
    services.membership_change_role(membership=membership, role=Role.TEAM_MEMBER, by=None)
    assert changes(organisation) == before


def test_the_last_organisation_admin_cannot_be_demoted_or_deactivated(organisation, org_admin):
    membership = _membership(organisation, org_admin)
    with pytest.raises(DomainError, match="only active organisation admin"):
        services.membership_change_role(membership=membership, role=Role.TEAM_LEAD, by=org_admin)
    with pytest.raises(DomainError, match="only active organisation admin"):
        services.membership_deactivate(membership=membership, by=org_admin)
    membership.refresh_from_db()
    assert membership.is_active and membership.role == Role.ORGANISATION_ADMIN


def test_an_organisation_admin_can_step_down_when_another_exists(organisation, org_admin):
    second = MembershipFactory(organisation=organisation, role=Role.ORGANISATION_ADMIN)
    services.membership_change_role(
        membership=_membership(organisation, org_admin), role=Role.TEAM_LEAD, by=org_admin
    )
    with pytest.raises(DomainError):
        services.membership_deactivate(membership=second, by=org_admin)


def test_deactivate_and_reactivate(organisation, org_admin, viewer):
    membership = _membership(organisation, viewer)
    services.membership_deactivate(membership=membership, by=org_admin)
    membership.refresh_from_db()
    assert not membership.is_active
    services.membership_deactivate(membership=membership, by=org_admin)  # twice: no second record
    services.membership_reactivate(membership=membership, by=org_admin)
    membership.refresh_from_db()
    assert membership.is_active
    assert [kind for kind, *_ in changes(organisation)][-2:] == ["deactivated", "reactivated"]


def _membership(organisation, user):
    with organisation_scope(organisation):
        return Membership.objects.get(user=user)


# --- programme roles ---------------------------------------------------------------------


def test_programme_role_set_records_changes():
    admin = UserFactory(is_programme_admin=True)
    user = UserFactory()
    services.programme_role_set(user=user, role="reviewer", granted=True, by=admin)
    services.programme_role_set(user=user, role="reviewer", granted=True, by=admin)  # no-op
    services.programme_role_set(user=user, role="reviewer", granted=False, by=admin)
    user.refresh_from_db()
    assert not user.is_reviewer
    assert list(
        ProgrammeRoleChange.objects.order_by("pk").values_list("role", "granted", "changed_by")
    ) == [
        ("reviewer", True, admin.pk),
        ("reviewer", False, admin.pk),
    ]


def test_programme_role_set_refuses_organisation_roles():
    with pytest.raises(DomainError):
        services.programme_role_set(user=UserFactory(), role="team_lead", granted=True, by=None)


# --- invitations -------------------------------------------------------------------------


def test_invitation_create_sends_an_email_with_a_working_link(
    organisation, org_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=organisation,
            email=" New.Nurse@Example.org ",
            role=Role.TEAM_MEMBER,
            invited_by=org_admin,
        )
    assert invitation.email == "new.nurse@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.nurse@example.org"]
    assert "Northfield Hospitals" in message.subject
    token = message.body.split("/invitations/")[1].split("/")[0]
    assert services.invitation_from_token(token) == invitation


def test_invitation_email_is_sent_only_after_commit(
    organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(
            organisation=organisation, email="a@example.org", role=Role.TEAM_MEMBER, invited_by=None
        )
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_new_invitation_replaces_the_open_one(organisation):
    first = services.invitation_create(
        organisation=organisation, email="a@example.org", role=Role.TEAM_MEMBER, invited_by=None
    )
    second = services.invitation_create(
        organisation=organisation, email="A@example.org", role=Role.TEAM_LEAD, invited_by=None
    )
    first.refresh_from_db()
    assert first.revoked_at is not None and second.is_open
    with pytest.raises(DomainError, match="withdrawn"):
        services.invitation_from_token(services.invitation_token(first))


def test_invitation_refuses_active_members(organisation, viewer):
    with pytest.raises(DomainError, match="already an active member") as info:
        services.invitation_create(
            organisation=organisation,
            email=viewer.email.upper(),
            role=Role.TEAM_LEAD,
            invited_by=None,
        )
    assert info.value.field == "email"


def test_invitation_refuses_unknown_role(organisation):
    with pytest.raises(DomainError):
        services.invitation_create(
            organisation=organisation, email="a@example.org", role="king", invited_by=None
        )


def test_invitation_token_expires(organisation):
    invitation = InvitationFactory(organisation=organisation)
    token = services.invitation_token(invitation)
    with override_settings(INVITATION_MAX_AGE_DAYS=0), pytest.raises(DomainError, match="expired"):
        import time

        time.sleep(1)
        services.invitation_from_token(token)


@pytest.mark.parametrize("token", ["nonsense", "1:abc:def", ""])
def test_invitation_token_tampered(token):
    with pytest.raises(DomainError, match="not valid"):
        services.invitation_from_token(token)


def test_invitation_token_for_another_id_is_refused(organisation):
    invitation = InvitationFactory(organisation=organisation)
    token = services.invitation_token(invitation)
    forged = str(invitation.pk + 1) + token[len(str(invitation.pk)) :]
    with pytest.raises(DomainError, match="not valid"):
        services.invitation_from_token(forged)
    assert signing.TimestampSigner(salt="other").sign("1") != services.invitation_token(invitation)


def test_invitation_for_inactive_organisation_is_refused(organisation):
    invitation = InvitationFactory(organisation=organisation)
    organisation.is_active = False
    organisation.save()
    with pytest.raises(DomainError, match="no longer taking part"):
        services.invitation_from_token(services.invitation_token(invitation))


def test_invitation_accept_creates_the_membership(organisation, org_admin):
    invitation = InvitationFactory(
        organisation=organisation,
        email="new@example.org",
        role=Role.TEAM_LEAD,
        invited_by=org_admin,
    )
    user = UserFactory(email="new@example.org")
    membership = services.invitation_accept(invitation=invitation, user=user)
    assert (membership.role, membership.organisation, membership.is_active) == (
        Role.TEAM_LEAD,
        organisation,
        True,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    with organisation_scope(organisation):
        assert RoleChange.objects.get(membership=membership).changed_by == org_admin
    with pytest.raises(DomainError, match="already been used"):
        services.invitation_from_token(services.invitation_token(invitation))
    with pytest.raises(DomainError, match="already been used"):
        services.invitation_accept(invitation=invitation, user=user)


def test_invitation_accept_refuses_another_person(organisation):
    invitation = InvitationFactory(organisation=organisation, email="new@example.org")
    with pytest.raises(DomainError, match=r"sent to new@example\.org"):
        services.invitation_accept(
            invitation=invitation, user=UserFactory(email="someone.else@example.org")
        )
    invitation.refresh_from_db()
    assert invitation.is_open


def test_invitation_revoke(organisation):
    invitation = InvitationFactory(organisation=organisation)
    services.invitation_revoke(invitation=invitation, by=None)
    invitation.refresh_from_db()
    assert not invitation.is_open
    with pytest.raises(DomainError):
        services.invitation_revoke(invitation=invitation, by=None)


def test_invitations_are_organisation_owned(organisation, other_organisation):
    InvitationFactory(organisation=organisation)
    InvitationFactory(organisation=other_organisation)
    with organisation_scope(organisation):
        assert Invitation.objects.count() == 1
