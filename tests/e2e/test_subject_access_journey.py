"""A partner's rights in a real browser: the organisation admin opens a partner's page (which
is recorded), reads who opened their details and downloads everything held about them as a
ZIP; the team lead's look shows in the record. axe-core checks every page."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from playwright.sync_api import Page, expect

from programmes.models import Role
from tests.e2e.helpers import sign_in
from tests.factories import (
    AlwaysEventFactory,
    EventPartnerFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _private_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def setting(transactional_db):
    organisation = OrganisationFactory(slug="northfield", name="Northfield Hospitals")
    lead = UserFactory(email="lead@northfield.test", full_name="Lee Lead")
    admin = UserFactory(email="admin@northfield.test", full_name="Ada Admin")
    MembershipFactory(organisation=organisation, user=lead, role=Role.TEAM_LEAD)
    MembershipFactory(organisation=organisation, user=admin, role=Role.ORGANISATION_ADMIN)
    event = AlwaysEventFactory(organisation=organisation, title="Plan for the day", team_lead=lead)
    partner = EventPartnerFactory(
        event=event,
        partner__display_name="Robin Fictional",
        partner__email="robin@example.org",
        partner__pseudonym="Partner 12",
    ).partner
    EventPartnerFactory(event=event, partner__display_name="Sam Someoneelse")
    return lead, admin, event, partner


def test_admin_reads_the_record_and_downloads_a_partners_export(new_page, check_a11y, setting):
    lead, admin, event, partner = setting
    partner_page = f"/o/northfield/events/{event.pk}/partners/{partner.pk}/"

    # The team lead opens the partner's details: recorded.
    lead_page: Page = new_page()
    sign_in(lead_page, lead.email)
    lead_page.goto(partner_page)
    expect(lead_page.get_by_text("robin@example.org")).to_be_visible()
    expect(lead_page.get_by_role("link", name="Who opened their details")).to_have_count(0)

    # The organisation admin reads the record, then downloads the export.
    page: Page = new_page()
    sign_in(page, admin.email)
    page.goto(partner_page)
    check_a11y(page)
    page.get_by_role("link", name="Who opened their details").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Who opened Robin Fictional's details")
    table = page.locator("#access-record")
    expect(table).to_contain_text("Lee Lead")
    expect(table).to_contain_text("Contact details")
    expect(table).to_contain_text("Ada Admin")
    check_a11y(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything held about Robin Fictional").click()
    assert download.value.suggested_filename == "everything-held-partner-12.zip"
    with open(download.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    document = json.loads(archive.read("partner.json"))
    assert document["details"][0]["email"] == "robin@example.org"
    assert "Sam Someoneelse" not in archive.read("partner.json").decode()
    assert "subject_access_export" in {entry["action"] for entry in document["audit"]}

    # The export shows in the record, newest first.
    page.reload()
    expect(page.locator("#access-record tbody tr").first).to_contain_text("Everything held")
