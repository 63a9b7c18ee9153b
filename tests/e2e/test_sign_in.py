"""Signing in through the real form, and two-step verification for programme roles."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import Page, expect

from programmes.models import Role
from tests.e2e.helpers import (
    LOGIN_PATH,
    MFA_AUTHENTICATE_PATH,
    TOTP_ACTIVATE_BUTTON,
    TOTP_ACTIVATE_PATH,
    enter_authenticator_code,
    expect_problem,
    fill_sign_in_form,
    fresh_totp_code,
    path_is,
    read_totp_secret,
    sign_out,
    totp_code,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

ORG_SLUG = "northfield"
ORG_NAME = "Northfield Hospitals"


@pytest.fixture
def organisation(transactional_db):
    return OrganisationFactory(slug=ORG_SLUG, name=ORG_NAME)


@pytest.mark.parametrize(
    ("role", "role_text"),
    [
        (Role.ORGANISATION_ADMIN, "organisation admin"),
        (Role.TEAM_LEAD, "team lead"),
        (Role.TEAM_MEMBER, "team member"),
    ],
)
def test_organisation_roles_sign_in_to_their_organisation(
    page: Page, check_a11y, organisation, role, role_text
):
    user = UserFactory(email=f"{role}@northfield.test")
    MembershipFactory(organisation=organisation, user=user, role=role)

    page.goto(LOGIN_PATH)
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("sign in", re.I))
    check_a11y(page)
    fill_sign_in_form(page, user.email)

    expect(page).to_have_url(path_is(f"/o/{ORG_SLUG}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(page.get_by_text(f"You are {role_text} here.")).to_be_visible()
    check_a11y(page)


def test_executive_sponsor_signs_in_to_the_dashboard(page: Page, check_a11y, organisation):
    user = UserFactory(email="sponsor@northfield.test")
    MembershipFactory(organisation=organisation, user=user, role=Role.EXECUTIVE_SPONSOR)

    page.goto(LOGIN_PATH)
    fill_sign_in_form(page, user.email)

    expect(page).to_have_url(path_is(f"/o/{ORG_SLUG}/dashboard/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    check_a11y(page)


@pytest.mark.parametrize(
    ("flag", "home_path", "heading"),
    [
        ("is_programme_admin", "/programme/", "The programme"),
        ("is_reviewer", "/reviews/", "Your reviews"),
    ],
)
def test_programme_roles_sign_in_to_their_home(
    page: Page, check_a11y, settings, transactional_db, flag, home_path, heading
):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    user = UserFactory(email=f"{flag}@programme.test", **{flag: True})

    page.goto(LOGIN_PATH)
    fill_sign_in_form(page, user.email)

    expect(page).to_have_url(path_is(home_path))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_a11y(page)


def test_wrong_password_is_refused_with_a_message(page: Page, check_a11y, organisation):
    user = MembershipFactory(organisation=organisation, user=UserFactory()).user

    page.goto(LOGIN_PATH)
    fill_sign_in_form(page, user.email, "not-the-password")

    expect(page).to_have_url(path_is(LOGIN_PATH))
    expect_problem(page, re.compile("not correct", re.I))
    check_a11y(page)


# --- Two-step verification ----------------------------------------------------------------------


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = True


@pytest.fixture
def mfa_admin(transactional_db, mfa_required):
    """A programme admin whose role needs an authenticator (unlike tests/conftest.py's)."""
    return UserFactory(email="mfa.admin@programme.test", is_programme_admin=True)


def test_programme_admin_sets_up_an_authenticator_and_signs_in_with_it(
    page: Page, check_a11y, mfa_admin
):
    page.goto(LOGIN_PATH)
    fill_sign_in_form(page, mfa_admin.email)

    # Sent straight to set up an authenticator (no second password prompt), and kept there,
    # with no navigation to pages they cannot reach yet.
    expect(page).to_have_url(path_is(TOTP_ACTIVATE_PATH))
    expect(page.get_by_text(re.compile("needs two-step verification"))).to_be_visible()
    expect(page.get_by_role("link", name="Programme team")).to_have_count(0)
    check_a11y(page)
    page.goto("/programme/")
    expect(page).to_have_url(path_is(TOTP_ACTIVATE_PATH))
    expect(page.get_by_text(re.compile("needs two-step verification"))).to_be_visible()

    secret = read_totp_secret(page)
    page.get_by_label("Authenticator code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name=TOTP_ACTIVATE_BUTTON).click()

    expect(page).not_to_have_url(path_is(TOTP_ACTIVATE_PATH))
    assert Authenticator.objects.filter(user=mfa_admin, type=Authenticator.Type.TOTP).exists()
    check_a11y(page)  # allauth shows the new recovery codes next

    page.goto("/programme/")
    expect(page).to_have_url(path_is("/programme/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The programme")
    check_a11y(page)

    sign_out(page, check_a11y)

    fill_sign_in_form(page, mfa_admin.email)
    expect(page).to_have_url(path_is(MFA_AUTHENTICATE_PATH))
    check_a11y(page)
    enter_authenticator_code(page, fresh_totp_code(secret))

    expect(page).to_have_url(path_is("/programme/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The programme")


@pytest.fixture
def mfa_admin_with_authenticator(mfa_admin):
    secret = generate_totp_secret()
    TOTP.activate(mfa_admin, secret)
    return mfa_admin, secret


def test_a_wrong_authenticator_code_is_refused(
    page: Page, check_a11y, mfa_admin_with_authenticator
):
    user, secret = mfa_admin_with_authenticator
    right = totp_code(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    page.goto(LOGIN_PATH)
    fill_sign_in_form(page, user.email)
    expect(page).to_have_url(path_is(MFA_AUTHENTICATE_PATH))
    enter_authenticator_code(page, wrong)

    expect(page).to_have_url(path_is(MFA_AUTHENTICATE_PATH))
    expect_problem(page, "Incorrect code.")
    check_a11y(page)

    enter_authenticator_code(page, fresh_totp_code(secret))
    expect(page).to_have_url(path_is("/programme/"))


def test_a_recovery_code_signs_in_instead_of_the_app(
    page: Page, check_a11y, mfa_admin_with_authenticator
):
    user, _secret = mfa_admin_with_authenticator
    recovery_code = RecoveryCodes.activate(user).get_unused_codes()[0]

    page.goto(LOGIN_PATH)
    fill_sign_in_form(page, user.email)
    expect(page).to_have_url(path_is(MFA_AUTHENTICATE_PATH))
    enter_authenticator_code(page, recovery_code)

    expect(page).to_have_url(path_is("/programme/"))
    check_a11y(page)
