"""Who sees what of a partner: permissions and the selectors that apply them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alwaysevents.exceptions import DomainError
from alwaysevents.tenancy.scope import ScopeError
from coproduction import permissions
from coproduction.models import AccessNeed, AuditEntry, Partner
from coproduction.selectors.partners import (
    audit_list,
    partner_counts,
    partner_get,
    partner_list,
    partner_view,
)
from programmes.models import Membership, Role
from tests.factories import AlwaysEventFactory, EventPartnerFactory, PartnerFactory, member_of

pytestmark = pytest.mark.django_db


def membership(user, organisation) -> Membership:
    return Membership.objects.with_scope(organisation=organisation.pk).get(user=user)


@pytest.fixture
def event(organisation, editor):
    return AlwaysEventFactory(organisation=organisation, team_lead=editor)


@pytest.fixture
def other_lead(organisation):
    """The team lead of another event of the same organisation."""
    lead = member_of(organisation, Role.TEAM_LEAD)
    AlwaysEventFactory(organisation=organisation, team_lead=lead)
    return lead


@pytest.fixture
def sam(event):
    return EventPartnerFactory(
        event=event,
        partner__display_name="Sam Fictional",
        partner__access_needs=[AccessNeed.BSL],
        partner__postal_address="1 Example Street",
    ).partner


# --- permissions -------------------------------------------------------------------------------


def test_can_see_partner_details_per_role(
    sam, event, organisation, org_admin, editor, viewer, sponsor, other_lead
):
    def sees(user, **kwargs) -> bool:
        return permissions.can_see_partner_details(membership(user, organisation), sam, **kwargs)

    assert sees(org_admin)
    assert sees(editor)
    assert sees(editor, event=event)
    assert not sees(viewer)
    assert not sees(viewer, event=event)
    assert not sees(sponsor)
    assert not sees(other_lead)
    assert not sees(other_lead, event=event)


def test_team_lead_loses_details_when_the_partner_leaves(sam, event, organisation, editor):
    EventPartnerFactory._meta.model.objects.with_scope(organisation=organisation.pk).filter(
        partner=sam
    ).update(left_on=timezone.localdate())
    assert not permissions.can_see_partner_details(membership(editor, organisation), sam)


def test_inactive_member_sees_nothing(sam, organisation, org_admin):
    admin = membership(org_admin, organisation)
    admin.is_active = False
    assert not permissions.can_see_partner_details(admin, sam)
    assert not permissions.can_see_partner_names(admin, sam)
    assert not permissions.can_manage_partners(admin)


def test_other_organisation_admin_sees_nothing(sam, outsider, other_organisation):
    theirs = membership(outsider, other_organisation)
    assert not permissions.can_see_partner_details(theirs, sam)
    assert not permissions.can_see_partner_names(theirs, sam)


def test_role_predicates(organisation, org_admin, editor, viewer, sponsor):
    roles = {u: membership(u, organisation) for u in (org_admin, editor, viewer, sponsor)}
    assert [permissions.can_manage_partners(m) for m in roles.values()] == [
        True,
        True,
        False,
        False,
    ]
    assert [permissions.can_see_partner_names(m) for m in roles.values()] == [
        True,
        True,
        True,
        False,
    ]
    assert all(permissions.can_see_partner_counts(m) for m in roles.values())
    assert [permissions.can_read_audit(m) for m in roles.values()] == [True, False, False, False]


# --- partner_view ------------------------------------------------------------------------------


def test_team_member_sees_name_and_flag_only(sam, organisation, viewer):
    view = partner_view(membership=membership(viewer, organisation), partner=sam)
    assert (view.name, view.has_access_needs, view.can_see_details) == (
        "Sam Fictional",
        True,
        False,
    )
    assert view.email is None and view.phone is None and view.postal_address is None
    assert view.access_needs is None and view.payment_preference is None


def test_team_lead_of_the_event_sees_details(sam, organisation, editor):
    view = partner_view(membership=membership(editor, organisation), partner=sam)
    assert view.can_see_details
    assert view.email == sam.email
    assert view.postal_address == "1 Example Street"
    assert view.access_needs == ("BSL interpreter",)
    assert view.payment_preference == "Expenses only"


def test_team_lead_of_another_event_does_not(sam, organisation, other_lead):
    view = partner_view(membership=membership(other_lead, organisation), partner=sam)
    assert not view.can_see_details and view.email is None
    assert view.has_access_needs


def test_org_admin_sees_details(sam, organisation, org_admin):
    view = partner_view(membership=membership(org_admin, organisation), partner=sam)
    assert view.can_see_details and view.phone == sam.phone


def test_sponsor_gets_counts_only(sam, event, organisation, sponsor):
    with pytest.raises(DomainError, match="numbers"):
        partner_view(membership=membership(sponsor, organisation), partner=sam)
    EventPartnerFactory(event=event, left_on=timezone.localdate())
    counts = partner_counts(event=event)
    assert (counts.current, counts.left, counts.total, counts.with_access_needs) == (1, 1, 2, 1)


def test_another_organisation_cannot_reach_the_partner(
    sam, organisation, other_organisation, outsider
):
    with pytest.raises(Partner.DoesNotExist):
        partner_view(membership=membership(outsider, other_organisation), partner=sam)
    with pytest.raises(Partner.DoesNotExist):
        partner_get(organisation=other_organisation, pk=sam.pk)
    assert partner_get(organisation=organisation, pk=sam.pk) == sam
    with pytest.raises(ScopeError):
        Partner.objects.get(pk=sam.pk)


# --- lists -------------------------------------------------------------------------------------


def test_partner_list_flags_access_needs_in_constant_queries(sam, event, django_assert_num_queries):
    EventPartnerFactory(event=event, partner__display_name="Ann Fictional")
    EventPartnerFactory(
        event=event, partner__display_name="Bo Fictional", left_on=timezone.localdate()
    )
    EventPartnerFactory(event=AlwaysEventFactory(organisation=event.organisation))
    with django_assert_num_queries(1):
        rows = partner_list(event=event)
    assert [(r.name, r.has_access_needs, r.left_on is None) for r in rows] == [
        ("Ann Fictional", False, True),
        ("Sam Fictional", True, True),
        ("Bo Fictional", False, False),
    ]


def test_audit_list_is_per_organisation(sam, organisation, other_organisation, org_admin):
    AuditEntry.objects.create(
        organisation=organisation, actor=org_admin, action="a", partner=sam, summary="ours"
    )
    AuditEntry.objects.create(organisation=other_organisation, action="a", summary="theirs")
    assert [e.summary for e in audit_list(organisation=organisation)] == ["ours"]


def test_partner_view_of_anonymised_partner_has_no_identity(organisation, org_admin):
    partner = PartnerFactory(organisation=organisation, pseudonym="Partner 5")
    from coproduction.services.partners import partner_anonymise

    partner_anonymise(partner=partner, by=org_admin)
    view = partner_view(membership=membership(org_admin, organisation), partner=partner)
    assert (view.name, view.email, view.phone, view.is_anonymised) == ("Partner 5", "", "", True)
