"""programmes views: who reaches what, the outsider's 404, and the management journeys."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Invitation, Membership, Organisation, Role
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ORG_PAGES: list[tuple[str, dict[str, str], str]] = [
    ("programmes:organisation-home", {}, "every member"),
    ("programmes:membership-list", {}, "organisation_admin"),
    ("programmes:invitation-create", {}, "organisation_admin"),
]


def org_url(name, organisation, **kwargs):
    return reverse(name, kwargs={"org_slug": organisation.slug, **kwargs})


@pytest.fixture
def everyone(org_admin, editor, viewer, sponsor):
    return {
        "organisation_admin": org_admin,
        "team_lead": editor,
        "team_member": viewer,
        "executive_sponsor": sponsor,
    }


@pytest.mark.parametrize(("name", "kwargs", "allowed"), ORG_PAGES)
def test_each_role_reaches_what_it_should(
    organisation, everyone, client_for, name, kwargs, allowed
):
    for role, user in everyone.items():
        response = client_for(user).get(org_url(name, organisation, **kwargs))
        expected = 200 if allowed in ("every member", role) else 403
        assert response.status_code == expected, (role, name)


def test_outsider_gets_404_on_every_organisation_view(
    organisation, org_admin, outsider, client_for
):
    """Walks every route under /o/<org_slug>/ so a new view cannot forget its outsider test."""
    from tests.test_url_audit import ORG_PREFIX, our_routes

    membership = Membership.objects.with_scope(organisation=organisation.pk).get(user=org_admin)
    invitation = InvitationFactory(organisation=organisation)
    client = client_for(outsider)
    checked = 0
    for route, _entry in our_routes():
        if not route.startswith(ORG_PREFIX):
            continue
        path = "/" + route.replace("<slug:org_slug>", organisation.slug).replace(
            "invitations/<int:pk>", f"invitations/{invitation.pk}"
        ).replace("<int:pk>", str(membership.pk))
        path = re.sub(r"<int:\w+>", "1", path).replace("<slug:kind>", "important")
        assert "<" not in path, f"add a value for {path}"
        assert client.get(path).status_code == 404, path
        assert client.post(path).status_code == 404, path
        checked += 1
    assert checked >= 7
    membership.refresh_from_db()
    assert membership.is_active and membership.role == Role.ORGANISATION_ADMIN
    invitation.refresh_from_db()
    assert invitation.is_open


def test_unknown_organisation_and_inactive_membership_answer_404(organisation, viewer, client_for):
    client = client_for(viewer)
    assert client.get("/o/no-such-organisation/").status_code == 404
    Membership.objects.with_scope(organisation=organisation.pk).filter(user=viewer).update(
        is_active=False
    )
    assert client.get(org_url("programmes:organisation-home", organisation)).status_code == 404


def test_inactive_organisation_answers_404(organisation, viewer, client_for):
    Organisation.objects.filter(pk=organisation.pk).update(is_active=False)
    assert (
        client_for(viewer).get(org_url("programmes:organisation-home", organisation)).status_code
        == 404
    )


def test_programme_roles_do_not_see_organisation_pages(
    organisation, org_admin, programme_admin, reviewer, client_for
):
    for user in (programme_admin, reviewer):
        assert (
            client_for(user).get(org_url("programmes:organisation-home", organisation)).status_code
            == 404
        )


def test_anonymous_visitor_is_sent_to_sign_in_without_learning_anything(organisation):
    for path in ("/o/northfield/", "/o/no-such-org/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_organisation_home_lists_only_this_organisations_people(
    organisation, viewer, outsider, client_for
):
    response = client_for(viewer).get(org_url("programmes:organisation-home", organisation))
    assert response.templates[0].name == "programmes/organisation_home.html"
    content = response.content.decode()
    assert viewer.display_name in content
    assert outsider.display_name not in content


def test_organisation_switcher_lists_each_membership(organisation, other_organisation, client_for):
    user = UserFactory()
    MembershipFactory(organisation=organisation, user=user, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=other_organisation, user=user, role=Role.EXECUTIVE_SPONSOR)
    client = client_for(user)
    client.get("/o/riverside/")
    content = client.get(reverse("account-home")).content.decode()
    assert 'href="/o/northfield/"' in content and 'href="/o/riverside/"' in content
    # Remembers the organisation last used (a sponsor there, so its dashboard).
    assert client.get("/").url == "/o/riverside/dashboard/"
    client.get("/o/northfield/")
    assert client.get("/").url == "/o/northfield/"


@pytest.mark.parametrize(
    ("persona", "home"),
    [
        ("programme_admin", "/programme/"),
        ("reviewer", "/reviews/"),
        ("org_admin", "/o/northfield/"),
        ("editor", "/o/northfield/"),
        ("viewer", "/o/northfield/"),
        ("sponsor", "/o/northfield/dashboard/"),  # sponsors land on the dashboard
    ],
)
def test_home_sends_each_role_to_its_home(request, client_for, persona, home):
    user = request.getfixturevalue(persona)
    assert client_for(user).get("/").url == home


def test_person_without_organisation_sees_a_plain_explanation(client_for):
    response = client_for(UserFactory()).get("/")
    assert response.status_code == 200
    assert b"not a member of any organisation" in response.content


def test_membership_list_query_count_is_constant(
    organisation, org_admin, client_for, django_assert_max_num_queries
):
    client = client_for(org_admin)
    InvitationFactory(organisation=organisation)  # one of each, so every read is in the count
    client.get(org_url("programmes:membership-list", organisation))
    with django_assert_max_num_queries(13) as few:
        client.get(org_url("programmes:membership-list", organisation))
    for _ in range(20):
        MembershipFactory(organisation=organisation)
        InvitationFactory(organisation=organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(org_url("programmes:membership-list", organisation))


# --- management journeys through the views -------------------------------------------------


def test_invite_change_role_deactivate_reactivate(
    organisation, org_admin, viewer, client_for, django_capture_on_commit_callbacks
):
    from django.core import mail

    client = client_for(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            org_url("programmes:invitation-create", organisation),
            {"email": "new@example.org", "role": "team_lead"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    membership = Membership.objects.with_scope(organisation=organisation.pk).get(user=viewer)
    response = client.post(
        org_url("programmes:membership-role", organisation, pk=membership.pk), {"role": "team_lead"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "team_lead"
    client.post(org_url("programmes:membership-deactivate", organisation, pk=membership.pk))
    membership.refresh_from_db()
    assert not membership.is_active
    assert (
        client_for(viewer).get(org_url("programmes:organisation-home", organisation)).status_code
        == 404
    )
    client.post(org_url("programmes:membership-reactivate", organisation, pk=membership.pk))
    membership.refresh_from_db()
    assert membership.is_active
    page = client.get(org_url("programmes:membership-list", organisation)).content.decode()
    assert "new@example.org" in page
    assert "was deactivated" in page and "was reactivated" in page


def test_invite_form_names_what_is_wrong(organisation, org_admin, viewer, client_for):
    client = client_for(org_admin)
    response = client.post(
        org_url("programmes:invitation-create", organisation),
        {"email": viewer.email, "role": "team_lead"},
    )
    assert response.status_code == 200
    assert f"{viewer.email} is already an active member." in response.content.decode()
    response = client.post(
        org_url("programmes:invitation-create", organisation),
        {"email": "not-an-email", "role": "x"},
    )
    assert "Enter an email address in the right format" in response.content.decode()
    assert not Invitation.objects.with_scope(organisation=organisation.pk).exists()


def test_last_admin_cannot_deactivate_themself(organisation, org_admin, client_for):
    client = client_for(org_admin)
    membership = Membership.objects.with_scope(organisation=organisation.pk).get(user=org_admin)
    response = client.post(
        org_url("programmes:membership-deactivate", organisation, pk=membership.pk), follow=True
    )
    assert "only active organisation admin" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active


def test_revoke_invitation(organisation, org_admin, client_for):
    invitation = InvitationFactory(organisation=organisation)
    client_for(org_admin).post(
        org_url("programmes:invitation-revoke", organisation, pk=invitation.pk)
    )
    invitation.refresh_from_db()
    assert not invitation.is_open


def test_membership_actions_need_post(organisation, org_admin, viewer, client_for):
    membership = Membership.objects.with_scope(organisation=organisation.pk).get(user=viewer)
    response = client_for(org_admin).get(
        org_url("programmes:membership-deactivate", organisation, pk=membership.pk)
    )
    assert response.status_code == 405


def test_cannot_act_on_another_organisations_membership_through_ours(
    organisation, other_organisation, org_admin, client_for
):
    theirs = MembershipFactory(organisation=other_organisation)
    response = client_for(org_admin).post(
        org_url("programmes:membership-deactivate", organisation, pk=theirs.pk)
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active


# --- invitation acceptance -----------------------------------------------------------------


def test_accepting_an_invitation_signed_in(organisation, client_for):
    from programmes.services import invitation_token

    user = UserFactory(email="new@example.org")
    invitation = InvitationFactory(
        organisation=organisation, email="new@example.org", role=Role.EXECUTIVE_SPONSOR
    )
    client = client_for(user)
    url = f"/invitations/{invitation_token(invitation)}/"
    assert b"Accept the invitation" in client.get(url).content
    response = client.post(url)
    assert response.url == "/o/northfield/"
    with organisation_scope(organisation):
        assert Membership.objects.get(user=user).role == Role.EXECUTIVE_SPONSOR


def test_invitation_for_someone_else_is_explained(organisation, viewer, client_for):
    from programmes.services import invitation_token

    invitation = InvitationFactory(organisation=organisation, email="new@example.org")
    client = client_for(viewer)
    url = f"/invitations/{invitation_token(invitation)}/"
    assert b"Sign out, then open the link again" in client.get(url).content
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.is_open


def test_bad_invitation_link_is_explained(client):
    response = client.get("/invitations/not-a-token/")
    assert response.status_code == 410
    assert b"This invitation cannot be used" in response.content


# --- programme pages ---------------------------------------------------------------------

PROGRAMME_PAGES = [
    "/programme/",
    "/programme/organisations/new/",
    "/programme/cohorts/new/",
    "/programme/people/",
]


@pytest.mark.parametrize("path", PROGRAMME_PAGES)
def test_programme_pages_are_for_programme_admins_only(
    path, programme_admin, reviewer, org_admin, client_for
):
    assert client_for(programme_admin).get(path).status_code == 200
    assert client_for(reviewer).get(path).status_code == 403
    assert client_for(org_admin).get(path).status_code == 403


def test_reviewer_home_is_for_reviewers_only(programme_admin, reviewer, org_admin, client_for):
    assert client_for(reviewer).get("/reviews/").status_code == 200
    assert client_for(programme_admin).get("/reviews/").status_code == 403
    assert client_for(org_admin).get("/reviews/").status_code == 403


def test_programme_admin_creates_an_organisation_and_invites_its_admin(
    programme_admin, client_for, django_capture_on_commit_callbacks
):
    from django.core import mail

    client = client_for(programme_admin)
    response = client.post(
        "/programme/organisations/new/",
        {
            "name": "Eastbrook Trust",
            "slug": "eastbrook",
            "ods_code": "rex",
            "type": "acute_trust",
            "region": "london",
            "timezone": "Europe/London",
        },
    )
    assert response.url == "/programme/organisations/eastbrook/invite-admin/"
    organisation = Organisation.objects.get(slug="eastbrook")
    assert organisation.ods_code == "REX"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"email": "boss@eastbrook.example"})
    with organisation_scope(organisation):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "boss@eastbrook.example",
        "organisation_admin",
        programme_admin,
    )
    assert mail.outbox[0].to == ["boss@eastbrook.example"]
    page = client.get("/programme/").content.decode()
    assert "Eastbrook Trust" in page


def test_organisation_form_names_a_taken_slug(programme_admin, organisation, client_for):
    response = client_for(programme_admin).post(
        "/programme/organisations/new/",
        {
            "name": "Another",
            "slug": "northfield",
            "type": "acute_trust",
            "region": "london",
            "timezone": "Europe/London",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode() or "is taken" in response.content.decode()


def test_programme_admin_edits_organisation_and_cohorts(programme_admin, organisation, client_for):
    client = client_for(programme_admin)
    response = client.post(
        f"/programme/organisations/{organisation.slug}/edit/",
        {
            "name": "Northfield Renamed",
            "type": "acute_trust",
            "region": "midlands",
            "timezone": "Europe/Jersey",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.timezone) == ("Northfield Renamed", "Europe/Jersey")
    response = client.post(
        f"/programme/organisations/{organisation.slug}/edit/",
        {"name": "Northfield", "type": "acute_trust", "region": "london", "timezone": "Mars/Base"},
    )
    assert "Select one of the choices offered for timezone" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.timezone == "Europe/Jersey"
    response = client.post(
        "/programme/cohorts/new/",
        {"name": "Cohort 9", "starts_on": "2027-01-01", "ends_on": "2026-01-01"},
    )
    assert "cannot end before it starts" in response.content.decode()
    response = client.post(
        "/programme/cohorts/new/", {"name": "Cohort 9", "starts_on": "2027-01-01"}
    )
    assert response.status_code == 302


def test_programme_people_grant_and_remove(programme_admin, client_for):
    person = UserFactory(email="assessor@example.org")
    client = client_for(programme_admin)
    client.post("/programme/people/", {"email": "Assessor@example.org", "role": "reviewer"})
    person.refresh_from_db()
    assert person.is_reviewer
    response = client.post(
        "/programme/people/", {"email": "nobody@example.org", "role": "reviewer"}
    )
    assert "There is no account with that email address" in response.content.decode()
    client.post(f"/programme/people/{person.pk}/remove/reviewer/")
    person.refresh_from_db()
    assert not person.is_reviewer
    client.post(f"/programme/people/{programme_admin.pk}/remove/programme_admin/")
    programme_admin.refresh_from_db()
    assert programme_admin.is_programme_admin
