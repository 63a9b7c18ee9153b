"""The account pages (allauth's, drawn through templates/allauth/elements) in NHS.UK frontend:
labels, hints and errors above fields, the error summary linking to each field, NHS buttons,
no Bootstrap, one h1, and every form with `novalidate`."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.test_nhs_frontend import bootstrap_classes

pytestmark = pytest.mark.django_db

SUMMARY_LINK = re.compile(r'<a href="#([^"]+)">([^<]+)</a>')


def signed_in(user) -> Client:
    """A client signed in through the real form (so allauth knows when, as after a sign-in)."""
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def assert_nhs_page(html: str) -> None:
    assert bootstrap_classes(html) == []
    assert html.count("<h1") == 1, "one h1 a page"
    forms = re.findall(r"<form\b[^>]*>", html)
    assert all("novalidate" in form for form in forms), forms
    assert "(optional) (optional)" not in html
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for target in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(target.split()) <= ids, f"aria-describedby names a missing id: {target}"


def assert_summary_links_to_fields(html: str) -> list[str]:
    """The error summary is there and each of its links goes to an id on the page."""
    assert "There is a problem" in html
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    links = SUMMARY_LINK.findall(html)
    assert links
    for target, _message in links:
        assert target in ids, f"the summary links to #{target}, which is not on the page"
    return [message for _target, message in links]


def test_sign_in_is_an_nhs_form(client):
    html = client.get("/accounts/login/").content.decode()
    assert_nhs_page(html)
    assert '<label class="nhsuk-label" for="id_login">Email address</label>' in html
    assert '<label class="nhsuk-label" for="id_password">Password</label>' in html
    assert 'class="nhsuk-input" type="email" name="login" id="id_login"' in html
    assert 'data-module="nhsuk-password-input"' in html, "the password can be shown"
    assert 'class="nhsuk-checkboxes__input" type="checkbox" name="remember"' in html
    assert re.search(r'<button type="submit" class="nhsuk-button"[^>]*>Sign in</button>', html)
    assert ">Forgotten your password?</a>" in html
    assert "(optional)" not in html, "every field here is required or a tick box"
    assert "nhsuk-grid-column-two-thirds" in html, "reading width"


def test_a_wrong_password_opens_on_the_error_summary(client, viewer):
    response = client.post("/accounts/login/", {"login": viewer.email, "password": "wrong"})
    html = response.content.decode()
    assert_nhs_page(html)
    assert "<title>Error: Sign in" in html
    messages = assert_summary_links_to_fields(html)
    assert any("not correct" in m for m in messages)
    assert html.count(messages[0]) == 2, "in the summary and above the form"
    assert 'class="nhsuk-error-message"' in html


def test_an_empty_sign_in_names_each_field(client):
    html = client.post("/accounts/login/", {"login": "", "password": ""}).content.decode()
    assert_nhs_page(html)
    assert_summary_links_to_fields(html)
    assert '<span class="nhsuk-error-message" id="id_login-error">' in html
    assert re.search(r'class="nhsuk-input nhsuk-input--error"[^>]*id="id_login"', html)
    assert re.search(r'id="id_login"[^>]*aria-describedby="id_login-error"', html)


def test_a_new_password_shows_its_errors_above_the_field(viewer):
    client = signed_in(viewer)
    html = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-long-password-2026", "password2": "different"},
    ).content.decode()
    assert_nhs_page(html)
    assert_summary_links_to_fields(html)
    assert '<label class="nhsuk-label" for="id_password2">Type the new password again' in html
    error = html.index('id="id_password2-error"')
    assert html.index('<label class="nhsuk-label" for="id_password2">') < error
    assert error < html.index('id="id_password2"'), "the error sits above the field"
    assert 'id="id_password1_helptext"' in html, "the password rules are the hint"


def test_reset_your_password_is_an_nhs_form(client):
    html = client.get("/accounts/password/reset/").content.decode()
    assert_nhs_page(html)
    assert '<label class="nhsuk-label" for="id_email">Email address</label>' in html
    html = client.post("/accounts/password/reset/", {"email": ""}).content.decode()
    assert_nhs_page(html)
    assert_summary_links_to_fields(html)


@pytest.fixture
def with_authenticator(db, settings):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = True
    user = UserFactory(email="two.step@programme.test", is_programme_admin=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    user.recovery_codes = RecoveryCodes.activate(user).get_unused_codes()
    return user


def test_the_second_step_asks_for_the_authenticator_code(with_authenticator):
    client = Client()
    client.post("/accounts/login/", {"login": with_authenticator.email, "password": PASSWORD})
    html = client.get("/accounts/2fa/authenticate/").content.decode()
    assert_nhs_page(html)
    assert '<label class="nhsuk-label" for="id_code">Authenticator code</label>' in html
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html
    assert re.search(r'<button type="submit" class="nhsuk-button"[^>]*>Continue</button>', html)

    html = client.post("/accounts/2fa/authenticate/", {"code": "000000"}).content.decode()
    assert_nhs_page(html)
    assert "Incorrect code." in assert_summary_links_to_fields(html)
    assert 'aria-describedby="id_code_helptext id_code-error"' in html
    assert "nhsuk-input--error" in html


def test_setting_up_an_authenticator(settings):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = True
    client = signed_in(UserFactory(is_programme_admin=True))
    html = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert_nhs_page(html)
    assert 'id="totp-secret"' in html
    assert '<label class="nhsuk-label" for="id_code">Authenticator code</label>' in html
    assert ">Turn on two-step verification</button>" in html
    assert "nhsuk-breadcrumb" not in html, "nowhere else to go until it is set up"
    html = client.post("/accounts/2fa/totp/activate/", {"code": "12"}).content.decode()
    assert_nhs_page(html)
    assert_summary_links_to_fields(html)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/logout/",
        "/accounts/reauthenticate/",
        "/account/tokens/",
        "/api/docs/",
    ],
)
def test_every_account_page_is_drawn_with_nhs_frontend(with_authenticator, path):
    client = signed_in(with_authenticator)
    code = with_authenticator.recovery_codes[0]
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    response = client.get(path)
    if response.status_code == 302 and "/reauthenticate/" in response["Location"]:
        assert_nhs_page(client.get(response["Location"]).content.decode())
        reauthenticated = client.post(response["Location"], {"password": PASSWORD})
        assert reauthenticated.status_code == 302
        response = client.get(path)
    assert response.status_code == 200, path
    assert_nhs_page(response.content.decode())


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password/reset/", "/accounts/signup/", "/api/docs/"]
)
def test_every_page_before_signing_in_is_drawn_with_nhs_frontend(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_nhs_page(response.content.decode())


def test_the_email_page_offers_each_address_as_an_nhs_radio(viewer):
    html = signed_in(viewer).get("/accounts/email/").content.decode()
    assert '<div class="nhsuk-radios" data-module="nhsuk-radios">' in html
    assert "nhsuk-radios__input" in html and "nhsuk-tag nhsuk-tag--green" in html
    assert re.search(r'class="nhsuk-button nhsuk-button--warning"[^>]*>Remove</button>', html)


def test_adding_a_wrong_email_address_names_the_field(viewer):
    html = (
        signed_in(viewer)
        .post("/accounts/email/", {"action_add": "", "email": "not an address"})
        .content.decode()
    )
    assert_nhs_page(html)
    assert_summary_links_to_fields(html)
    assert 'id="id_email-error"' in html


def test_the_token_page_shows_a_new_token_once_in_a_banner(client_for, viewer):
    html = (
        client_for(viewer)
        .post("/account/tokens/", {"name": "Survey tool", "expires_in_days": 90})
        .content.decode()
    )
    assert_nhs_page(html)
    assert "nhsuk-notification-banner--success" in html
    assert '<label class="nhsuk-label" for="new-token">Token</label>' in html
    assert '<table class="nhsuk-table-responsive">' in html
    assert re.search(r"Revoke<span class=\"nhsuk-u-visually-hidden\"> Survey tool</span>", html)


def test_a_token_without_a_name_is_refused_with_the_nhs_error_pattern(client_for, viewer):
    response = client_for(viewer).post("/account/tokens/", {"name": "", "expires_in_days": 90})
    html = response.content.decode()
    assert_nhs_page(html)
    assert_summary_links_to_fields(html)
    assert 'id="id_name-error"' in html


def test_creating_an_account_from_an_invitation_is_an_nhs_form(client, organisation):
    from programmes.services import invitation_token
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(organisation=organisation, email="new.lead@example.org")
    client.get(f"/invitations/{invitation_token(invitation)}/")
    html = client.get("/accounts/signup/").content.decode()
    assert_nhs_page(html)
    assert '<label class="nhsuk-label" for="id_full_name">Your full name</label>' in html
    assert 'id="id_full_name_helptext"' in html
    html = client.post("/accounts/signup/", {"email": "", "full_name": ""}).content.decode()
    assert_nhs_page(html)
    messages = assert_summary_links_to_fields(html)
    assert "Enter your full name" in messages, "our own field speaks plainly"
