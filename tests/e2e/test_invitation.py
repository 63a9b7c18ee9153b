"""The invitation journey: an organisation admin invites, the invitee joins from the email."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings as django_settings
from django.core import signing
from playwright.sync_api import Page, expect

from programmes import services
from programmes.models import Role
from tests.e2e.helpers import LOGIN_PATH, fill_sign_in_form, open_menu_item, path_is, sign_in
from tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory

ORG_SLUG = "northfield"
ORG_NAME = "Northfield Hospitals"
INVITATION_LINK = re.compile(r"https?://[^\s\"'<>]+/invitations/[^/\s\"'<>]+/")
NEW_PASSWORD = "Lantern-meadow-quiet-2031"  # 12+ characters, not a common password
# "Create a password" / "Type the password again" here; "Password" / "Password (again)" stock.
PASSWORD_LABEL = re.compile(r"^\s*(create a )?password\s*$", re.IGNORECASE)
PASSWORD_AGAIN_LABEL = re.compile(r"again|confirm", re.IGNORECASE)
SIGN_UP_BUTTON = re.compile(r"^\s*(sign up|create (your )?account)\s*$", re.IGNORECASE)


@pytest.fixture
def organisation(transactional_db):
    return OrganisationFactory(slug=ORG_SLUG, name=ORG_NAME)


@pytest.fixture
def org_admin(organisation):
    user = UserFactory(email="orgadmin@northfield.test", full_name="Olu Admin")
    MembershipFactory(organisation=organisation, user=user, role=Role.ORGANISATION_ADMIN)
    return user


@pytest.fixture
def links_to_live_server(settings, live_server):
    """Emailed links are built from SITE_URL: point them at the live server."""
    settings.SITE_URL = live_server.url


def emailed_invitation_link(outbox, email: str) -> str:
    sent = [message for message in outbox if email in message.to]
    assert sent, f"No email to {email} in {[m.to for m in outbox]}"
    match = INVITATION_LINK.search(sent[-1].body)
    assert match, f"No invitation link in:\n{sent[-1].body}"
    return match.group(0)


def accept_invitation(page: Page, check_a11y, role_text: str) -> None:
    accept = page.get_by_role("button", name="Accept the invitation")
    expect(accept).to_be_visible()
    check_a11y(page)
    accept.click()

    expect(page).to_have_url(path_is(f"/o/{ORG_SLUG}/"))
    expect(page.get_by_text(f"Welcome to {ORG_NAME}. You are a {role_text}.")).to_be_visible()
    expect(page.get_by_text(f"You are {role_text} here.")).to_be_visible()
    check_a11y(page)


def test_an_invited_team_lead_creates_an_account_and_joins(
    new_page, check_a11y, org_admin, links_to_live_server, live_server, mailoutbox
):
    invitee_email = "new.lead@example.org"

    # The organisation admin invites a team lead.
    admin = new_page()
    sign_in(admin, org_admin.email)
    expect(admin).to_have_url(path_is(f"/o/{ORG_SLUG}/"))
    check_a11y(admin)

    open_menu_item(admin, "People")
    expect(admin).to_have_url(path_is(f"/o/{ORG_SLUG}/members/"))
    check_a11y(admin)

    admin.get_by_role("link", name="Invite someone").click()
    expect(admin).to_have_url(path_is(f"/o/{ORG_SLUG}/members/invite/"))
    check_a11y(admin)
    admin.get_by_label("Email address").fill(invitee_email)
    admin.get_by_label("Role").select_option(label="Team lead")
    admin.get_by_role("button", name="Send invitation").click()

    expect(admin).to_have_url(path_is(f"/o/{ORG_SLUG}/members/"))
    expect(admin.get_by_text(f"Invitation sent to {invitee_email}.")).to_be_visible()
    waiting = admin.locator("section", has=admin.get_by_role("heading", name="Invitations waiting"))
    expect(waiting.get_by_role("row", name=re.compile(re.escape(invitee_email)))).to_contain_text(
        "Team lead"
    )
    check_a11y(admin)

    link = emailed_invitation_link(mailoutbox, invitee_email)
    assert link.startswith(live_server.url + "/invitations/")

    # The invitee opens the emailed link in their own browser and creates an account.
    invitee = new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text(f"Join {ORG_NAME}")
    expect(invitee.get_by_text(invitee_email)).to_be_visible()
    check_a11y(invitee)

    invitee.get_by_role("link", name="Create your account").click()
    expect(invitee).to_have_url(path_is("/accounts/signup/"))
    expect(invitee.get_by_label("Email", exact=False).first).to_have_value(invitee_email)
    check_a11y(invitee)
    invitee.get_by_label("Your full name").fill("Priya Shah")
    invitee.get_by_label(PASSWORD_LABEL).fill(NEW_PASSWORD)
    invitee.get_by_label(PASSWORD_AGAIN_LABEL).fill(NEW_PASSWORD)
    invitee.get_by_role("button", name=SIGN_UP_BUTTON).click()

    expect(invitee).to_have_url(link)
    accept_invitation(invitee, check_a11y, "team lead")

    # The organisation admin now sees them as a member, and no invitation waiting.
    admin.reload()
    members = admin.locator("section", has=admin.get_by_role("heading", name="Members"))
    row = members.get_by_role("row", name=re.compile(re.escape(invitee_email)))
    expect(row).to_contain_text("Priya Shah")
    expect(row).to_contain_text("Team lead")
    expect(row).to_contain_text("Active")
    expect(admin.get_by_text("No invitations are waiting.")).to_be_visible()


def backdated_token(invitation, days: int) -> str:
    """A correctly signed token, signed `days` ago."""

    class BackdatedSigner(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - days * 24 * 60 * 60)

    return BackdatedSigner(salt=services.INVITATION_SALT).sign(str(invitation.pk))


def tampered_token(invitation) -> str:
    token = services.invitation_token(invitation)
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    ("make_token", "explanation"),
    [
        (
            lambda invitation: backdated_token(
                invitation, django_settings.INVITATION_MAX_AGE_DAYS + 1
            ),
            "This invitation has expired.",
        ),
        (tampered_token, "This invitation link is not valid."),
    ],
    ids=["expired", "tampered"],
)
def test_an_expired_or_tampered_link_cannot_be_used(
    page: Page, check_a11y, organisation, make_token, explanation
):
    invitation = InvitationFactory(organisation=organisation, email="late@example.org")

    response = page.goto(f"/invitations/{make_token(invitation)}/")

    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation cannot be used")
    expect(page.get_by_text(explanation)).to_be_visible()
    expect(page.get_by_role("link", name="Create your account")).to_have_count(0)
    check_a11y(page)


def test_an_existing_member_elsewhere_signs_in_and_accepts(
    new_page, check_a11y, organisation, org_admin, links_to_live_server, mailoutbox
):
    riverside = OrganisationFactory(slug="riverside", name="Riverside Trust")
    person = UserFactory(email="sam.sponsor@riverside.test")
    MembershipFactory(organisation=riverside, user=person, role=Role.TEAM_MEMBER)
    services.invitation_create(
        organisation=organisation,
        email=person.email,
        role=Role.EXECUTIVE_SPONSOR,
        invited_by=org_admin,
    )
    link = emailed_invitation_link(mailoutbox, person.email)

    page = new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {ORG_NAME}")
    page.get_by_role("link", name="Sign in", exact=True).click()

    expect(page).to_have_url(path_is(LOGIN_PATH))
    check_a11y(page)
    fill_sign_in_form(page, person.email)

    expect(page).to_have_url(link)
    accept_invitation(page, check_a11y, "executive sponsor")

    page.locator("#org-switcher").click()
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()
    menu = page.locator("main")
    expect(menu.get_by_role("link", name=re.compile(ORG_NAME))).to_be_visible()
    expect(menu.get_by_role("link", name=re.compile("Riverside Trust"))).to_be_visible()
