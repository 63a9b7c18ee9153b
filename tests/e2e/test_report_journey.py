"""The sponsor reads the latest monthly progress report and acknowledges it, in a real browser.

Also the one-click link from the email, opened without signing in. axe-core checks every page.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alwaysevents.reporting.models import SponsorReport
from alwaysevents.reporting.services.reports import acknowledge_token, sponsor_report_generate
from alwaysevents.tenancy.scope import across_organisations, organisation_scope
from programmes.models import Membership, Role
from tests.e2e.helpers import open_menu_item, path_is, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reporting.conftest import build_sponsor_month

SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS") == "1"


@pytest.fixture
def reports(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    sponsor = UserFactory(email="sponsor@northfield.test", full_name="Sam Sponsor")
    MembershipFactory(organisation=organisation, user=sponsor, role=Role.EXECUTIVE_SPONSOR)
    build_sponsor_month(organisation, sponsor)
    with organisation_scope(organisation):
        membership = Membership.objects.select_related("organisation", "user").get(user=sponsor)
    made = []
    for period, days_ago in (("2026-09", 50), ("2026-10", 2)):
        report = sponsor_report_generate(membership=membership, period=period)
        with across_organisations():
            SponsorReport.objects.filter(pk=report.pk).update(
                sent_at=timezone.now() - dt.timedelta(days=days_ago)
            )
        made.append(report)
    return organisation, sponsor, made


def test_sponsor_opens_the_latest_report_and_acknowledges_it(new_page, check_a11y, reports):
    _organisation, sponsor, (_older, latest) = reports
    page: Page = new_page()
    sign_in(page, sponsor.email)
    # Sponsors land on the dashboard, which offers the latest report waiting for them.
    page.goto("/")
    expect(page).to_have_url(path_is("/o/northfield/dashboard/"))
    expect(
        page.get_by_role("heading", name="Your progress report for October 2026")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Told the plan for the day")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Read the report for October 2026").click()
    expect(page).to_have_url(path_is(f"/o/northfield/reports/{latest.pk}/"))
    page.go_back()

    open_menu_item(page, "Reports")
    expect(page).to_have_url(path_is("/o/northfield/reports/"))
    expect(page.get_by_role("heading", name="Progress reports")).to_be_visible()
    expect(page.get_by_text("Overdue")).to_be_visible()  # September's, never acknowledged
    check_a11y(page)

    page.get_by_role("link", name="October 2026", exact=True).click()
    expect(page).to_have_url(path_is(f"/o/northfield/reports/{latest.pk}/"))
    expect(page.get_by_role("heading", name="Progress report for October 2026")).to_be_visible()
    expect(page.get_by_role("heading", name="Told the plan for the day")).to_be_visible()
    expect(page.get_by_text("Improvement (higher values)").first).to_be_visible()
    # The chart: one image named by its title; a report is read, so its points are not tab stops.
    expect(
        page.get_by_role("img", name=re.compile("Patients told the plan by 10am"))
    ).to_be_visible()
    expect(page.locator(".sponsor-report svg [tabindex]")).to_have_count(0)
    check_a11y(page)
    if SCREENSHOTS:
        page.screenshot(path="/tmp/e2e-report-detail.png", full_page=True)  # noqa: S108

    page.get_by_role("button", name="I have read this report").click()
    expect(page.get_by_text("the report for October 2026 is acknowledged")).to_be_visible()
    expect(page.get_by_text("Acknowledged", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="I have read this report")).to_have_count(0)
    check_a11y(page)
    with across_organisations():
        report = SponsorReport.objects.defer("html", "pdf").get(pk=latest.pk)
    assert report.acknowledged_by_id == sponsor.pk and report.acknowledged_via == "app"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the board report (PDF)").click()
    assert download.value.suggested_filename == "always-events-report-northfield-2026-10.pdf"

    # Back on the dashboard, September's report is still waiting: acknowledged there in one click.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(
        page.get_by_role("heading", name="Your progress report for September 2026")
    ).to_be_visible()
    expect(page.get_by_text("Overdue").first).to_be_visible()
    page.get_by_role("button", name="I have read the report for September 2026").click()
    expect(page).to_have_url(path_is("/o/northfield/dashboard/"))
    expect(page.get_by_text("the report for September 2026 is acknowledged")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Your progress report"))).to_have_count(0)
    check_a11y(page)


def test_email_link_acknowledges_without_signing_in(new_page, check_a11y, reports):
    _organisation, _sponsor, (older, _latest) = reports
    page: Page = new_page()
    page.goto(f"/reports/acknowledge/{acknowledge_token(older)}/")
    expect(page.get_by_role("heading", name="Acknowledge your progress report")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="I have read this report").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    check_a11y(page)
    page.goto("/reports/acknowledge/not-a-real-token/")
    expect(page.get_by_text("This link is not valid")).to_be_visible()
    check_a11y(page)
    with across_organisations():
        assert (
            SponsorReport.objects.defer("html", "pdf").get(pk=older.pk).acknowledged_via == "link"
        )
