"""A team checks its readiness for accreditation, drafts a submission and its sponsor signs it off.

The team lead opens the Accreditation tab, sees every criterion's automatic check, starts a
submission, writes a self-assessment for each criterion, attaches a file and sends it for
sign-off; the executive sponsor, in a second browser context, signs it off in one step and the
submission is submitted (its evidence frozen). axe-core checks every page.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from accreditation import services
from accreditation.models import Snapshot, Submission
from alwaysevents.tenancy.scope import organisation_scope
from programmes.models import Role
from tests.accreditation import builders
from tests.e2e.helpers import path_is, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def shot(page: Page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=f"/tmp/e2e-accreditation-{name}.png", full_page=True)  # noqa: S108


@pytest.fixture
def setting(transactional_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    services.criteria_version_seed()  # transactional tests flush the migration's rows
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    sponsor = UserFactory(email="sponsor@northfield.test", full_name="Sam Sponsor")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=organisation, user=sponsor, role=Role.EXECUTIVE_SPONSOR)
    event = builders.ready_event(organisation, lead, sponsor)
    return organisation, lead, sponsor, event


def test_team_checks_readiness_submits_and_sponsor_attests(new_page, check_a11y, setting):
    organisation, lead, sponsor, event = setting
    readiness = f"/o/northfield/events/{event.pk}/accreditation/"

    page: Page = new_page()
    sign_in(page, lead.email)
    page.goto(f"/o/northfield/events/{event.pk}/")
    page.get_by_role("link", name="Accreditation", exact=True).click()
    expect(page).to_have_url(path_is(readiness))
    expect(page.get_by_role("heading", name="How ready is this Always Event?")).to_be_visible()
    # The NHS task list: each criterion with its automatic check as a tag in words.
    checks = page.locator("#readiness-list > li.nhsuk-task-list__item")
    expect(checks).to_have_count(9)
    expect(page.locator("#check-C7 .nhsuk-task-list__status .nhsuk-tag")).to_have_text("Met")
    expect(page.locator("#check-C7")).to_contain_text("Met")
    expect(page.locator("#check-C7")).to_contain_text("3 of 3 PDSA cycles")
    expect(page.locator("#check-C9")).to_contain_text("Partly met")
    expect(page.get_by_text("No submission yet.")).to_be_visible()
    shot(page, "readiness")
    check_a11y(page)

    # Start a submission.
    page.get_by_role("button", name="Start a submission").click()
    expect(page.get_by_text("A draft submission is started.")).to_be_visible()
    expect(page.locator("#submission-state")).to_have_text("Draft")
    check_a11y(page)

    # Write a self-assessment for every criterion on one page.
    page.get_by_role("link", name="Write the self-assessments").click()
    expect(page.get_by_role("heading", name="Self-assessment")).to_be_visible()
    check_a11y(page)
    for n in range(1, 10):
        page.get_by_label(f"C{n} ").fill(f"How we meet C{n}: see the charts and records attached.")
    page.get_by_role("button", name="Save the self-assessments").click()
    expect(page.get_by_text("9 self-assessments saved.")).to_be_visible()
    expect(page.get_by_text("9 of 9 criteria have a self-assessment.")).to_be_visible()

    # Attach the case study for C9.
    page.get_by_label("What this evidence shows").fill("Our case study")
    page.get_by_label("Which criterion it supports").first.select_option(label="C9 Learning shared")
    page.get_by_label(re.compile(r"\bFile\b")).set_input_files(
        {"name": "case-study.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Attach file").click()
    expect(page.get_by_text("“Our case study” is attached.")).to_be_visible()
    expect(page.get_by_role("link", name="Our case study")).to_be_visible()
    shot(page, "draft")
    check_a11y(page)

    page.get_by_role("button", name="Send for sponsor sign-off").click()
    expect(page.get_by_text("Sent to Sam Sponsor to sign off.")).to_be_visible()
    expect(page.locator("#submission-state")).to_have_text("Awaiting sponsor sign-off")
    submission_path = re.sub(r"^https?://[^/]+", "", page.url)
    check_a11y(page)

    # The sponsor signs it off in one step.
    sponsor_page: Page = new_page()
    sign_in(sponsor_page, sponsor.email)
    sponsor_page.goto(submission_path)
    expect(
        sponsor_page.get_by_role("heading", name="Your sign-off as executive sponsor")
    ).to_be_visible()
    expect(sponsor_page.get_by_text("How we meet C3: see the charts")).to_be_visible()
    shot(sponsor_page, "attest")
    check_a11y(sponsor_page)
    sponsor_page.get_by_role("button", name="Sign off and submit").click()
    expect(sponsor_page.get_by_text("Signed off and submitted.")).to_be_visible()
    expect(sponsor_page.locator("#submission-state")).to_have_text("Submitted")
    expect(sponsor_page.locator("#attested")).to_contain_text("Signed off by Sam Sponsor")
    expect(sponsor_page.locator("#audit-trail")).to_contain_text(
        "Awaiting sponsor sign-off → Submitted"
    )
    shot(sponsor_page, "submitted")
    check_a11y(sponsor_page)
    sponsor_page.get_by_role("link", name="see what the reviewers see").click()
    expect(sponsor_page.get_by_role("heading", name="Plan for the day", level=2)).to_be_visible()
    expect(sponsor_page.locator("figure.ae-chart svg")).to_have_count(3)
    shot(sponsor_page, "snapshot")
    check_a11y(sponsor_page)

    # The team sees it submitted, with the checks as frozen.
    page.goto(readiness)
    expect(page.locator("#submission-state")).to_have_text("Submitted")
    check_a11y(page)

    with organisation_scope(organisation):
        submission = Submission.objects.get(event=event)
        assert submission.state == Submission.State.SUBMITTED
        snapshot = Snapshot.objects.get(submission=submission)
    checks = {c["code"]: c["judgement"] for c in snapshot.data["checks"]}
    assert checks["C9"] == "met"  # the case study was attached before submission
    assert len(snapshot.charts) == 3


def test_programme_admin_drafts_and_publishes_criteria(
    new_page, check_a11y, transactional_db, settings
):
    settings.MFA_REQUIRED_FOR_PROGRAMME_ROLES = False
    services.criteria_version_seed()
    admin = UserFactory(
        email="admin@programme.test", full_name="Pat Programme", is_programme_admin=True
    )

    page: Page = new_page()
    sign_in(page, admin.email)
    page.goto("/programme/")
    page.get_by_role("link", name="Accreditation criteria").click()
    expect(page.get_by_role("heading", name="Accreditation criteria", level=1)).to_be_visible()
    check_a11y(page)
    page.get_by_label("Title").fill("Always Events accreditation criteria, 2027")
    page.get_by_role("button", name="Draft the version").click()
    expect(page.get_by_text("Version 2 is drafted.")).to_be_visible()
    expect(page.locator("#version-state")).to_have_text("Draft")
    check_a11y(page)
    page.get_by_role("link", name="Edit C7").click()
    page.locator("#edit-heading").scroll_into_view_if_needed()
    page.get_by_label("Thresholds (optional)", exact=True).first.fill('{"minimum_pdsa_cycles": 4}')
    page.get_by_role("button", name="Save C7").click()
    expect(page.get_by_text("C7 is saved.")).to_be_visible()
    expect(page.locator("#criterion-C7")).to_contain_text("minimum_pdsa_cycles: 4")
    shot(page, "criteria-draft")
    check_a11y(page)
    page.get_by_role("button", name="Publish this version").click()
    expect(page.locator("#version-state")).to_contain_text("Published")
    expect(page.get_by_role("button", name="Add criterion")).to_have_count(0)
    shot(page, "criteria-published")
    check_a11y(page)
