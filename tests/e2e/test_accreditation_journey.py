"""From a submitted submission to a verified certificate, in the browser.

A programme admin (signing in with an authenticator, as programme roles must) assigns two
reviewers, one with lived experience; each reviewer declares no conflict of interest and
scores every criterion beside the automatic check; the admin moderates the two reviews side
by side and accredits; the team lead downloads the certificate; anyone can verify it on the
public page. axe-core checks every page on the way.
"""

from __future__ import annotations

import os

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import Page, expect

from accreditation import services
from accreditation.models import Certificate, Submission
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Role
from tests.accreditation import review_builders as rb
from tests.e2e.helpers import (
    enter_authenticator_code,
    fill_sign_in_form,
    fresh_totp_code,
    open_menu_item,
    path_is,
    sign_in,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

TITLE = "Tell me the plan for my day"


def shot(page: Page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/e2e-accreview-{name}.png", full_page=True)  # noqa: S108


@pytest.fixture
def setting(transactional_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = True
    services.criteria_version_seed()  # transactional tests flush the migration's rows
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    sponsor = UserFactory(email="sponsor@northfield.test", full_name="Sam Sponsor")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=organisation, user=sponsor, role=Role.EXECUTIVE_SPONSOR)
    submission = rb.submitted_submission(organisation, lead, sponsor, title=TITLE)
    people = {}
    for key, email, name, flags in (
        ("admin", "admin@programme.test", "Pat Programme", {"is_programme_admin": True}),
        ("ada", "ada@programme.test", "Ada Assessor", {"is_reviewer": True}),
        ("ben", "ben@programme.test", "Ben Assessor", {"is_reviewer": True}),
    ):
        user = UserFactory(email=email, full_name=name, **flags)
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        people[key] = (user, secret)
    return submission, lead, people


def sign_in_with_code(page: Page, user, secret: str) -> None:
    page.goto("/accounts/login/")
    fill_sign_in_form(page, user.email)
    enter_authenticator_code(page, fresh_totp_code(secret))
    expect(page).not_to_have_url(path_is("/accounts/2fa/authenticate/"))


def review_as(page: Page, check_a11y, *, criteria: list[str], lived_note: str) -> None:
    """Declare no conflict, then score every criterion met and submit."""
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name="Declare conflicts of interest")).to_be_visible()
    expect(page.get_by_text("See our evidence.")).to_have_count(0)  # nothing before declaring
    shot(page, "declare")
    check_a11y(page)
    page.get_by_label("No: I have no conflict of interest").check()
    page.get_by_role("button", name="Send my declaration").click()
    expect(page.get_by_text("You can now read the submission and score it.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Review: {TITLE}")).to_be_visible()
    expect(page.get_by_text("See our evidence.").first).to_be_visible()
    expect(page.get_by_text("Automatic check:").first).to_be_visible()
    check_a11y(page)
    for code in criteria:
        group = page.get_by_role("group", name=f"Your score for {code}")
        group.get_by_label("Met", exact=True).check()
    page.get_by_label("Comment on C1").fill(lived_note)
    page.get_by_label("Overall comment").fill("A clear, well-evidenced submission.")
    recommendation = page.get_by_role("group", name="Your recommendation")
    recommendation.get_by_label("Accredited", exact=True).check()
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.get_by_text("Your scores have been saved.")).to_be_visible()
    page.get_by_role("button", name="Submit my review").click()
    expect(page.get_by_text("Your review has been submitted. Thank you.")).to_be_visible()
    check_a11y(page)


def test_admin_assigns_reviewers_score_moderate_accredit_and_verify(new_page, check_a11y, setting):
    submission, lead, people = setting
    admin, admin_secret = people["admin"]
    ada, ada_secret = people["ada"]
    ben, ben_secret = people["ben"]
    criteria = [c.code for c in rb.criteria_of(submission)]

    # The programme admin assigns two reviewers.
    admin_page = new_page()
    sign_in_with_code(admin_page, admin, admin_secret)
    open_menu_item(admin_page, "Accreditation")
    expect(admin_page.get_by_role("heading", name="Accreditation", level=1)).to_be_visible()
    expect(admin_page.locator("#queue")).to_contain_text("Assign reviewers")
    expect(admin_page.locator("#funnel")).to_contain_text("Submitted")
    shot(admin_page, "programme")
    check_a11y(admin_page)
    admin_page.get_by_role("link", name=TITLE).click()
    expect(admin_page.get_by_role("heading", name=TITLE)).to_be_visible()
    check_a11y(admin_page)
    admin_page.get_by_role("combobox", name="Reviewer").select_option(
        label="Ada Assessor (0 review(s) in hand)"
    )
    admin_page.get_by_label("This reviewer brings lived experience").check()
    admin_page.get_by_role("button", name="Assign").click()
    expect(admin_page.get_by_text("Ada Assessor has been assigned.")).to_be_visible()
    admin_page.get_by_role("combobox", name="Reviewer").select_option(
        label="Ben Assessor (0 review(s) in hand)"
    )
    admin_page.get_by_role("button", name="Assign").click()
    expect(admin_page.get_by_text("Ben Assessor has been assigned.")).to_be_visible()
    expect(admin_page.locator("#submission-state")).to_have_text("Under review")
    expect(admin_page.locator("#audit-trail")).to_contain_text(
        "Reviewer Ada Assessor (lived experience) assigned"
    )
    shot(admin_page, "programme-submission")
    check_a11y(admin_page)

    # Each reviewer declares and scores; neither sees the other's scores before both are in.
    ada_page = new_page()
    sign_in_with_code(ada_page, ada, ada_secret)
    expect(ada_page.get_by_role("heading", name="Your reviews")).to_be_visible()
    shot(ada_page, "reviewer-home")
    check_a11y(ada_page)
    review_as(ada_page, check_a11y, criteria=criteria, lived_note="As a carer, this rang true.")
    expect(ada_page.get_by_text("once they have submitted theirs too")).to_be_visible()
    shot(ada_page, "review-submitted")

    ben_page = new_page()
    sign_in_with_code(ben_page, ben, ben_secret)
    review_as(ben_page, check_a11y, criteria=criteria, lived_note="Met: all four confirmed.")
    # Both are in: Ben now sees Ada's scores beside his own.
    expect(ben_page.get_by_text("As a carer, this rang true.")).to_be_visible()
    shot(ben_page, "review-unblinded")

    # The admin moderates and accredits.
    admin_page.reload()
    expect(admin_page.locator("#submission-state")).to_have_text("Moderation")
    admin_page.get_by_role("link", name="Moderate and decide").click()
    expect(admin_page.locator("#disagreement-summary")).to_have_text(
        "The reviewers agree on every criterion."
    )
    expect(admin_page.locator("#side-by-side")).to_contain_text("As a carer, this rang true.")
    shot(admin_page, "moderate")
    check_a11y(admin_page)
    admin_page.get_by_label("Feedback to the team on C1").fill("The partners' voice is clear.")
    decision = admin_page.get_by_role("group", name="Your decision")
    decision.get_by_label("Accredited", exact=True).check()
    admin_page.get_by_label("Overall feedback to the team").fill("Congratulations.")
    admin_page.get_by_role("button", name="Record the decision").click()
    expect(admin_page.get_by_text("The certificate has been issued.")).to_be_visible()
    expect(admin_page.locator("#submission-state")).to_have_text("Accredited")
    check_a11y(admin_page)
    with organisation_scope(submission.organisation):
        code = Certificate.objects.get(submission=submission).verification_code
        assert Submission.objects.get(pk=submission.pk).state == Submission.State.ACCREDITED

    # The team lead sees the feedback and downloads the certificate.
    team_page = new_page()
    sign_in(team_page, lead.email)
    team_page.goto(
        f"/o/northfield/events/{submission.event_id}/accreditation/submissions/{submission.pk}/"
    )
    team_page.get_by_role("link", name="Review and decision").click()
    expect(team_page.locator("#decision-outcome")).to_contain_text("Accredited")
    expect(team_page.locator("#feedback")).to_contain_text("The partners' voice is clear.")
    shot(team_page, "team-review")
    check_a11y(team_page)
    with team_page.expect_download() as download_info:
        team_page.get_by_role("link", name="Download the certificate (PDF)").click()
    download = download_info.value
    assert code in download.suggested_filename
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Anyone can verify it, without signing in.
    public = new_page()
    public.goto("/verify/")
    check_a11y(public)
    public.get_by_label("Verification code").fill(code.lower())
    public.get_by_role("button", name="Check").click()
    expect(public).to_have_url(path_is(f"/verify/{code}/"))
    result = public.locator("#verification-result")
    expect(result).to_contain_text("Valid: this Always Event is accredited")
    expect(result).to_contain_text(TITLE)
    expect(result).to_contain_text("Northfield Hospitals")
    expect(result).not_to_contain_text("Lee Lead")
    shot(public, "verify")
    check_a11y(public)
