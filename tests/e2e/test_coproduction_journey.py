"""A team lead works with a partner in a real browser; an organisation admin anonymises them.

Adds a partner with access needs, records their consent, records a co-design workshop they
attended and sees the co-production profile change; then an organisation admin, in a second
browser context, anonymises the partner and sees the pseudonym. axe-core checks every page.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alwaysevents.tenancy.scope import organisation_scope
from coproduction.models import Partner
from programmes.models import Role
from tests.e2e.helpers import expect_problem, fill_date, path_is, sign_in
from tests.factories import AlwaysEventFactory, MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def setting(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    admin = UserFactory(email="admin@northfield.test", full_name="Ada Admin")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=organisation, user=admin, role=Role.ORGANISATION_ADMIN)
    event = AlwaysEventFactory(
        organisation=organisation, title="Plan for the day", stage="testing", team_lead=lead
    )
    return organisation, lead, admin, event


def test_team_lead_coproduces_and_admin_anonymises(new_page, check_a11y, setting):
    organisation, lead, admin, event = setting
    coproduction = f"/o/northfield/events/{event.pk}/coproduction/"

    page: Page = new_page()
    sign_in(page, lead.email)
    page.goto(f"/o/northfield/events/{event.pk}/")
    page.get_by_role("link", name="Co-production", exact=True).click()
    expect(page).to_have_url(path_is(coproduction))
    expect(page.get_by_text("No involvement activities recorded yet.")).to_be_visible()
    check_a11y(page)

    # A partner with access needs.
    page.get_by_label("Name they want to be known by").fill("Robin Fictional")
    page.get_by_label("How they are connected to the service").select_option("carer")
    page.get_by_label("Email").fill("robin@example.org")
    page.get_by_label("Large print").check()
    page.get_by_label("Step-free access").check()
    page.get_by_label("Their role in this Always Event").fill("Co-design group")
    page.get_by_role("button", name="Add partner").click()
    expect(page.get_by_text("Robin Fictional is added as a partner")).to_be_visible()
    partners = page.locator("#partner-list")
    expect(partners.get_by_text("Robin Fictional")).to_be_visible()
    expect(partners.get_by_text("Access needs")).to_be_visible()
    check_a11y(page)

    # Their consent, on their page (the lead sees their details).
    partners.get_by_role("link", name="Robin Fictional").click()
    expect(page.get_by_text("robin@example.org")).to_be_visible()
    page.get_by_label("What they consent to").select_option("contact")
    page.get_by_label("Version of the consent wording").fill("v1")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent to contacting them is recorded.")).to_be_visible()
    expect(page.locator("#consent-list")).to_contain_text("Contacting them")
    check_a11y(page)

    # A co-design workshop they attended.
    page.get_by_role("link", name="Back to co-production").click()
    page.get_by_label("Title").fill("Co-design workshop")
    page.get_by_label("Kind of activity").select_option("workshop")
    fill_date(page, re.compile(r"^Date$"), timezone.localdate())
    page.get_by_label("Stage of the Always Event").select_option("co_designing")
    page.get_by_label(re.compile(r"6\. Co-design: partners")).check()
    page.get_by_label("Hours").fill("2")
    page.get_by_role("checkbox", name="Lee Lead").check()
    page.get_by_role("checkbox", name=re.compile(r"Robin Fictional")).check()
    page.get_by_role("button", name="Record activity").click()
    expect(page.get_by_text("Co-design workshop is recorded.")).to_be_visible()
    expect(page.locator("#highest-rung")).to_contain_text("6. Co-design (6 of 7)")
    expect(page.locator("#partner-share")).to_contain_text("50% partners (1 of 2)")
    table = page.locator("#activity-list")
    expect(table.get_by_text("Robin Fictional")).to_be_visible()
    expect(table.get_by_text("Access needs")).to_be_visible()
    check_a11y(page)

    with organisation_scope(organisation):
        robin = Partner.objects.get(display_name="Robin Fictional")

    # The organisation admin anonymises them.
    admin_page: Page = new_page()
    sign_in(admin_page, admin.email)
    admin_page.goto(coproduction)
    admin_page.locator("#partner-list").get_by_role("link", name="Robin Fictional").click()
    check_a11y(admin_page)
    admin_page.get_by_role("button", name="Anonymise this partner").click()
    expect_problem(admin_page, "Tick the box to confirm")
    check_a11y(admin_page)
    admin_page.get_by_label("I understand their name and contact details").check()
    admin_page.get_by_role("button", name="Anonymise this partner").click()
    expect(admin_page.get_by_text(f"now shown as {robin.pseudonym}", exact=False)).to_be_visible()
    expect(admin_page.get_by_text("robin@example.org")).to_have_count(0)
    check_a11y(admin_page)

    admin_page.goto(coproduction)
    expect(admin_page.locator("#partner-list")).to_contain_text(robin.pseudonym)
    expect(admin_page.get_by_text("Robin Fictional")).to_have_count(0)
    check_a11y(admin_page)
    admin_page.get_by_role("link", name="The audit log of consents and erasures").click()
    expect(admin_page.get_by_text(f"{robin.pseudonym} was anonymised")).to_be_visible()
    check_a11y(admin_page)
