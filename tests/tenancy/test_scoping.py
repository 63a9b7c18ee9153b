"""The tenancy layer: scoped managers, scopes, forms and tasks."""

from __future__ import annotations

import pytest
from django import forms
from django.db import connection

from alwaysevents.tenancy.forms import ScopedModelForm
from alwaysevents.tenancy.scope import ScopeError, across_organisations, organisation_scope
from alwaysevents.tenancy.tasks import organisation_task
from programmes.models import Membership, RoleChange
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_scoped_manager_refuses_unscoped_query():
    MembershipFactory()
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    with pytest.raises(ScopeError):
        Membership.objects.filter(role="team_lead").count()
    with pytest.raises(ScopeError):
        Membership.objects.get(pk=1)


def test_reverse_relation_refuses_unscoped_query(organisation):
    MembershipFactory(organisation=organisation)
    with pytest.raises(ScopeError):
        list(organisation.membership_set.all())


def test_scope_narrows_to_one_organisation(organisation, other_organisation):
    ours = MembershipFactory(organisation=organisation)
    MembershipFactory(organisation=other_organisation)
    with organisation_scope(organisation):
        assert list(Membership.objects.all()) == [ours]
        assert Membership.objects.filter(pk__gt=0).count() == 1


def test_scope_refuses_none():
    with pytest.raises(ScopeError), organisation_scope(None):
        pass


def test_scope_refuses_unsaved_organisation():
    with pytest.raises(ScopeError), organisation_scope(OrganisationFactory.build()):
        pass


def test_scope_ends_with_block(organisation):
    MembershipFactory(organisation=organisation)
    with organisation_scope(organisation):
        assert Membership.objects.count() == 1
    with pytest.raises(ScopeError):
        Membership.objects.count()


def test_across_organisations_reads_everything_deliberately(organisation, other_organisation):
    MembershipFactory(organisation=organisation)
    MembershipFactory(organisation=other_organisation)
    with across_organisations():
        assert Membership.objects.count() == 2


def test_scope_filter_is_one_equality_without_join(organisation):
    with organisation_scope(organisation):
        sql = str(Membership.objects.order_by().query)
    assert '"programmes_membership"."organisation_id" =' in sql
    assert "JOIN" not in sql


class RoleChangeForm(ScopedModelForm):
    class Meta:
        model = RoleChange
        fields = ["membership", "changed_by", "kind"]


def test_scoped_model_form_offers_only_the_organisations_rows(organisation, other_organisation):
    ours = MembershipFactory(organisation=organisation)
    theirs = MembershipFactory(organisation=other_organisation)
    form = RoleChangeForm(organisation=organisation)
    assert list(form.fields["membership"].queryset) == [ours]
    assert list(form.fields["changed_by"].queryset) == [ours.user]
    bad = RoleChangeForm(
        data={"membership": theirs.pk, "changed_by": theirs.user.pk, "kind": "joined"},
        organisation=organisation,
    )
    assert not bad.is_valid()
    assert "membership" in bad.errors
    assert "changed_by" in bad.errors


def test_scoped_model_form_leaves_plain_fields_alone(organisation):
    form = RoleChangeForm(organisation=organisation)
    assert isinstance(form.fields["kind"], forms.ChoiceField)


def test_organisation_task_reenters_the_scope(organisation, other_organisation):
    MembershipFactory(organisation=organisation)
    MembershipFactory(organisation=organisation)
    MembershipFactory(organisation=other_organisation)

    @organisation_task
    def count_members(*, organisation):
        return organisation.slug, Membership.objects.count()

    assert count_members(organisation_id=organisation.pk) == ("northfield", 2)
    assert count_members(organisation_id=other_organisation.pk) == ("riverside", 1)
    with pytest.raises(ScopeError):
        Membership.objects.count()


def test_every_organisation_owned_model_is_scoped():
    from django.apps import apps

    from alwaysevents.tenancy.models import OrganisationOwned

    owned = [m for m in apps.get_models() if issubclass(m, OrganisationOwned)]
    assert owned, "expected organisation-owned models"
    for model in owned:
        with pytest.raises(ScopeError):
            model.objects.count()
        assert connection.vendor == "postgresql"


def test_owned_by_reads_one_organisations_rows_whatever_scope_is_open(
    organisation, other_organisation
):
    from alwaysevents.tenancy.scope import organisation_scope, owned_by
    from programmes.models import AlwaysEvent
    from tests.factories import AlwaysEventFactory

    ours = AlwaysEventFactory(organisation=organisation)
    AlwaysEventFactory(organisation=other_organisation)
    assert list(owned_by(AlwaysEvent, organisation)) == [ours]  # no scope open
    with organisation_scope(other_organisation):
        assert list(owned_by(AlwaysEvent, organisation.pk)) == [ours]


def test_an_organisation_page_writes_the_session_only_when_the_organisation_changes(
    client_for, organisation, other_organisation
):
    """The organisation last visited is kept in the session; visiting it again must not write
    the session (a transaction and an UPDATE on every page)."""
    from django.test.utils import CaptureQueriesContext

    person = MembershipFactory(organisation=organisation).user
    MembershipFactory(organisation=other_organisation, user=person)
    client = client_for(person)

    def session_writes(slug: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/o/{slug}/").status_code == 200
        return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)

    assert session_writes(organisation.slug) == 1  # the first visit notes it
    assert session_writes(organisation.slug) == 0
    assert session_writes(other_organisation.slug) == 1
    assert client.session["current_organisation"] == other_organisation.slug
