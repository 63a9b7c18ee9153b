"""Sign-in rules: invitation-only sign-up, mandatory email verification, MFA for programme roles."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.factories import PASSWORD, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_public(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_up_is_closed_without_an_invitation(client):
    response = client.get("/accounts/signup/")
    assert b"You need an invitation" in response.content
    response = client.post(
        "/accounts/signup/",
        {
            "email": "walk.in@example.org",
            "password1": "a-long-password-2026",
            "password2": "a-long-password-2026",
        },
    )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="walk.in@example.org").exists()


def test_sign_up_through_an_invitation_needs_no_separate_verification(client, organisation):
    from programmes.services import invitation_token

    invitation = InvitationFactory(organisation=organisation, email="new.lead@example.org")
    token = invitation_token(invitation)
    assert client.get(f"/invitations/{token}/").status_code == 200
    response = client.post(
        "/accounts/signup/?next=/invitations/" + token + "/",
        {
            "email": "new.lead@example.org",
            "full_name": "Priya Shah",
            "password1": "a-long-password-2026",
            "password2": "a-long-password-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/invitations/{token}/"
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(email="new.lead@example.org").full_name == "Priya Shah"


def test_unverified_email_cannot_sign_in(client):
    UserFactory(email="unverified@example.org", verified_email=False)
    response = client.post(
        "/accounts/login/", {"login": "unverified@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_email_login_is_case_insensitive(client, viewer):
    response = client.post(
        "/accounts/login/", {"login": "STAFF@Northfield.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(viewer.pk)


def test_rate_limit_stops_repeated_failed_sign_ins(client, viewer):
    statuses = [
        client.post("/accounts/login/", {"login": viewer.email, "password": "wrong"}).status_code
        for _ in range(12)
    ]
    last = client.post("/accounts/login/", {"login": viewer.email, "password": "wrong"})
    assert 429 in statuses or b"Too many failed login attempts" in last.content


@pytest.mark.parametrize("role", ["is_programme_admin", "is_reviewer"])
def test_programme_roles_must_set_up_an_authenticator(settings, role):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = True
    user = UserFactory(**{role: True})
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    for path in ["/", "/programme/", "/reviews/", "/o/anything/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/", path
    # Just signed in: no second password prompt before the first authenticator.
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    assert b"totp-secret" in page.content
    assert b"Programme team" not in page.content, "no navigation to pages they cannot reach yet"
    assert client.get("/accounts/logout/").status_code == 200


def test_adding_an_authenticator_after_a_stale_sign_in_asks_for_the_password(settings):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = True
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    user = UserFactory(is_programme_admin=True)
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_force_login_without_a_sign_in_record_asks_for_the_password(settings, client_for):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = True
    client = client_for(UserFactory(is_reviewer=True))
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_programme_roles_with_an_authenticator_pass(settings, programme_admin):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = True
    Authenticator.objects.create(
        user=programme_admin, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client = Client()
    client.force_login(programme_admin)
    assert client.get("/programme/").status_code == 200


def test_mfa_requirement_can_be_switched_off(settings, programme_admin):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    client = Client()
    client.force_login(programme_admin)
    assert client.get("/programme/").status_code == 200


def test_organisation_roles_do_not_need_mfa(settings, client_for, org_admin):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = True
    assert client_for(org_admin).get("/o/northfield/").status_code == 200
